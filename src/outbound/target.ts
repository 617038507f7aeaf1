import { OutboundError } from './errors.js'

/**
 * Checks a URL before anything is dialled: absolute, https (http only when allowed), no user name
 * or password. The address is checked when connecting (dial-guard.ts), not here, so that a name
 * resolving differently later cannot slip through. The fragment is dropped: it is never sent, and
 * `https://127.0.0.1#@example.com` is 127.0.0.1 to the parser, which the guard refuses.
 */
export function checkTargetUrl(raw: string | URL, allowHttp: boolean): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new OutboundError('url-invalid', 'not an absolute URL')
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new OutboundError('scheme-refused', `scheme ${url.protocol} is not allowed`)
  }
  if (url.username || url.password) throw new OutboundError('userinfo-refused', 'credentials in the URL')
  url.hash = ''
  return url
}

/** The next URL of a redirect, checked like the first one. */
export function redirectTarget(location: string | string[] | undefined, from: URL, allowHttp: boolean): URL {
  if (typeof location !== 'string' || location === '') {
    throw new OutboundError('redirect-invalid', 'redirect without a Location')
  }
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    throw new OutboundError('redirect-invalid', 'redirect to an invalid URL')
  }
  return checkTargetUrl(next, allowHttp)
}
