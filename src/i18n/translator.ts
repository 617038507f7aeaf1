import i18next, { type i18n, type TOptions } from 'i18next'
import { type Catalogs, readCatalogs } from './catalogs.js'
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './languages.js'

/**
 * Messages through i18next (issue 16 point 4): a maintained library that runs the same in Node and
 * in the browser, with plurals from `Intl.PluralRules` (keys `_one`, `_other`, …) and no compile
 * step. Dates and numbers are formatted with `Intl` by the callers.
 */
export interface Translator {
  /** The message `key` ("namespace:path.to.key") in `language`, English when that language lacks it. */
  t(language: Language, key: string, values?: TOptions): string
  /** Whether `language` has its own message for `key` (no fallback). */
  has(language: Language, key: string): boolean
}

export function createTranslator(catalogs: Catalogs = readCatalogs()): Translator {
  const instance: i18n = i18next.createInstance()
  void instance.init({
    resources: catalogs,
    supportedLngs: [...LANGUAGES],
    fallbackLng: DEFAULT_LANGUAGE,
    // Resources are given: initialisation is synchronous.
    initAsync: false,
    // Messages go into HTML through our own escaping templates (src/pages/html.ts) or into JSON:
    // escaping here would escape twice.
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  const fixed = new Map(LANGUAGES.map((language) => [language, instance.getFixedT(language)]))
  return {
    t: (language, key, values) => fixed.get(language)!(key, values ?? {}) as string,
    has: (language, key) => instance.exists(key, { lng: language, fallbackLng: false }),
  }
}

let shared: Translator | undefined

/** The catalogs shipped in locales/, loaded on first use. */
export function translator(): Translator {
  shared ??= createTranslator()
  return shared
}
