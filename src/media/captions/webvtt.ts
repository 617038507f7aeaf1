/**
 * A strict WebVTT reader (issue 20: caption uploads). Written by hand because what Backlot needs is
 * the opposite of a lenient player's parser: it refuses anything that is not plainly a caption file
 * (with the line that is wrong), and stores only a re-serialisation of what it understood, so no
 * byte of the upload reaches a reader unless it was read as a timing, a cue setting, cue text or
 * one of the few tags WebVTT defines (https://www.w3.org/TR/webvtt1/#cue-text-parsing-rules).
 * Dropped on the way: the header's free text, NOTE, STYLE (CSS) and REGION blocks, cue
 * identifiers, unknown cue settings. Cue text keeps `<c> <i> <b> <u> <v> <lang> <ruby> <rt>` and
 * timestamp tags; every `&` and `<` that is not one of those is escaped, so nothing in a stored
 * file can become HTML even in a renderer that confuses the two.
 */
import { fail } from '../../errors.js'

/** Largest caption file accepted: a 3-minute clip's captions are a few KiB; a film's, ~100 KiB. */
export const CAPTION_MAX_BYTES = 512 * 1024
/** Most cues in one file, and longest cue text line, so a file cannot be huge in another way. */
export const CAPTION_MAX_CUES = 5000
const LINE_MAX = 500

export interface ParsedCaptions {
  /** The re-serialised file: what is stored and served as `text/vtt`. */
  text: string
  cues: number
}

const TIMESTAMP = '(?:(\\d{2,3}):)?([0-5]\\d):([0-5]\\d)\\.(\\d{3})'
const TIMING_LINE = new RegExp(`^${TIMESTAMP}[ \\t]+-->[ \\t]+${TIMESTAMP}(?:[ \\t]+(.*))?$`)
const TIMESTAMP_TAG = new RegExp(`^${TIMESTAMP}$`)
const TAGS = new Set(['c', 'i', 'b', 'u', 'v', 'lang', 'ruby', 'rt'])
const CLASS_NAME = /^[A-Za-z0-9_-]{1,32}$/
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/
const ENTITIES = new Set(['amp', 'lt', 'gt', 'lrm', 'rlm', 'nbsp'])

/**
 * Reads an uploaded caption file; throws `caption-too-large` or `caption-invalid` (naming the line)
 * for anything else than a well-formed WebVTT file whose cues start within `durationMs`.
 */
export function parseWebVtt(bytes: Buffer, durationMs: number | null): ParsedCaptions {
  if (bytes.length > CAPTION_MAX_BYTES) {
    fail('caption-too-large', `A caption file may hold at most ${CAPTION_MAX_BYTES / 1024} KiB.`)
  }
  const lines = decode(bytes).split(/\r\n|\r|\n/)
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
    invalid(1, 'a WebVTT file starts with the line "WEBVTT"')
  }
  const cues: string[] = []
  let at = 1
  // The header's other lines run to the first blank line; they are dropped.
  while (at < lines.length && lines[at] !== '') {
    if (lines[at]!.includes('-->'))
      invalid(at + 1, 'a blank line must separate the header from the first cue')
    at += 1
  }
  while (at < lines.length) {
    if (lines[at] === '') {
      at += 1
      continue
    }
    const start = at
    while (at < lines.length && lines[at] !== '') at += 1
    const cue = readBlock(lines.slice(start, at), start + 1, durationMs)
    if (cue !== null) cues.push(cue)
    if (cues.length > CAPTION_MAX_CUES) invalid(start + 1, `at most ${CAPTION_MAX_CUES} cues`)
  }
  if (cues.length === 0) invalid(lines.length, 'the file has no cues')
  return { text: `WEBVTT\n\n${cues.join('\n\n')}\n`, cues: cues.length }
}

function decode(bytes: Buffer): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    fail('caption-invalid', 'A caption file must be UTF-8 text.')
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text)
  if (control) {
    const line = text.slice(0, control.index).split(/\r\n|\r|\n/).length
    invalid(line, 'control characters are not caption text')
  }
  return text
}

/** One block: a cue (re-serialised), or null for NOTE, STYLE and REGION blocks (dropped). */
function readBlock(block: string[], lineNumber: number, durationMs: number | null): string | null {
  const first = block[0]!
  if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first) && !first.includes('-->')) return null
  const timingAt = first.includes('-->') ? 0 : 1
  const timing = block[timingAt]
  const match = timing === undefined ? null : TIMING_LINE.exec(timing)
  if (!match) invalid(lineNumber + timingAt, 'expected a cue timing like "00:01.000 --> 00:04.000"')
  const startMs = toMs(match.slice(1, 5))
  const endMs = toMs(match.slice(5, 9))
  if (endMs <= startMs) invalid(lineNumber + timingAt, 'a cue must end after it starts')
  if (durationMs !== null && startMs > durationMs) {
    invalid(lineNumber + timingAt, 'the cue starts after the end of the video')
  }
  const settings = cueSettings(match[9] ?? '')
  const text = block.slice(timingAt + 1).map((line, i) => {
    const at = lineNumber + timingAt + 1 + i
    if (line.includes('-->')) invalid(at, 'a cue line may not contain "-->"; separate cues by a blank line')
    if (line.length > LINE_MAX) invalid(at, `a cue line may hold at most ${LINE_MAX} characters`)
    return cueText(line, at)
  })
  const head = `${formatMs(startMs)} --> ${formatMs(endMs)}${settings ? ` ${settings}` : ''}`
  return [head, ...text].join('\n')
}

function toMs([hours, minutes, seconds, millis]: (string | undefined)[]): number {
  return ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(millis)
}

function formatMs(ms: number): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor(ms / 60_000) % 60
  const seconds = Math.floor(ms / 1000) % 60
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(ms % 1000, 3)}`
}

const SETTINGS: Record<string, RegExp> = {
  vertical: /^(rl|lr)$/,
  line: /^(-?\d{1,3}|\d{1,3}(\.\d+)?%)(,(start|center|end))?$/,
  position: /^\d{1,3}(\.\d+)?%(,(line-left|center|line-right))?$/,
  size: /^\d{1,3}(\.\d+)?%$/,
  align: /^(start|center|end|left|right)$/,
}

/** The cue settings Backlot keeps; unknown or malformed ones are dropped, as a player ignores them. */
function cueSettings(raw: string): string {
  return raw
    .split(/[ \t]+/)
    .filter((setting) => {
      const [name, value] = setting.split(':', 2)
      const pattern = name === undefined ? undefined : SETTINGS[name]
      return pattern !== undefined && value !== undefined && pattern.test(value)
    })
    .join(' ')
}

/**
 * One line of cue text, re-serialised: WebVTT's tags (with safe class names and annotations) and
 * character references kept; any other `<…>` refused; every other `&`, `<`, `>` escaped.
 */
function cueText(line: string, lineNumber: number): string {
  let out = ''
  let at = 0
  while (at < line.length) {
    const char = line[at]!
    if (char === '<') {
      const end = line.indexOf('>', at)
      if (end === -1) invalid(lineNumber, 'a "<" in cue text must start a WebVTT tag; write &lt;')
      out += tag(line.slice(at + 1, end), lineNumber)
      at = end + 1
    } else if (char === '&') {
      const entity = /^&(#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});/.exec(line.slice(at))
      const name = entity?.[1]
      if (name && (ENTITIES.has(name) || (name.startsWith('#') && isSafeCodePoint(name)))) {
        out += entity[0]
        at += entity[0].length
      } else {
        out += '&amp;'
        at += 1
      }
    } else {
      out += char === '>' ? '&gt;' : char
      at += 1
    }
  }
  return out
}

function isSafeCodePoint(reference: string): boolean {
  const code = reference.startsWith('#x')
    ? Number.parseInt(reference.slice(2), 16)
    : Number(reference.slice(1))
  return code >= 0x20 && code <= 0x10ffff && code !== 0x7f && !(code >= 0xd800 && code <= 0xdfff)
}

/** The inside of `<…>`: a WebVTT start tag, end tag or timestamp; anything else is refused. */
function tag(inside: string, lineNumber: number): string {
  if (TIMESTAMP_TAG.test(inside)) return `<${formatMs(toMs(TIMESTAMP_TAG.exec(inside)!.slice(1, 5)))}>`
  const end = /^\/([a-z]+)$/.exec(inside)
  if (end) {
    if (!TAGS.has(end[1]!)) notWebVtt(inside, lineNumber)
    return `</${end[1]}>`
  }
  const start = /^([a-z]+)((?:\.[^\s.]+)*)(?:[ \t]+(.*))?$/.exec(inside)
  if (!start || !TAGS.has(start[1]!)) notWebVtt(inside, lineNumber)
  const [, name, classList = '', annotation = ''] = start
  const classes = classList.split('.').filter(Boolean)
  if (!classes.every((c) => CLASS_NAME.test(c)))
    invalid(lineNumber, `<${inside}>: class names are letters, digits, - and _`)
  let note = ''
  if (name === 'v' && annotation.trim()) note = ` ${escapeText(annotation.trim()).slice(0, 100)}`
  if (name === 'lang') {
    if (!LANGUAGE_TAG.test(annotation.trim())) invalid(lineNumber, `<${inside}>: <lang> needs a language tag`)
    note = ` ${annotation.trim()}`
  }
  return `<${name}${classes.map((c) => `.${c}`).join('')}${note}>`
}

function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function notWebVtt(inside: string, lineNumber: number): never {
  invalid(
    lineNumber,
    `<${inside.slice(0, 40)}> is not WebVTT cue markup (only c, i, b, u, v, lang, ruby, rt)`,
  )
}

function invalid(lineNumber: number, why: string): never {
  fail('caption-invalid', `Not a valid WebVTT caption file: line ${lineNumber}: ${why}.`)
}
