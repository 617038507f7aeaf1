import { describe, expect, it } from 'vitest'
import { DEFAULT_LANGUAGE, LANGUAGES, translator } from '../i18n/index.js'
import { problemTitle } from './problem-titles.js'
import { type ProblemCode, problemCatalog } from './problems.js'

describe('problem titles', () => {
  for (const language of LANGUAGES.filter((l) => l !== DEFAULT_LANGUAGE)) {
    it(`locales/${language}/problems.json translates every problem of the catalog`, () => {
      const missing = Object.keys(problemCatalog).filter(
        (code) => !translator().has(language, `problems:${code}`),
      )
      expect(missing).toEqual([])
    })
  }

  it('are the catalog’s in English and translated otherwise', () => {
    const code: ProblemCode = 'channel-not-found'
    expect(problemTitle(code, 'en')).toBe(problemCatalog[code].title)
    expect(problemTitle(code, 'es')).toBe('No existe ese canal')
  })
})
