import {
  Collection,
  Document,
  Hashtag,
  Image,
  Note,
  PUBLIC_COLLECTION,
  Question,
  Source,
  Video,
} from '@fedify/vocab'
import { Temporal } from '@js-temporal/polyfill'
import type { PollRow } from '../db/schema.js'
import type { PublicImage, PublicPost, PublicVoiceNote } from '../reads/index.js'

/** Poll facts a Question needs beyond the PublicPost: counts are local ballots plus remote votes. */
export interface PollFacts {
  poll: PollRow
  /** Voters and votes per option, null while results are hidden (after-close polls). */
  tally: { voters: number; votes: number[] } | null
}

export interface NoteAddressing {
  actor: URL
  followers: URL
  /** Unlisted channels address followers and cc Public (Mastodon's "unlisted"), public ones the reverse. */
  isUnlisted: boolean
  /** The channel's timeline page, where production hashtags link. */
  timeline: URL
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const escapeText = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!)

/**
 * A post's plain text as the HTML `content` ActivityPub carries: every character escaped, the
 * links the posts area found (LinkSpan) as anchors, blank lines as paragraphs. Hand-written because
 * it is ten lines over spans Backlot already computed; an HTML sanitiser would be the wrong tool for
 * text that never was HTML.
 */
export function textToHtml(
  text: string,
  links: readonly { url: string; start: number; end: number }[],
): string {
  let out = ''
  let at = 0
  for (const link of links) {
    out += escapeText(text.slice(at, link.start))
    out += `<a href="${escapeText(link.url)}" rel="nofollow noopener noreferrer" target="_blank">${escapeText(text.slice(link.start, link.end))}</a>`
    at = link.end
  }
  out += escapeText(text.slice(at))
  return out
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('')
}

/** Hashtag names of a post's production tags: #Week11, #Weeks11to14, #Chapter8, #SetName, #SecondUnit. */
export function hashtagNames(tags: PublicPost['tags']): string[] {
  if (!tags) return []
  const names: string[] = []
  if (tags.weeks) {
    names.push(
      tags.weeks.from === tags.weeks.to
        ? `Week${tags.weeks.from}`
        : `Weeks${tags.weeks.from}to${tags.weeks.to}`,
    )
  }
  for (const chapter of tags.chapters) names.push(`Chapter${chapter}`)
  for (const free of [tags.location, tags.unit]) {
    const camel = (free ?? '')
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('')
    if (camel) names.push(camel)
  }
  return names
}

function attachment(image: PublicImage): Image | Video {
  // The real image: federation hands the post out with Mastodon's content warning (`sensitive`),
  // the fediverse's own tap-to-reveal, so a spoiler image is sent as itself, never unblurred in a card.
  const file = image.revealed ?? image.display
  const video = image.av?.kind === 'video' ? image.av.sources.at(-1) : undefined
  if (video) {
    return new Video({
      url: new URL(video.url),
      mediaType: video.type,
      name: image.alt || null,
      width: video.width,
      height: video.height,
    })
  }
  return new Image({
    url: new URL(file.url),
    mediaType: file.type,
    name: image.alt || null,
    width: file.width,
    height: file.height,
    sensitive: image.isSpoiler,
  })
}

function voiceAttachment(voice: PublicVoiceNote): Document | null {
  const source = voice.av.sources[0]
  if (!source) return null
  return new Document({ url: new URL(source.url), mediaType: source.type, name: voice.alt || null })
}

/**
 * A published post as an ActivityPub object: a Note, or a Question for a poll. `post` comes from the
 * read pipeline read with `reveal` (reads/pipeline.ts), so an embargoed, draft, in-review or deleted
 * post never gets here; a spoiler becomes `sensitive` with its label as `summary`. Link previews are
 * left out: they are no ActivityPub field, and Mastodon fetches its own card for the first link.
 */
export function toNote(post: PublicPost, to: NoteAddressing, poll: PollFacts | null): Note | Question {
  const text = post.revealedText ?? post.text
  const tagNames = hashtagNames(post.tags)
  const tagLinks = tagNames.map(
    (name) =>
      `<a href="${escapeText(to.timeline.href)}" class="mention hashtag" rel="tag">#<span>${escapeText(name)}</span></a>`,
  )
  let content = textToHtml(text, post.links)
  if (post.question) content += `<p>${escapeText(post.question.text)}</p>`
  if (tagLinks.length > 0) content += `<p>${tagLinks.join(' ')}</p>`
  const isSensitive = post.spoiler !== null || post.images.some((i) => i.isSpoiler)
  const summary = isSensitive ? (post.spoiler?.label ?? post.spoilerNote ?? 'Spoiler') : null
  const attachments = [
    ...post.images.map(attachment),
    ...post.voiceNotes.map(voiceAttachment).filter((d) => d !== null),
  ]
  const audience = to.isUnlisted
    ? { to: to.followers, cc: PUBLIC_COLLECTION }
    : { to: PUBLIC_COLLECTION, cc: to.followers }
  const values = {
    id: new URL(post.url),
    url: new URL(post.url),
    attribution: to.actor,
    ...audience,
    content,
    source: new Source({
      content: [text, post.question?.text].filter(Boolean).join('\n\n'),
      mediaType: 'text/plain',
    }),
    summary,
    sensitive: isSensitive,
    published: Temporal.Instant.fromEpochMilliseconds(post.publishedAt),
    updated: post.editedAt ? Temporal.Instant.fromEpochMilliseconds(post.editedAt) : null,
    attachments,
    tags: tagNames.map((name) => new Hashtag({ name: `#${name}`, href: to.timeline })),
  }
  if (!poll || !post.question) return new Note(values)
  const options = post.question.options.map(
    (name, i) =>
      new Note({
        name,
        replies: new Collection({ totalItems: poll.tally ? (poll.tally.votes[i] ?? 0) : 0 }),
      }),
  )
  const closesAt = poll.poll.closed_at ?? poll.poll.closes_at
  return new Question({
    ...values,
    ...(poll.poll.multiple === 1 ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: closesAt === null ? null : Temporal.Instant.fromEpochMilliseconds(closesAt),
    closed: poll.poll.closed_at === null ? null : Temporal.Instant.fromEpochMilliseconds(poll.poll.closed_at),
    voters: poll.tally?.voters ?? 0,
  })
}
