import { isIP } from 'node:net'
import { ConfigError } from './variables.js'

/**
 * The VAPID subject (RFC 8292 §2.1): the contact push services (Google, Mozilla, Apple, Microsoft)
 * use when this server misbehaves, sent in every push request. Issue 14 item 10: a loopback or
 * missing BACKLOT_PUBLIC_URL made it `mailto:admin@127.0.0.1` without a word.
 *
 * - BACKLOT_PUSH_SUBJECT set: used as given (a `mailto:` needs an address with a domain).
 * - Unset, BACKLOT_PUBLIC_URL a domain name: `mailto:admin@<domain>`, a mailbox the domain's owner controls.
 * - Unset, BACKLOT_PUBLIC_URL set to an IP address that is not loopback (a server others reach by address):
 *   start-up stops — `mailto:admin@203.0.113.7` reaches no one.
 * - Unset, BACKLOT_PUBLIC_URL unset, loopback or localhost (a laptop): the derived subject is kept, so push
 *   works while trying Backlot out, and `warning` says so at start.
 */
export interface PushSubject {
  subject: string
  /** One line for the start-up log, or null. */
  warning: string | null
}

export function pushSubject(
  configured: URL | undefined,
  publicUrl: URL,
  isPublicUrlSet: boolean,
): PushSubject {
  if (configured) return { subject: checkedSubject(configured), warning: null }
  const host = publicUrl.hostname.replace(/^\[|\]$/g, '')
  const subject = `mailto:admin@${host}`
  if (isLocalHost(host) || !isPublicUrlSet) {
    return {
      subject,
      warning: `BACKLOT_PUSH_SUBJECT is not set: push services get ${subject}, which reaches no one. Set it (mailto: or https:) before real users subscribe.`,
    }
  }
  if (isIP(host) !== 0) {
    throw new ConfigError(
      'BACKLOT_PUSH_SUBJECT',
      `is required when BACKLOT_PUBLIC_URL is an IP address (${host}): set a mailto: or https: contact push services can reach you at`,
    )
  }
  return { subject, warning: null }
}

function checkedSubject(configured: URL): string {
  if (configured.protocol === 'mailto:' && !/^[^@\s]+@[^@\s]+$/.test(configured.pathname)) {
    throw new ConfigError(
      'BACKLOT_PUSH_SUBJECT',
      `must be a mailto: URL with an address, like mailto:ops@example.org, got "${configured.href}"`,
    )
  }
  return configured.href
}

function isLocalHost(host: string): boolean {
  const name = host.toLowerCase()
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (isIP(name) === 4) return name.startsWith('127.')
  return name === '::1'
}
