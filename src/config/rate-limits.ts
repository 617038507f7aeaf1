import ipaddr from 'ipaddr.js'
import { ConfigError } from './config-error.js'
import type { VariableSpec } from './variables.js'

/**
 * The rate-limit buckets (issue 14, item 5): every route names one beside its handler
 * (`config: { rateLimit: 'reactions' }`, see src/http/rate-limit-hooks.ts). A bucket counts each
 * client address, or each account and each address. This table is the one place their defaults
 * and reasons live; each has a `BACKLOT_RATE_LIMIT_…` variable (docs/config.md is generated from them).
 */
export type RateLimitKeys = 'address' | 'account+address'

export interface RateLimitRule {
  limit: number
  windowMs: number
}

interface BucketSpec {
  keys: RateLimitKeys
  /** Plural noun for the refusal: "Too many reactions: at most 60 per minute." */
  what: string
  /** `count/window`; null for `uploads`, which keeps its MEDIA_UPLOAD_* variables. */
  default: string | null
  /** What the bucket covers and why its default, for docs/config.md. */
  why: string
}

export const rateLimitBuckets = {
  registration: {
    keys: 'address',
    what: 'registrations',
    default: '10/1h',
    why: 'New accounts. Ten an hour lets a household or an office sign up together; a script (438 accounts in 15 s from one address, issue 14) stops at the tenth.',
  },
  login: {
    keys: 'address',
    what: 'logins',
    default: '60/10m',
    why: 'Login attempts, right or wrong (failed ones are also throttled per account: BACKLOT_LOGIN_MAX_ATTEMPTS). Sixty in ten minutes covers an office logging in at nine.',
  },
  account: {
    keys: 'account+address',
    what: 'account changes',
    default: '30/1h',
    why: 'Display-name changes and API tokens made.',
  },
  'sign-outs': {
    keys: 'account+address',
    what: 'sign-outs',
    default: '300/10m',
    why: 'Logouts and API token revocations: generous, and apart from the other buckets, so that using one up (say, with a leaked token making tokens) never stops anyone from ending a session or revoking a token.',
  },
  'channel-create': {
    keys: 'account+address',
    what: 'new channels',
    default: '10/1d',
    why: 'Channels created. Ten a day is more than a production needs; sixty from one account (issue 14) is spam.',
  },
  'channel-settings': {
    keys: 'account+address',
    what: 'channel changes',
    default: '120/10m',
    why: 'Channel settings, archive, deletion, roles, invite revocation, production facts.',
  },
  membership: {
    keys: 'account+address',
    what: 'membership changes',
    default: '60/10m',
    why: 'Joining (open, with an invite link or by request), leaving, mute and notification settings.',
  },
  invites: {
    keys: 'account+address',
    what: 'invite links',
    default: '50/1d',
    why: 'Invite links created.',
  },
  moderation: {
    keys: 'account+address',
    what: 'moderation actions',
    default: '600/10m',
    why: 'Join-request decisions, bans, member removals, answer highlights and hides: one a second for ten minutes works through a long queue.',
  },
  exports: {
    keys: 'account+address',
    what: 'export requests',
    default: '10/1d',
    why: "Archives of a person's data or a whole channel requested (one runs at a time per person anyway): each reads everything and writes a file, so a few a day is plenty.",
  },
  posts: {
    keys: 'account+address',
    what: 'posts',
    default: '60/10m',
    why: 'New posts (published, scheduled or drafts) and digests posted. A creator live-blogging a shoot stays below one a minute on average.',
  },
  'post-changes': {
    keys: 'account+address',
    what: 'post changes',
    default: '300/10m',
    why: 'Edits, deletions, pins, schedules, publish-now, press previews, production tags, digests, poll closing, media alt text.',
  },
  reactions: {
    keys: 'account+address',
    what: 'reactions',
    default: '60/1m',
    why: 'Reactions set or removed. A fan going through a feed stays far below; 1,000 changes in 2 s (issue 14) stop at the sixtieth.',
  },
  votes: {
    keys: 'account+address',
    what: 'votes',
    default: '30/1m',
    why: 'Ballots cast, changed or withdrawn.',
  },
  answers: {
    keys: 'account+address',
    what: 'answers',
    default: '10/1m',
    why: 'Prompt answers sent (one per prompt anyway; this brakes a member answering every prompt at once).',
  },
  views: {
    keys: 'account+address',
    what: 'views',
    default: '600/1m',
    why: 'Post views counted: the web app sends one per post seen, so this is generous.',
  },
  uploads: {
    keys: 'account+address',
    what: 'uploads',
    default: null,
    why: 'Image uploads: BACKLOT_MEDIA_UPLOAD_LIMIT per BACKLOT_MEDIA_UPLOAD_WINDOW_SECONDS.',
  },
  'upload-chunks': {
    keys: 'account+address',
    what: 'resumable upload requests',
    default: '600/10m',
    why: 'Requests to a resumable (tus) upload once it exists: offset checks (HEAD), chunks (PATCH), status and ending it. A 200 MiB clip sent in 8 MiB chunks over a flaky link is a few dozen; creating an upload counts against `uploads` like a multipart upload.',
  },
  reports: {
    keys: 'account+address',
    what: 'reports',
    default: '20/1h',
    why: 'Reports of posts, images, answers and channels (issue 17). Twenty an hour lets someone flag a wave of spam; a script flooding the moderation queue stops there (reports need an account, and a repeated report of one item only updates the first).',
  },
  'push-subscriptions': {
    keys: 'account+address',
    what: 'push subscription changes',
    default: '20/1h',
    why: 'Browsers registered for push notifications, or removed.',
  },
  reads: {
    keys: 'account+address',
    what: 'requests',
    default: '600/1m',
    why: 'API reads (GET under /api/v1): ten a second on average, far above what the web app needs.',
  },
  searches: {
    keys: 'account+address',
    what: 'searches',
    default: '120/1m',
    why: "Full-text searches (issue 19): in a channel, across channels, the channel list `GET /api/v1/channels` (with or without `q`: a route counts against fixed buckets) and the directory. Each runs the database's full-text engine over the whole index, so fewer than plain reads; two a second is more than anyone types.",
  },
  pages: {
    keys: 'address',
    what: 'page requests',
    default: '1200/1m',
    why: 'Public pages, embeds, oEmbed, feeds, and the web app with its files.',
  },
  'media-files': {
    keys: 'address',
    what: 'image requests',
    default: '3000/1m',
    why: 'Image files (/media, press previews, press kits): a feed page of albums loads hundreds.',
  },
  traces: {
    keys: 'account+address',
    what: 'traces',
    default: '20/1h',
    why: 'Leaked images traced by a channel owner (POST …/trace): each decodes the image and searches it against every press link, seconds of CPU.',
  },
  'press-kit-downloads': {
    keys: 'address',
    what: 'press kit downloads',
    default: '30/10m',
    why: 'Press kit zips (/kit/…/press-kit.zip): each marks every image of the kit for its link, so far fewer than image requests; a journalist downloads a kit once or twice.',
  },
  'stream-opens': {
    keys: 'account+address',
    what: 'stream connections',
    default: '60/1m',
    why: 'WebSocket and SSE streams opened; clients reconnect with backoff and stay far below.',
  },
  'stream-subscribes': {
    keys: 'account+address',
    what: 'channel subscriptions',
    default: '300/1m',
    why: 'Channels subscribed to over WebSocket streams (each may replay history from the database).',
  },
} as const satisfies Record<string, BucketSpec>

export type RateLimitBucket = keyof typeof rateLimitBuckets
type ConfigurableBucket = {
  [B in RateLimitBucket]: (typeof rateLimitBuckets)[B]['default'] extends null ? never : B
}[RateLimitBucket]

export interface RateLimitConfig {
  buckets: Readonly<Record<RateLimitBucket, RateLimitRule>>
  /** Buckets counted per account allow this many times their limit per client address. */
  addressFactor: number
  /** CIDR ranges (`127.0.0.0/8`, `2001:db8::/32`) whose requests skip every bucket. */
  exempt: readonly string[]
}

export function rateLimitVariableName(bucket: RateLimitBucket): string {
  return `BACKLOT_RATE_LIMIT_${bucket.toUpperCase().replaceAll('-', '_')}`
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const MAX_WINDOW_MS = 7 * 86_400_000

/** `60/1m`, `10/1h`, `50/d`: a count per window of seconds, minutes, hours or days. */
export function parseRateRule(name: string, raw: string): RateLimitRule {
  const match = /^(\d{1,9})\/(\d{0,6})([smhd])$/.exec(raw.trim())
  if (!match) {
    throw new ConfigError(name, `must be a count per window such as 60/1m (s, m, h or d), got "${raw}"`)
  }
  const limit = Number(match[1])
  const windowMs = Number(match[2] || '1') * UNITS[match[3]!]!
  if (limit < 1 || limit > 1_000_000) throw new ConfigError(name, `count must be 1 to 1000000, got ${limit}`)
  if (windowMs < 1000 || windowMs > MAX_WINDOW_MS) {
    throw new ConfigError(name, `window must be 1s to 7d, got "${raw}"`)
  }
  return { limit, windowMs }
}

function bucketVariable(bucket: ConfigurableBucket): VariableSpec<RateLimitRule> {
  const spec: BucketSpec = rateLimitBuckets[bucket]
  const name = rateLimitVariableName(bucket)
  const per =
    spec.keys === 'address'
      ? 'Per client address (IPv6: per /64).'
      : 'Per account, and BACKLOT_RATE_LIMIT_ADDRESS_FACTOR times that per client address.'
  return {
    name,
    description: `${spec.why} ${per}`,
    defaultText: spec.default!,
    parse: (raw) => parseRateRule(name, raw || spec.default!),
  }
}

function parseExempt(raw: string | undefined): readonly string[] {
  if (!raw?.trim()) return []
  return raw.split(',').map((entry) => {
    const text = entry.trim()
    if (ipaddr.isValidCIDR(text)) {
      const [address, bits] = ipaddr.parseCIDR(text)
      return `${address.toString()}/${bits}`
    }
    if (ipaddr.isValid(text)) {
      const address = ipaddr.parse(text)
      return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`
    }
    throw new ConfigError('BACKLOT_RATE_LIMIT_EXEMPT', `"${text}" is not an IP address or CIDR range`)
  })
}

type BucketVariables = { [B in ConfigurableBucket as `rateLimit:${B}`]: VariableSpec<RateLimitRule> }

const configurable = Object.entries(rateLimitBuckets)
  .filter(([, spec]) => spec.default !== null)
  .map(([bucket]) => bucket as ConfigurableBucket)

/** The BACKLOT_RATE_LIMIT_* variables, spread into src/config/variables.ts. */
export const rateLimitVariables = {
  ...(Object.fromEntries(configurable.map((b) => [`rateLimit:${b}`, bucketVariable(b)])) as BucketVariables),
  rateLimitAddressFactor: {
    name: 'BACKLOT_RATE_LIMIT_ADDRESS_FACTOR',
    description:
      'Buckets counted per account allow this many times their limit per client address: several people often share one (homes, offices, campuses, carrier NAT).',
    defaultText: '10',
    parse: (raw: string | undefined): number => {
      if (raw === undefined || raw === '') return 10
      const value = Number(raw)
      if (!/^\d+$/.test(raw) || value < 1 || value > 10_000) {
        throw new ConfigError(
          'BACKLOT_RATE_LIMIT_ADDRESS_FACTOR',
          `must be a whole number from 1 to 10000, got "${raw}"`,
        )
      }
      return value
    },
  },
  rateLimitExempt: {
    name: 'BACKLOT_RATE_LIMIT_EXEMPT',
    description:
      'Client addresses or CIDR ranges, comma-separated (e.g. `192.0.2.10,2001:db8::/48`), whose requests skip every BACKLOT_RATE_LIMIT_* bucket (not the failed-login throttle): monitoring, a load-test machine. Empty by default: loopback is not exempt. Behind a reverse proxy set BACKLOT_TRUST_PROXY, or every client shares the proxy’s address and its limits.',
    defaultText: undefined,
    parse: parseExempt,
  },
}

type Parsed = { [K in keyof typeof rateLimitVariables]: ReturnType<(typeof rateLimitVariables)[K]['parse']> }

/** The typed rate-limit settings from the parsed variables; `uploads` comes from MEDIA_UPLOAD_*. */
export function rateLimitConfig(parsed: Parsed, uploads: RateLimitRule): RateLimitConfig {
  const buckets = { uploads } as Record<RateLimitBucket, RateLimitRule>
  for (const bucket of configurable) buckets[bucket] = parsed[`rateLimit:${bucket}`]
  return {
    buckets: Object.freeze(buckets),
    addressFactor: parsed.rateLimitAddressFactor,
    exempt: Object.freeze(parsed.rateLimitExempt),
  }
}
