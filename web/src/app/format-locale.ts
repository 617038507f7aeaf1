/**
 * The language dates and times are formatted in. Kept apart from i18n.ts so that format.ts stays
 * free of i18next: the public pages' island (web/src/island) uses format.ts too and formats in the
 * browser's own language (undefined here) — the app sets its language through `setLanguage`.
 */
let current: string | undefined

export function formatLocale(): string | undefined {
  return current
}

export function setFormatLocale(tag: string): void {
  current = tag
}
