import { describe, expect, it } from 'vitest'
import { errorReasons } from '../errors.js'
import { kindStatuses, problemCatalog } from './problems.js'

describe('the problem catalog and the domain reasons', () => {
  it('has a problem for every reason the domain refuses with, with a status that fits its kind', () => {
    const misfits = Object.entries(errorReasons).flatMap(([reason, kind]) => {
      const spec = Object.hasOwn(problemCatalog, reason)
        ? problemCatalog[reason as keyof typeof problemCatalog]
        : undefined
      const allowed: readonly number[] = kindStatuses[kind]
      return spec && allowed.includes(spec.status)
        ? []
        : [`${reason} (${kind}): ${spec?.status ?? 'missing'}`]
    })
    expect(misfits).toEqual([])
  })

  it('answers each kind of refusal with the status clients expect of it', () => {
    const statusOf = (reason: keyof typeof problemCatalog) => problemCatalog[reason].status
    expect(statusOf('channel-not-found')).toBe(404)
    expect(statusOf('not-allowed')).toBe(403)
    expect(statusOf('slug-taken')).toBe(409)
    expect(statusOf('validation')).toBe(422)
    expect(statusOf('rate-limited')).toBe(429)
    expect(kindStatuses['not-found']).toEqual([404])
    expect(kindStatuses.forbidden).toEqual([403])
    expect(kindStatuses.conflict).toEqual([409])
    expect(kindStatuses.invalid).toEqual([400, 422])
    expect(kindStatuses['too-many']).toEqual([429])
  })

  it('keeps the refusals only an HTTP edge makes out of the domain reasons', () => {
    for (const code of ['route-not-found', 'malformed-json', 'csrf-rejected', 'upgrade-required']) {
      expect(Object.hasOwn(problemCatalog, code)).toBe(true)
      expect(Object.hasOwn(errorReasons, code)).toBe(false)
    }
  })
})
