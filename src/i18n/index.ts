/** Messages in the person's language (issue 16 point 4): catalogs in locales/, through i18next. */
export { type Catalogs, localesDirectory, type Messages, readCatalogs } from './catalogs.js'
export { formatDateTime, formatDay, formatList, formatNumber } from './format.js'
export { DEFAULT_LANGUAGE, isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from './languages.js'
export { negotiateLanguage } from './negotiate.js'
export { createTranslator, type Translator, translator } from './translator.js'
