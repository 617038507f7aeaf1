import { type Language, translator } from '../i18n/index.js'
import { type ProblemCode, problemCatalog } from './problems.js'

/**
 * A problem's `title` in `language`. English titles live in the problem catalog (problems.ts),
 * where the compiler checks every domain reason has one; other languages translate them in
 * locales/<language>/problems.json, keyed by code (test/i18n checks none is missing). `type`,
 * `code` and `detail` stay as they are: clients switch on the first two, and the detail is the
 * server's own account of this one refusal.
 */
export function problemTitle(code: ProblemCode, language: Language): string {
  if (language === 'en') return problemCatalog[code].title
  const key = `problems:${code}`
  return translator().has(language, key) ? translator().t(language, key) : problemCatalog[code].title
}
