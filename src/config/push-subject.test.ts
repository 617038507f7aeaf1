import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

/** Issue 14 item 10: the VAPID contact is a real one, or start-up says so. */
describe('BACKLOT_PUSH_SUBJECT', () => {
  it('warns on a laptop run (BACKLOT_PUBLIC_URL unset, loopback or localhost) and keeps push working', () => {
    for (const env of [
      {},
      { BACKLOT_PUBLIC_URL: 'http://127.0.0.1:8080' },
      { BACKLOT_PUBLIC_URL: 'http://localhost:8080' },
    ]) {
      const { push } = loadConfig(env)
      expect(push.subject).toMatch(/^mailto:admin@(127\.0\.0\.1|localhost)$/)
      expect(push.subjectWarning).toMatch(
        /^BACKLOT_PUSH_SUBJECT is not set: push services get mailto:admin@.*, which reaches no one/,
      )
    }
  })

  it('derives mailto:admin@ the domain, without a warning, when BACKLOT_PUBLIC_URL is a domain name', () => {
    const { push } = loadConfig({ BACKLOT_PUBLIC_URL: 'https://channels.example.org' })
    expect(push).toMatchObject({ subject: 'mailto:admin@channels.example.org', subjectWarning: null })
  })

  it.each(['http://192.168.1.10:8080', 'https://203.0.113.7', 'https://[2001:db8::7]'])(
    'stops start-up with one line naming BACKLOT_PUSH_SUBJECT when BACKLOT_PUBLIC_URL is the IP address %s',
    (publicUrl) => {
      expect(() => loadConfig({ BACKLOT_PUBLIC_URL: publicUrl })).toThrow(ConfigError)
      expect(() => loadConfig({ BACKLOT_PUBLIC_URL: publicUrl })).toThrow(
        /^BACKLOT_PUSH_SUBJECT: is required when BACKLOT_PUBLIC_URL is an IP address/,
      )
    },
  )

  it('uses a configured subject as given, without a warning', () => {
    for (const env of [{}, { BACKLOT_PUBLIC_URL: 'https://203.0.113.7' }]) {
      const { push } = loadConfig({ ...env, BACKLOT_PUSH_SUBJECT: 'mailto:ops@example.org' })
      expect(push).toMatchObject({ subject: 'mailto:ops@example.org', subjectWarning: null })
    }
    expect(loadConfig({ BACKLOT_PUSH_SUBJECT: 'https://example.org/contact' }).push.subject).toBe(
      'https://example.org/contact',
    )
  })

  it('refuses a mailto: subject without an address', () => {
    expect(() => loadConfig({ BACKLOT_PUSH_SUBJECT: 'mailto:nobody' })).toThrow(
      /^BACKLOT_PUSH_SUBJECT: must be a mailto: URL with an address/,
    )
  })
})
