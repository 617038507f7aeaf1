import { describe, expect, it } from 'vitest'
import type { ProductionViewData } from '../channels/index.js'
import { decideSpoiler, LIFT_AFTER_AIR_DATE_MS, spoilerLiftsAt } from './rules.js'

const production = (autoLiftSpoilers: boolean): ProductionViewData => ({
  kind: 'series',
  title: 'The Show',
  season: 1,
  chapterLabel: 'Chapter',
  chapters: [
    { number: 1, title: null, airDate: '2026-03-01' },
    { number: 2, title: null, airDate: '2026-03-08' },
    { number: 3, title: null, airDate: null },
  ],
  filmingStartsOn: null,
  filmingWeeks: null,
  autoLiftSpoilers,
})

const march8 = Date.parse('2026-03-08T00:00:00Z')

describe('spoiler auto-lift rule', () => {
  it('lifts at 12:00 UTC the day after the latest tagged air date', () => {
    expect(spoilerLiftsAt(production(true), [1, 2])).toBe(march8 + LIFT_AFTER_AIR_DATE_MS)
    expect(new Date(spoilerLiftsAt(production(true), [2])!).toISOString()).toBe('2026-03-09T12:00:00.000Z')
  })

  it('never lifts without the channel opting in, without chapters, or with an undated chapter', () => {
    expect(spoilerLiftsAt(production(false), [1])).toBeNull()
    expect(spoilerLiftsAt(production(true), [])).toBeNull()
    expect(spoilerLiftsAt(production(true), [2, 3])).toBeNull()
    expect(spoilerLiftsAt(null, [1])).toBeNull()
  })

  it('hides text and every image of a spoiler post until then, and nothing after', () => {
    const facts = { isSpoiler: true, label: 'Finale', imageSpoilers: [false, true], chapters: [2] }
    const before = decideSpoiler(facts, production(true), march8 + LIFT_AFTER_AIR_DATE_MS - 1)
    expect(before).toEqual({
      isPostSpoiler: true,
      label: 'Finale',
      note: 'Contains spoilers for Chapter 2',
      imageSpoilers: [true, true],
      liftedAt: null,
    })
    const after = decideSpoiler(facts, production(true), march8 + LIFT_AFTER_AIR_DATE_MS)
    expect(after).toMatchObject({ isPostSpoiler: false, note: null, imageSpoilers: [false, false] })
    expect(after.liftedAt).toBe(march8 + LIFT_AFTER_AIR_DATE_MS)
  })

  it('blurs only the marked images of a post that is not itself a spoiler', () => {
    const decision = decideSpoiler(
      { isSpoiler: false, label: null, imageSpoilers: [false, true], chapters: [1, 2] },
      production(false),
      Date.now(),
    )
    expect(decision).toEqual({
      isPostSpoiler: false,
      label: null,
      note: 'Contains spoilers for Chapters 1 and 2',
      imageSpoilers: [false, true],
      liftedAt: null,
    })
  })
})
