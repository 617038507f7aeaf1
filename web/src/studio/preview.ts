import { t } from '../app/i18n.js'
import type { Account, Channel, Post } from '../app/types.js'
import { type PollDraft, pollBody } from './PollBuilder.js'
import type { UploadItem } from './uploads.js'

export type ComposeKind = 'album' | 'poll' | 'prompt'

export interface ComposeDraft {
  kind: ComposeKind
  text: string
  spoiler: boolean
  spoilerLabel: string
  silent: boolean
  poll: PollDraft
  promptQuestion: string
}

const LINK = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)'\]]/g

/** The post as a fan will see it, built locally (photos from their local previews). */
export function previewPost(
  draft: ComposeDraft,
  items: UploadItem[],
  channel: Channel,
  me: Account | null,
): Post {
  const links = [...draft.text.matchAll(LINK)].map((m) => ({
    url: m[0],
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }))
  const post: Post = {
    id: 'preview',
    channel: channel.slug,
    author: { handle: me?.handle ?? '', displayName: me?.displayName ?? 'You' },
    kind: draft.kind === 'album' ? (items.length > 0 ? 'album' : 'text') : draft.kind,
    text: draft.text.trim(),
    links,
    status: 'published',
    publishedAt: new Date().toISOString(),
    editedAt: null,
    pinned: false,
    pinnedAt: null,
    spoiler: draft.spoiler,
    spoilerLabel: draft.spoiler ? draft.spoilerLabel.trim() || null : null,
    silent: draft.silent,
    revision: 0,
    reactions: {
      enabled: channel.reactionSet.length > 0,
      counts: channel.reactionSet.map((emoji) => ({ emoji, count: 0 })),
      total: 0,
      mine: null,
    },
  }
  if (draft.kind === 'album' && items.length > 0) {
    post.media = items
      .filter((i) => i.status !== 'failed')
      .map((i) => ({
        id: i.key,
        width: i.media?.width ?? 1,
        height: i.media?.height ?? 1,
        blurhash: i.media?.blurhash ?? null,
        alt: i.alt,
        credit: i.credit.trim() || null,
        rights: i.rights.trim() || null,
        spoiler: i.spoiler,
        spoilerLabel: (i.spoiler && i.spoilerLabel.trim()) || null,
        variants: [
          {
            name: 'local',
            width: i.media?.width ?? 1,
            height: i.media?.height ?? 1,
            format: 'jpeg',
            url: i.previewUrl,
          },
        ],
      }))
  }
  if (draft.kind === 'poll') {
    const b = pollBody(draft.poll)
    post.poll = {
      question: String(b.question) || t('studio.composer.yourQuestion'),
      options: draft.poll.options.map((text) => ({ text: text || '…', votes: null })),
      multiple: !!b.multiple,
      quiz: draft.poll.quiz,
      resultsVisibility: draft.poll.resultsAfterClose ? 'after-close' : 'always',
      resultsVisible: false,
      totalVoters: 0,
      closesAt: (b.closesAt as string | undefined) ?? null,
      closed: false,
      closedAt: null,
      myVote: null,
      correctOption: null,
      explanation: null,
    }
  }
  if (draft.kind === 'prompt')
    post.prompt = {
      question: draft.promptQuestion || t('studio.composer.yourQuestion'),
      highlighted: [],
      myAnswer: null,
    }
  return post
}

/** The create-post request body for the draft (docs/api.md "Posts" and "Media"). */
export function createBody(draft: ComposeDraft, items: UploadItem[]): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (draft.text.trim()) body.text = draft.text.trim()
  if (draft.spoiler) {
    body.spoiler = true
    if (draft.spoilerLabel.trim()) body.spoilerLabel = draft.spoilerLabel.trim()
  }
  if (draft.silent) body.silent = true
  if (draft.kind === 'album' && items.length > 0) {
    body.media = items.map((i) => ({
      id: i.media?.id ?? '',
      alt: i.alt.trim(),
      credit: i.credit.trim() || null,
      rights: i.rights.trim() || null,
      spoiler: i.spoiler,
      ...(i.spoiler && i.spoilerLabel.trim() && { spoilerLabel: i.spoilerLabel.trim() }),
    }))
  }
  if (draft.kind === 'poll') body.poll = pollBody(draft.poll)
  if (draft.kind === 'prompt') body.prompt = { question: draft.promptQuestion.trim() }
  return body
}
