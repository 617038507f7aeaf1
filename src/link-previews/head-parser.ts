import { Parser } from 'htmlparser2'

/** What a page's head says about it: OpenGraph first, then Twitter card, then plain HTML. */
export interface PageCard {
  title: string | null
  description: string | null
  siteName: string | null
  /** As written in the page: resolve it against the page's URL. */
  image: string | null
}

/** Longest kept value of each field; a page may send more, the rest is dropped while parsing. */
export const FIELD_MAX = { title: 200, description: 400, siteName: 100, image: 2048 } as const

const SOURCES: Record<keyof PageCard, string[]> = {
  title: ['og:title', 'twitter:title'],
  description: ['og:description', 'twitter:description', 'description'],
  siteName: ['og:site_name', 'application-name'],
  image: ['og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src'],
}

/**
 * A streaming reader of a page's <head> (htmlparser2, which copes with the broken HTML of the real
 * web): feed it chunks until `isDone` — set at </head> or the first <body> tag — then read `card()`.
 * Memory is bounded whatever the page sends: text outside <title> is ignored and every value is
 * clipped as it arrives, so a 1 MB <title> costs FIELD_MAX.title characters.
 */
export function createHeadParser() {
  const meta = new Map<string, string>()
  let title = ''
  let isInTitle = false
  let isDone = false
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (isDone) return
        if (name === 'body') isDone = true
        else if (name === 'title') isInTitle = true
        else if (name === 'meta') {
          const key = (attributes.property ?? attributes.name ?? '').toLowerCase()
          const content = attributes.content
          if (key && content !== undefined && !meta.has(key)) meta.set(key, content.slice(0, 4096))
        }
      },
      ontext(text) {
        if (!isDone && isInTitle && title.length < FIELD_MAX.title * 2) title += text
      },
      onclosetag(name) {
        if (name === 'title') isInTitle = false
        if (name === 'head') isDone = true
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  )
  const pick = (field: keyof PageCard): string | null => {
    const found = SOURCES[field].map((key) => meta.get(key)).find((v) => v !== undefined && v.trim() !== '')
    return found === undefined ? null : clean(found, FIELD_MAX[field])
  }
  return {
    write(chunk: string): void {
      if (!isDone) parser.write(chunk)
    },
    get isDone(): boolean {
      return isDone
    },
    card(): PageCard {
      parser.end()
      return {
        title: pick('title') ?? (title.trim() ? clean(title, FIELD_MAX.title) : null),
        description: pick('description'),
        siteName: pick('siteName'),
        image: pick('image'),
      }
    },
  }
}

/** Whitespace collapsed, control characters dropped, clipped to `max` characters. */
function clean(value: string, max: number): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are dropped on purpose
  const withoutControls = value.replace(/[\u0000-\u001f\u007f]/g, ' ')
  const text = withoutControls.replace(/\s+/g, ' ').trim()
  if (!text) return null
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}
