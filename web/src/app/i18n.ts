import { signal } from '@preact/signals'
import i18next, { type TOptions } from 'i18next'
import en from '../../../locales/en/web.json'
import { setFormatLocale } from './format-locale.js'

/**
 * The web app's messages (issue 16 point 4), from the same catalogs as the server (locales/, the
 * `web` namespace) through the same library, i18next: plurals by `Intl.PluralRules`, no compile
 * step. English is bundled (it is also every message's fallback); another language's catalog is
 * a chunk of its own, loaded when chosen. Dates and numbers go through `Intl` with `locale()`.
 */
export const LANGUAGES = ['en', 'es'] as const
export type Language = (typeof LANGUAGES)[number]
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español' }

const catalogs: Record<Exclude<Language, 'en'>, () => Promise<{ default: object }>> = {
  es: () => import('../../../locales/es/web.json'),
}

/** The language shown; components that call `t` re-render when it changes. */
export const language = signal<Language>('en')

void i18next.init({
  lng: 'en',
  fallbackLng: 'en',
  ns: ['web'],
  defaultNS: 'web',
  resources: { en: { web: en } },
  initAsync: false,
  // Preact escapes what it renders: escaping here would show "&amp;".
  interpolation: { escapeValue: false },
})
// "{{label, lowercase}}": a team's own word for a chapter ("Episode") inside an English sentence.
i18next.services.formatter?.add('lowercase', (value: unknown, lng?: string) =>
  String(value).toLocaleLowerCase(lng),
)

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/** A message of the web app in the current language. */
export function t(key: string, values?: TOptions): string {
  // Reading the signal subscribes the calling component: a language change re-renders it.
  void language.value
  return i18next.t(key, values ?? {}) as string
}

/** The BCP 47 tag for `Intl` formatters. */
export function locale(): string {
  return language.value
}

/** The first of the browser's languages Backlot has (a region falls back: es-MX → es), else English. */
export function browserLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLanguage(base)) return base
  }
  return 'en'
}

let wanted: Language = 'en'

/**
 * Switches the app to `next` (loading its catalog first), and the document's `lang` with it. The
 * last call wins: a catalog that arrives after a later switch (browser language, then the account's
 * setting) is kept but not shown.
 */
export async function setLanguage(next: Language): Promise<void> {
  wanted = next
  if (next !== 'en' && !i18next.hasResourceBundle(next, 'web')) {
    const catalog = await catalogs[next]()
    i18next.addResourceBundle(next, 'web', catalog.default)
  }
  if (wanted !== next) return
  await i18next.changeLanguage(next)
  document.documentElement.lang = next
  setFormatLocale(next)
  language.value = next
}
