import Negotiator from 'negotiator'
import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages.js'

/**
 * The language to answer in: the person's own setting when they chose one, else the best of the
 * request's `Accept-Language` that Backlot has (a region falls back to its language: `es-MX` →
 * `es`), else English. Negotiator parses the header (q-values, wildcards) as browsers send it.
 */
export function negotiateLanguage(acceptLanguage: string | undefined, setting?: string | null): Language {
  if (isLanguage(setting)) return setting
  if (!acceptLanguage) return DEFAULT_LANGUAGE
  const negotiator = new Negotiator({ headers: { 'accept-language': acceptLanguage } })
  for (const tag of negotiator.languages()) {
    const base = tag.toLowerCase().split('-')[0]
    if (base === '*') return DEFAULT_LANGUAGE
    if (isLanguage(base)) return base
  }
  return DEFAULT_LANGUAGE
}
