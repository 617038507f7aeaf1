/**
 * A tiny HTML templating kit with escaping by default: every value interpolated into `html\`…\``
 * is escaped unless it is itself the result of `html` (or `raw`, for constants written in this
 * code base). Text from users — post text, alt text, credits, locations, chapter titles — can only
 * ever become text, never markup. URLs go through `safeUrl` first: escaping alone does not stop
 * `href="javascript:…"`.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Characters XML 1.0 cannot hold at all (and HTML parsers turn into U+FFFD): dropped. */
const INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Escapes text for HTML and XML content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(INVALID, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value
  if (value === null || value === undefined || value === false) return ''
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** Tagged template: literal parts are trusted, interpolations are escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new SafeHtml(out)
}

/** Marks a constant string of this code base as markup. Never pass user data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup)
}

/**
 * A URL that is safe in href/src: absolute http(s) URLs and site-relative paths pass; anything
 * else (javascript:, data:, vbscript:, protocol-relative //host…) becomes "#".
 */
export function safeUrl(url: string): string {
  if (/^\/(?!\/)/.test(url)) return url
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : '#'
  } catch {
    return '#'
  }
}

/** Plain text with recognised links (UTF-16 ranges) as anchors and line breaks kept. */
export function textWithLinks(
  text: string,
  links: readonly { url: string; start: number; end: number }[],
): SafeHtml {
  const parts: SafeHtml[] = []
  let at = 0
  const lines = (s: string) => s.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))
  for (const link of links) {
    if (link.start < at) continue
    parts.push(...lines(text.slice(at, link.start)))
    parts.push(
      html`<a href="${safeUrl(link.url)}" rel="nofollow ugc noopener" target="_blank">${text.slice(link.start, link.end)}</a>`,
    )
    at = link.end
  }
  parts.push(...lines(text.slice(at)))
  return html`${parts}`
}
