import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LANGUAGES, type Language } from './languages.js'

/** A namespace's messages: nested objects of strings, as i18next reads them. */
export interface Messages {
  [key: string]: string | Messages
}

export type Catalogs = Record<Language, Record<string, Messages>>

/**
 * locales/ at the project root: src/i18n and dist/i18n are both two levels below it. The web app
 * imports its own namespace (`web`) from the same folder at build time.
 */
export const localesDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'locales',
)

/** Every namespace of every language, read once at start (a few kilobytes). */
export function readCatalogs(directory = localesDirectory): Catalogs {
  const catalogs = {} as Catalogs
  for (const language of LANGUAGES) {
    const folder = path.join(directory, language)
    catalogs[language] = {}
    if (!existsSync(folder)) continue
    for (const file of readdirSync(folder)) {
      if (!file.endsWith('.json')) continue
      catalogs[language][file.slice(0, -'.json'.length)] = JSON.parse(
        readFileSync(path.join(folder, file), 'utf8'),
      )
    }
  }
  return catalogs
}
