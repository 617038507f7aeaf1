import { describe, expect, it } from 'vitest'
import { type Messages, readCatalogs } from './catalogs.js'
import { DEFAULT_LANGUAGE, LANGUAGES } from './languages.js'
import { negotiateLanguage } from './negotiate.js'
import { createTranslator } from './translator.js'

const PLURAL = /_(zero|one|two|few|many|other)$/

/** Every message key of a namespace, flattened to dotted paths. */
function keysOf(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [prefix + key] : keysOf(value, `${prefix + key}.`),
  )
}

/**
 * The keys `language` must have for English's `keys`: the same keys, except that a plural message
 * needs the plural forms of `language` itself (Intl.PluralRules), which may differ from English's.
 */
function expectedKeys(keys: string[], language: string): string[] {
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories
  const plain = keys.filter((k) => !PLURAL.test(k))
  const plurals = [...new Set(keys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')))]
  return [...plain, ...plurals.flatMap((base) => categories.map((c) => `${base}_${c}`))].sort()
}

describe('message catalogs (locales/)', () => {
  const catalogs = readCatalogs()

  for (const language of LANGUAGES.filter((l) => l !== DEFAULT_LANGUAGE)) {
    it(`${language} has every namespace and key English has, with its own plural forms`, () => {
      for (const [namespace, messages] of Object.entries(catalogs.en)) {
        const theirs = catalogs[language][namespace]
        expect(theirs, `locales/${language}/${namespace}.json is missing`).toBeDefined()
        const missing = expectedKeys(keysOf(messages), language).filter(
          (k) =>
            !keysOf(theirs!).includes(k) &&
            !(k.endsWith('_many') && keysOf(theirs!).includes(k.replace(/_many$/, '_other'))),
        )
        expect(missing, `locales/${language}/${namespace}.json lacks these keys`).toEqual([])
      }
    })
  }

  it('no message is empty', () => {
    for (const language of LANGUAGES)
      for (const [namespace, messages] of Object.entries(catalogs[language]))
        for (const key of keysOf(messages)) {
          const value = key.split('.').reduce<unknown>((m, part) => (m as Messages)[part], messages)
          expect(String(value).trim(), `${language}/${namespace}:${key}`).not.toBe('')
        }
  })
})

describe('translator', () => {
  const translator = createTranslator({
    en: { t: { members_one: '{{count}} member', members_other: '{{count}} members', only: 'English only' } },
    es: { t: { members_one: '{{count}} miembro', members_other: '{{count}} miembros' } },
  })

  it('picks the plural form of the language', () => {
    expect(translator.t('en', 't:members', { count: 1 })).toBe('1 member')
    expect(translator.t('en', 't:members', { count: 2 })).toBe('2 members')
    expect(translator.t('es', 't:members', { count: 1 })).toBe('1 miembro')
    expect(translator.t('es', 't:members', { count: 0 })).toBe('0 miembros')
  })

  it('falls back to English, and says whether a language has its own message', () => {
    expect(translator.t('es', 't:only')).toBe('English only')
    expect(translator.has('es', 't:only')).toBe(false)
    expect(translator.has('en', 't:only')).toBe(true)
  })
})

describe('negotiateLanguage', () => {
  it('follows the setting first, then Accept-Language with regions falling back, then English', () => {
    expect(negotiateLanguage('es-MX,es;q=0.9', 'en')).toBe('en')
    expect(negotiateLanguage('es-MX,en;q=0.5', null)).toBe('es')
    expect(negotiateLanguage('fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7')).toBe('es')
    expect(negotiateLanguage('de, en;q=0.1')).toBe('en')
    expect(negotiateLanguage('de')).toBe('en')
    expect(negotiateLanguage('')).toBe('en')
    expect(negotiateLanguage(undefined, 'xx')).toBe('en')
    expect(negotiateLanguage('en;q=0.2, es;q=0.8')).toBe('es')
  })
})
