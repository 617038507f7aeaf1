// @vitest-environment happy-dom
import { h, render } from 'preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ErrorBox } from '../components/ErrorBox.js'
import { ApiError, api, errorMessage, rateLimitMessage } from './api.js'

/** What the server answers over a rate limit (docs/api.md "Rate limits"). */
function tooMany(
  retryAfter: string | null,
  code = 'rate-limited',
  detail = 'Too many reactions: at most 60 per minute. Try again in 12 s.',
) {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (retryAfter !== null) headers['retry-after'] = retryAfter
  const body = { type: `https://backlot.dev/problems#${code}`, status: 429, code, detail }
  return new Response(JSON.stringify(body), { status: 429, headers })
}

async function failureOf(response: Response): Promise<unknown> {
  vi.stubGlobal('fetch', async () => response)
  return api.put('/api/v1/channels/x/posts/1/reaction', { emoji: '🔥' }).catch((error: unknown) => error)
}

describe('rate-limit answers in the web app', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    render(null, document.body)
  })

  it('says "doing that too often" with the wait from Retry-After', async () => {
    const error = await failureOf(tooMany('12'))
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).retryAfterSeconds).toBe(12)
    expect(errorMessage(error)).toBe('You’re doing that too often — try again in 12 s.')
  })

  it('shows it in the ErrorBox every action uses', async () => {
    render(h(ErrorBox, { error: await failureOf(tooMany('300')) }), document.body)
    const box = document.body.querySelector('[role="alert"]')
    expect(box?.textContent).toBe('You’re doing that too often — try again in 5 min.')
  })

  it('words long and unknown waits', () => {
    expect(rateLimitMessage(119)).toBe('You’re doing that too often — try again in 119 s.')
    expect(rateLimitMessage(86_400)).toBe('You’re doing that too often — try again in 24 h.')
    expect(rateLimitMessage(undefined)).toBe('You’re doing that too often — try again in a moment.')
  })

  it('keeps a failed-login throttle’s own sentence, and other failures’ details', async () => {
    const throttled = await failureOf(
      tooMany('60', 'login-throttled', 'Too many failed logins; try again in 60 seconds.'),
    )
    expect(errorMessage(throttled)).toBe('Too many failed logins; try again in 60 seconds.')
    expect(errorMessage(await failureOf(tooMany(null)))).toBe(
      'You’re doing that too often — try again in a moment.',
    )
    const notFound = new Response(JSON.stringify({ code: 'post-not-found', detail: 'No such post.' }), {
      status: 404,
    })
    expect(errorMessage(await failureOf(notFound))).toBe('No such post.')
  })
})
