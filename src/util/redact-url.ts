/**
 * Secrets that travel in URLs, kept out of every log line (issue 14 item 8). The request
 * serializer (src/logger.ts) passes each logged URL through `redactUrl`, so the debug lines of
 * every request, the info lines of slow and failed ones and the error lines of 500s are all covered.
 * It sits in util/ because the logger (kernel) needs it; HTTP code may import it from here.
 *
 * What is a secret: the token segment of a press preview or press kit link (`/preview/{token}/…`,
 * `/kit/{token}/…`), and the value
 * of any query parameter whose name says it carries one (`?invite=` of invite links, `token`,
 * `secret`, `key`, `sig`/`signature`, `code`, `password`, `auth`, `session`, `credential`).
 * Authorization and Cookie headers are never logged: the serializer does not copy headers.
 */
export const REDACTED = '[redacted]'

/** Query parameter names that carry a secret, matched anywhere in the name, in any case. */
const SECRET_PARAMETER = /token|secret|key|sig|code|pass|invite|auth|session|credential/i

// A preview or kit token ends at the next /, ?, & or # — or at an encoded slash (%2F), so a preview URL
// passed as a query value (/oembed?url=…%2Fpreview%2F…) is redacted too.
const PREVIEW_SEGMENT = /(\/|%2f)(preview|kit)(\/|%2f)(?:(?!%2f)[^/?&#])+/gi

export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?')
  const path = queryStart === -1 ? url : url.slice(0, queryStart)
  const query = queryStart === -1 ? null : url.slice(queryStart + 1)
  const redactedPath = path.replace(PREVIEW_SEGMENT, `$1$2$3${REDACTED}`)
  if (query === null) return redactedPath
  return `${redactedPath}?${redactQuery(query)}`
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      const name = equals === -1 ? pair : pair.slice(0, equals)
      if (equals !== -1 && SECRET_PARAMETER.test(safeDecode(name))) return `${name}=${REDACTED}`
      return pair.replace(PREVIEW_SEGMENT, `$1$2$3${REDACTED}`)
    })
    .join('&')
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text
  }
}
