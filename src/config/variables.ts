import ipaddr from 'ipaddr.js'
import { ConfigError } from './config-error.js'
import { parseRateRule, rateLimitVariables } from './rate-limits.js'

/**
 * Every environment variable Backlot reads, with its default and the reason for it.
 * `docs/config.md` is generated from this table (`backlot config-doc`), so the two cannot drift.
 */
export interface VariableSpec<T> {
  name: string
  description: string
  /** Shown in docs; `undefined` means "no default (optional)". */
  defaultText: string | undefined
  parse: (raw: string | undefined) => T
}

export { ConfigError }

function integer(name: string, fallback: number, min: number, max: number) {
  return (raw: string | undefined): number => {
    if (raw === undefined || raw === '') return fallback
    if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
    const value = Number(raw)
    if (value < min || value > max)
      throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
    return value
  }
}

/** A comma-separated list of TCP ports; empty when unset. */
function portList(name: string) {
  return (raw: string | undefined): number[] => {
    if (raw === undefined || raw.trim() === '') return []
    return raw.split(',').map((part) => {
      const port = Number(part.trim())
      if (!/^\d+$/.test(part.trim()) || port < 1 || port > 65535) {
        throw new ConfigError(name, `must be a comma-separated list of ports, got "${raw}"`)
      }
      return port
    })
  }
}

function oneOf<T extends string>(name: string, values: readonly T[], fallback: T) {
  return (raw: string | undefined): T => {
    if (raw === undefined || raw === '') return fallback
    if (!(values as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`)
    }
    return raw as T
  }
}

function url(name: string, protocols: string[]) {
  return (raw: string | undefined): URL | undefined => {
    if (raw === undefined || raw === '') return undefined
    let parsed: URL
    try {
      parsed = new URL(raw)
    } catch {
      throw new ConfigError(name, `is not a valid URL: "${raw}"`)
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(
        name,
        `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`,
      )
    }
    return parsed
  }
}

function base64urlKey(name: string, bytes: number) {
  return (raw: string | undefined): string | undefined => {
    if (raw === undefined || raw === '') return undefined
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw) || Buffer.from(raw, 'base64url').length !== bytes) {
      throw new ConfigError(
        name,
        `must be ${bytes} bytes in base64url (as printed by \`npx web-push generate-vapid-keys\`)`,
      )
    }
    return raw.replace(/=+$/, '')
  }
}

/** Comma-separated addresses or CIDR ranges, normalised to `address/prefix`; `none` for an empty list. */
function addressRanges(name: string, fallback: string[]) {
  return (raw: string | undefined): string[] => {
    if (raw === undefined || raw === '') return fallback
    if (raw.trim() === 'none') return []
    return raw.split(',').map((item) => {
      const text = item.trim()
      try {
        const [address, prefix] = text.includes('/')
          ? ipaddr.parseCIDR(text)
          : [ipaddr.parse(text), text.includes(':') ? 128 : 32]
        return `${address.toString()}/${prefix}`
      } catch {
        throw new ConfigError(name, `"${text}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)`)
      }
    })
  }
}

export const variables = {
  host: {
    name: 'BACKLOT_HOST',
    description: 'Address to listen on. Use 0.0.0.0 to accept connections from other machines.',
    defaultText: '127.0.0.1',
    parse: (raw: string | undefined) => raw || '127.0.0.1',
  },
  port: {
    name: 'BACKLOT_PORT',
    description: 'TCP port for HTTP, WebSocket and public pages. 0 picks a free port.',
    defaultText: '8080',
    parse: integer('BACKLOT_PORT', 8080, 0, 65535),
  },
  publicUrl: {
    name: 'BACKLOT_PUBLIC_URL',
    description:
      'The URL users reach the server at. Used for links, cookie `Secure` flag (https), and the Origin check on cookie-authenticated writes and WebSockets. Defaults to http://BACKLOT_HOST:BACKLOT_PORT.',
    defaultText: undefined,
    parse: url('BACKLOT_PUBLIC_URL', ['http:', 'https:']),
  },
  dataDir: {
    name: 'BACKLOT_DATA_DIR',
    description: 'Folder for the SQLite database and media files. Created if missing.',
    defaultText: './data',
    parse: (raw: string | undefined) => raw || './data',
  },
  databaseUrl: {
    name: 'BACKLOT_DATABASE_URL',
    description:
      'Where state lives: `sqlite:PATH` (relative to the working directory) or `postgres://user@host:port/db`. Defaults to SQLite in BACKLOT_DATA_DIR/backlot.db.',
    defaultText: undefined,
    parse: url('BACKLOT_DATABASE_URL', ['sqlite:', 'postgres:', 'postgresql:']),
  },
  sqliteSynchronous: {
    name: 'BACKLOT_SQLITE_SYNCHRONOUS',
    description:
      "SQLite's `synchronous` setting. `full`: every acknowledged write is on disk before the answer, so a power loss or OS crash loses nothing (one fsync per transaction, measured here ~1.5–2 ms). `normal`: faster, and a killed process still loses nothing, but a power loss or OS crash may lose the last transactions acknowledged before it (the database stays consistent). PostgreSQL ignores it.",
    defaultText: 'full',
    parse: oneOf('BACKLOT_SQLITE_SYNCHRONOUS', ['full', 'normal'] as const, 'full'),
  },
  databaseSchema: {
    name: 'BACKLOT_DATABASE_SCHEMA',
    description:
      'PostgreSQL schema to use (created if missing). Lets several instances or test runs share one database.',
    defaultText: 'public',
    parse: (raw: string | undefined) => {
      const value = raw || 'public'
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
        throw new ConfigError(
          'BACKLOT_DATABASE_SCHEMA',
          `must be a lower-case SQL identifier, got "${value}"`,
        )
      }
      return value
    },
  },
  redisUrl: {
    name: 'BACKLOT_REDIS_URL',
    description:
      'Cluster mode: `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). Turns on the Redis bus between nodes and Redis-held rate limits and login throttling (see docs/operations.md). Unset: one node, or `serve --workers N` on one machine.',
    defaultText: undefined,
    parse: url('BACKLOT_REDIS_URL', ['redis:', 'rediss:']),
  },
  redisPrefix: {
    name: 'BACKLOT_REDIS_PREFIX',
    description:
      'Prepended to every Redis key and pub/sub channel, so several deployments (or test runs) can share one Redis.',
    defaultText: 'backlot:',
    parse: (raw: string | undefined) => {
      const value = raw ?? 'backlot:'
      if (!/^[A-Za-z0-9:_.-]{0,64}$/.test(value)) {
        throw new ConfigError(
          'BACKLOT_REDIS_PREFIX',
          `may hold only letters, digits and : _ . - (up to 64), got "${value}"`,
        )
      }
      return value
    },
  },
  mediaStore: {
    name: 'BACKLOT_MEDIA_STORE',
    description:
      '`disk`: media files under BACKLOT_DATA_DIR/media. `s3`: an S3-compatible object store (BACKLOT_S3_* variables), shared by every node of a cluster.',
    defaultText: 'disk',
    parse: oneOf('BACKLOT_MEDIA_STORE', ['disk', 's3'] as const, 'disk'),
  },
  s3Endpoint: {
    name: 'BACKLOT_S3_ENDPOINT',
    description:
      'With BACKLOT_MEDIA_STORE=s3: the S3 API endpoint, e.g. `http://127.0.0.1:9000` (MinIO). Unset: AWS S3 in BACKLOT_S3_REGION.',
    defaultText: undefined,
    parse: url('BACKLOT_S3_ENDPOINT', ['http:', 'https:']),
  },
  s3Bucket: {
    name: 'BACKLOT_S3_BUCKET',
    description: 'With BACKLOT_MEDIA_STORE=s3 (required): the bucket media files are stored in.',
    defaultText: undefined,
    parse: (raw: string | undefined) => raw || undefined,
  },
  s3Region: {
    name: 'BACKLOT_S3_REGION',
    description: 'With BACKLOT_MEDIA_STORE=s3: the bucket’s region (any value for most self-hosted servers).',
    defaultText: 'us-east-1',
    parse: (raw: string | undefined) => raw || 'us-east-1',
  },
  s3AccessKeyId: {
    name: 'BACKLOT_S3_ACCESS_KEY_ID',
    description:
      'With BACKLOT_MEDIA_STORE=s3: access key (with BACKLOT_S3_SECRET_ACCESS_KEY). Both unset: the AWS SDK’s default credentials (environment, instance role).',
    defaultText: undefined,
    parse: (raw: string | undefined) => raw || undefined,
  },
  s3SecretAccessKey: {
    name: 'BACKLOT_S3_SECRET_ACCESS_KEY',
    description: 'With BACKLOT_MEDIA_STORE=s3: the secret of BACKLOT_S3_ACCESS_KEY_ID. Never logged.',
    defaultText: undefined,
    parse: (raw: string | undefined) => raw || undefined,
  },
  s3ForcePathStyle: {
    name: 'BACKLOT_S3_FORCE_PATH_STYLE',
    description:
      '`true`: address the bucket in the path (`endpoint/bucket/key`), as MinIO and most self-hosted servers need. `false`: virtual-hosted style (`bucket.endpoint/key`).',
    defaultText: 'false',
    parse: (raw: string | undefined) => {
      if (raw === undefined || raw === '' || raw === 'false') return false
      if (raw === 'true') return true
      throw new ConfigError('BACKLOT_S3_FORCE_PATH_STYLE', `must be true or false, got "${raw}"`)
    },
  },
  s3KeyPrefix: {
    name: 'BACKLOT_S3_KEY_PREFIX',
    description:
      'With BACKLOT_MEDIA_STORE=s3: prepended to every object key, e.g. `backlot/` to share a bucket.',
    defaultText: undefined,
    parse: (raw: string | undefined) => {
      const value = raw ?? ''
      if (!/^[A-Za-z0-9/_.-]{0,200}$/.test(value) || value.startsWith('/')) {
        throw new ConfigError(
          'BACKLOT_S3_KEY_PREFIX',
          `may hold only letters, digits and / _ . - (not leading /), got "${value}"`,
        )
      }
      return value
    },
  },
  s3MediaDelivery: {
    name: 'BACKLOT_S3_MEDIA_DELIVERY',
    description:
      'With BACKLOT_MEDIA_STORE=s3: how browsers get media files. `proxy`: the node streams the bytes from the store after its access check. `redirect`: after the same check the node answers 302 to a short-lived signed URL and the browser fetches the bytes straight from the store (docs/operations.md, "Media by redirect").',
    defaultText: 'proxy',
    parse: oneOf('BACKLOT_S3_MEDIA_DELIVERY', ['proxy', 'redirect'] as const, 'proxy'),
  },
  s3SignedUrlSeconds: {
    name: 'BACKLOT_S3_SIGNED_URL_SECONDS',
    description:
      'With BACKLOT_S3_MEDIA_DELIVERY=redirect: how long a signed URL works (60 s to 7 days, the SigV4 limit). Browsers keep a redirect for at most half of it; keep a quarter of it above the clock skew between the nodes and the store.',
    defaultText: '300',
    parse: integer('BACKLOT_S3_SIGNED_URL_SECONDS', 300, 60, 604_800),
  },
  s3PublicEndpoint: {
    name: 'BACKLOT_S3_PUBLIC_ENDPOINT',
    description:
      'With BACKLOT_S3_MEDIA_DELIVERY=redirect: the S3 endpoint browsers reach, when it differs from BACKLOT_S3_ENDPOINT (which the nodes use), e.g. `https://media.example.org` for MinIO behind a reverse proxy. The proxy must pass the Host header and the path through unchanged: the signature covers them.',
    defaultText: undefined,
    parse: url('BACKLOT_S3_PUBLIC_ENDPOINT', ['http:', 'https:']),
  },
  logLevel: {
    name: 'BACKLOT_LOG_LEVEL',
    description:
      'Minimum level of the JSON logs on stdout. At `info` only failed (5xx) and slow (≥ 1 s) requests are logged; `debug` logs every request.',
    defaultText: 'info',
    parse: oneOf(
      'BACKLOT_LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
  },
  trustProxy: {
    name: 'BACKLOT_TRUST_PROXY',
    description:
      'Set to `true` (or a hop count) when behind a reverse proxy, so client addresses come from X-Forwarded-For.',
    defaultText: 'false',
    parse: (raw: string | undefined): boolean | number => {
      if (raw === undefined || raw === '' || raw === 'false') return false
      if (raw === 'true') return true
      return integer('BACKLOT_TRUST_PROXY', 0, 0, 10)(raw)
    },
  },
  argon2Profile: {
    name: 'BACKLOT_ARGON2',
    description:
      'Password hashing cost. `owasp` is argon2id m=19 MiB, t=2, p=1 (OWASP 2023). `fast` is for test suites only.',
    defaultText: 'owasp',
    parse: oneOf('BACKLOT_ARGON2', ['owasp', 'fast'] as const, 'owasp'),
  },
  sessionTtlDays: {
    name: 'BACKLOT_SESSION_TTL_DAYS',
    description: 'How long a login session lasts without use.',
    defaultText: '30',
    parse: integer('BACKLOT_SESSION_TTL_DAYS', 30, 1, 365),
  },
  accountDeletionGraceDays: {
    name: 'BACKLOT_ACCOUNT_DELETION_GRACE_DAYS',
    description:
      'Days between a person asking to delete their account and its erasure; logging in or cancelling in the settings stops it. 0 erases at the next run of the erasure job (within a minute).',
    defaultText: '7',
    parse: integer('BACKLOT_ACCOUNT_DELETION_GRACE_DAYS', 7, 0, 365),
  },
  exportTtlHours: {
    name: 'BACKLOT_EXPORT_TTL_HOURS',
    description:
      "How long a finished export archive (a person's data or a whole channel) stays downloadable before it is deleted from the data folder.",
    defaultText: '168',
    parse: integer('BACKLOT_EXPORT_TTL_HOURS', 168, 1, 720),
  },
  interactionBatchMs: {
    name: 'BACKLOT_INTERACTION_BATCH_MS',
    description:
      'How long a reaction, vote, prompt answer or member view waits for others to be written with it in one statement or transaction (group commit, docs/scale.md). Each request is answered after its batch committed, so nothing acknowledged is lost; the wait is added to its latency. `0` writes only what arrives within one event-loop turn together (reactions) or each alone (the rest): the path before issue 21.',
    defaultText: '2',
    parse: integer('BACKLOT_INTERACTION_BATCH_MS', 2, 0, 50),
  },
  reachCounting: {
    name: 'BACKLOT_REACH_COUNTING',
    description:
      "Count reach (views of public pages, embeds by site, feed fetches by reader, oEmbed lookups), without cookies or stored addresses: docs/privacy.md. `false` counts nothing; what was counted stays in the studio's analytics.",
    defaultText: 'true',
    parse: (raw: string | undefined): boolean =>
      oneOf('BACKLOT_REACH_COUNTING', ['true', 'false'] as const, 'true')(raw) === 'true',
  },
  hotReads: {
    name: 'BACKLOT_HOT_READS',
    description:
      'Serve anonymous public reads (post and channel pages, feeds, oEmbed, the API\'s GET of a post or a channel\'s posts) from channel rows each process keeps until an event moves the channel, and for at most one second: a hot post then costs no database read per request (docs/operations.md, "Hot reads and reconnect storms"). `false` reads the channel row on every request, as before; benchmarks compare the two.',
    defaultText: 'true',
    parse: (raw: string | undefined): boolean =>
      oneOf('BACKLOT_HOT_READS', ['true', 'false'] as const, 'true')(raw) === 'true',
  },
  bodyLimitBytes: {
    name: 'BACKLOT_BODY_LIMIT_BYTES',
    description: 'Largest JSON request body accepted. Larger bodies get a 413 problem.',
    defaultText: '1048576',
    parse: integer('BACKLOT_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
  },
  // ---- connections (issue 14): docs/operations.md, "Connection limits" ----
  headersTimeoutSeconds: {
    name: 'BACKLOT_HTTP_HEADERS_TIMEOUT_SECONDS',
    description:
      'A request’s headers must arrive within this long of its first byte (or of the connection opening), else the connection is closed with 408: a client dribbling headers (slowloris) cannot hold a connection. Headers are a few KB, so 20 s is ample on the slowest mobile link.',
    defaultText: '20',
    parse: integer('BACKLOT_HTTP_HEADERS_TIMEOUT_SECONDS', 20, 1, 300),
  },
  requestTimeoutSeconds: {
    name: 'BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS',
    description:
      'A request body must arrive within this long of its headers, else the server answers 408 `request-timeout` and closes the connection. Bodies other than uploads are at most BACKLOT_BODY_LIMIT_BYTES (1 MiB: 30 s is 35 KB/s). Image uploads have their own deadline (BACKLOT_HTTP_UPLOAD_TIMEOUT_SECONDS).',
    defaultText: '30',
    parse: integer('BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS', 30, 1, 3600),
  },
  uploadTimeoutSeconds: {
    name: 'BACKLOT_HTTP_UPLOAD_TIMEOUT_SECONDS',
    description:
      'Deadline of an image upload body (`POST /api/v1/media`), instead of BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS: 30 minutes lets BACKLOT_MEDIA_MAX_BYTES (30 MiB) through at ~17 KB/s, a weak mobile link on set. An upload that stalls is cut sooner by BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS.',
    defaultText: '1800',
    parse: integer('BACKLOT_HTTP_UPLOAD_TIMEOUT_SECONDS', 1800, 1, 86_400),
  },
  keepAliveTimeoutSeconds: {
    name: 'BACKLOT_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS',
    description:
      'How long a keep-alive connection may wait for its next request. 72 s: above the 60 s idle timeout of common load balancers and reverse proxies, which must close an idle upstream connection before the server does (else a request sent as the server closes it fails with 502).',
    defaultText: '72',
    parse: integer('BACKLOT_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 72, 1, 3600),
  },
  idleTimeoutSeconds: {
    name: 'BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS',
    description:
      'A connection on which nothing moves in either direction for this long is closed: one that sends nothing, a stalled upload, a client that stopped reading a response. Must be above BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS (an upload waits that long, silent, for its answer). Live streams are exempt: heartbeats and pings check them.',
    defaultText: '60',
    parse: integer('BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS', 60, 1, 3600),
  },
  maxConnections: {
    name: 'BACKLOT_MAX_CONNECTIONS',
    description:
      'Most client connections (HTTP and streams) one process holds. `auto`: the open-file limit (`ulimit -n`, read from /proc/self/limits) minus BACKLOT_FD_RESERVE, at least half the limit; no cap where the limit cannot be read. At the cap the longest-idle HTTP connection is closed to make room; only when none is idle is a new connection refused.',
    defaultText: 'auto',
    parse: (raw: string | undefined): number | 'auto' =>
      raw === undefined || raw === '' || raw === 'auto'
        ? 'auto'
        : integer('BACKLOT_MAX_CONNECTIONS', 0, 1, 10_000_000)(raw),
  },
  fdReserve: {
    name: 'BACKLOT_FD_RESERVE',
    description:
      'File descriptors BACKLOT_MAX_CONNECTIONS=auto keeps free of client connections, for the database, media files, outbound requests (push, S3) and Node itself, so a flood of connections never leaves the server unable to open them.',
    defaultText: '256',
    parse: integer('BACKLOT_FD_RESERVE', 256, 16, 1_000_000),
  },
  maxConnectionsPerAddress: {
    name: 'BACKLOT_MAX_CONNECTIONS_PER_ADDRESS',
    description:
      'Most open TCP connections from one peer address (IPv6: one /64); more are closed as they are accepted. 0: no cap. Not applied when BACKLOT_TRUST_PROXY is set (every peer is then the proxy: limit connections per client there). Raise it for audiences behind one NAT (venues, campuses).',
    defaultText: '256',
    parse: integer('BACKLOT_MAX_CONNECTIONS_PER_ADDRESS', 256, 0, 1_000_000),
  },
  maxStreamsPerAddress: {
    name: 'BACKLOT_MAX_STREAMS_PER_ADDRESS',
    description:
      'Most open live streams (WebSocket and SSE together) from one client address (IPv6: one /64; the X-Forwarded-For address when BACKLOT_TRUST_PROXY is set). More are refused: WebSockets are closed with 4029, SSE gets 429 `too-many-streams`. 0: no cap.',
    defaultText: '100',
    parse: integer('BACKLOT_MAX_STREAMS_PER_ADDRESS', 100, 0, 1_000_000),
  },
  connectionLimitExempt: {
    name: 'BACKLOT_CONNECTION_LIMIT_EXEMPT',
    description:
      'Comma-separated addresses or CIDR ranges that BACKLOT_MAX_CONNECTIONS_PER_ADDRESS and BACKLOT_MAX_STREAMS_PER_ADDRESS do not apply to, or `none`. Default: loopback, where a reverse proxy on the same machine, health checks and the benchmarks connect from.',
    defaultText: '127.0.0.0/8,::1',
    parse: addressRanges('BACKLOT_CONNECTION_LIMIT_EXEMPT', ['127.0.0.0/8', '::1/128']),
  },
  replayLimit: {
    name: 'BACKLOT_STREAM_REPLAY_LIMIT',
    description:
      'Most events a resuming subscriber is replayed per channel; a larger gap gets a `reset` frame (reload instead).',
    defaultText: '1000',
    parse: integer('BACKLOT_STREAM_REPLAY_LIMIT', 1000, 1, 100_000),
  },
  streamBufferBytes: {
    name: 'BACKLOT_STREAM_BUFFER_BYTES',
    description:
      'Unsent bytes a stream subscriber may have queued before it is closed as too slow (code 4008); it then resumes from its sequence.',
    defaultText: '1048576',
    parse: integer('BACKLOT_STREAM_BUFFER_BYTES', 1_048_576, 4096, 256 * 1_048_576),
  },
  heartbeatSeconds: {
    name: 'BACKLOT_STREAM_HEARTBEAT_SECONDS',
    description: 'Interval of heartbeat frames on live streams (keeps proxies open, detects dead peers).',
    defaultText: '25',
    parse: integer('BACKLOT_STREAM_HEARTBEAT_SECONDS', 25, 1, 300),
  },
  streamOpensPerSecond: {
    name: 'BACKLOT_STREAM_OPENS_PER_SECOND',
    description:
      'Live streams (WebSocket and SSE) each server process admits per second, with a burst of one second’s worth; past it a stream is refused with 503 `streams-busy` and a Retry-After of 1–5 s, drawn at random so the refused spread out. Sheds a reconnect storm (a node died and its fans all come here) into a ramp the database can serve (docs/operations.md, "Hot reads and reconnect storms"). 0: no cap.',
    defaultText: '1000',
    parse: integer('BACKLOT_STREAM_OPENS_PER_SECOND', 1000, 0, 1_000_000),
  },
  loginMaxAttempts: {
    name: 'BACKLOT_LOGIN_MAX_ATTEMPTS',
    description:
      'Failed logins allowed per account, and ten times that per client address, within BACKLOT_LOGIN_WINDOW_SECONDS.',
    defaultText: '10',
    parse: integer('BACKLOT_LOGIN_MAX_ATTEMPTS', 10, 1, 10_000),
  },
  loginWindowSeconds: {
    name: 'BACKLOT_LOGIN_WINDOW_SECONDS',
    description: 'Window of the login attempt limit.',
    defaultText: '900',
    parse: integer('BACKLOT_LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
  },
  mediaMaxBytes: {
    name: 'BACKLOT_MEDIA_MAX_BYTES',
    description:
      'Largest image upload accepted, in bytes (30 MiB). Checked while the upload streams in; larger files get a 413 `media-too-large` problem.',
    defaultText: '31457280',
    parse: integer('BACKLOT_MEDIA_MAX_BYTES', 30 * 1_048_576, 1024, 1024 * 1_048_576),
  },
  mediaMaxPixels: {
    name: 'BACKLOT_MEDIA_MAX_PIXELS',
    description:
      'Largest image accepted, in pixels (width × height; 50 megapixels). Read from the header before a pixel is decoded, so a decompression bomb (a 1 KB file declaring 9000×9000) is refused at once with 422 `image-too-large-pixels`; the decoder is held to it too. 50 MP covers phone photos (12–48 MP) and most cameras (24–46 MP); a Canon 5DS (8688×5792 = 50.3 MP) or a 61 MP Sony α7R IV/V (9504×6336 = 60.2 MP) needs 61000000, a 100 MP medium-format camera 102000000. Processing time grows with it (a 49 MP photo takes about 0.9 s of CPU, a 12 MP one 0.45 s); memory barely does, as images are streamed.',
    defaultText: '50000000',
    parse: integer('BACKLOT_MEDIA_MAX_PIXELS', 50_000_000, 1, 1_000_000_000),
  },
  mediaProcessingConcurrency: {
    name: 'BACKLOT_MEDIA_PROCESSING_CONCURRENCY',
    description:
      'Images processed at the same time by this node; more uploads wait their turn, one account after another. Each holds its file, its re-encoded original and a 2048-pixel working copy while it runs (about 80 MB for a 49-megapixel photo).',
    defaultText: '2',
    parse: integer('BACKLOT_MEDIA_PROCESSING_CONCURRENCY', 2, 1, 64),
  },
  mediaProcessingWaitSeconds: {
    name: 'BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS',
    description:
      'How long an upload request waits for processing before answering 202 with `status: processing` (the client then polls the media). 0 always answers at once.',
    defaultText: '10',
    parse: integer('BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS', 10, 0, 300),
  },
  mediaWorkLeaseSeconds: {
    name: 'BACKLOT_MEDIA_WORK_LEASE_SECONDS',
    description:
      "Processing work whose process shows no sign of life for this long was left by a crash: a `processing` media item becomes `failed` with `processing-interrupted`, and the process's temporary files under BACKLOT_DATA_DIR/tmp are deleted. A live process renews its lease every quarter of this.",
    defaultText: '120',
    parse: integer('BACKLOT_MEDIA_WORK_LEASE_SECONDS', 120, 2, 3600),
  },
  mediaUnattachedTtlHours: {
    name: 'BACKLOT_MEDIA_UNATTACHED_TTL_HOURS',
    description: 'Uploads not attached to a post within this time are deleted by a background sweep.',
    defaultText: '24',
    parse: integer('BACKLOT_MEDIA_UNATTACHED_TTL_HOURS', 24, 1, 24 * 365),
  },
  mediaUploadLimit: {
    name: 'BACKLOT_MEDIA_UPLOAD_LIMIT',
    description:
      'Uploads one account may make within BACKLOT_MEDIA_UPLOAD_WINDOW_SECONDS (the `uploads` rate-limit bucket: BACKLOT_RATE_LIMIT_ADDRESS_FACTOR times as many per client address); more get a 429 problem.',
    defaultText: '60',
    parse: integer('BACKLOT_MEDIA_UPLOAD_LIMIT', 60, 1, 100_000),
  },
  mediaUploadWindowSeconds: {
    name: 'BACKLOT_MEDIA_UPLOAD_WINDOW_SECONDS',
    description: 'Window of the upload limit.',
    defaultText: '600',
    parse: integer('BACKLOT_MEDIA_UPLOAD_WINDOW_SECONDS', 600, 1, 86_400),
  },
  mediaUploadsPerAccount: {
    name: 'BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT',
    description:
      'Uploads one account may have in progress on a node at once (being received, waiting or processing); more get 429 `too-many-uploads`. A node holds at most 8 × BACKLOT_MEDIA_PROCESSING_CONCURRENCY uploads in all, so this share keeps one account from taking every slot.',
    defaultText: '4',
    parse: integer('BACKLOT_MEDIA_UPLOADS_PER_ACCOUNT', 4, 1, 1000),
  },
  mediaUploadMinBytesPerSecond: {
    name: 'BACKLOT_MEDIA_UPLOAD_MIN_BYTES_PER_SECOND',
    description:
      'Slowest upload accepted: a body that brings fewer bytes than this per second, counted over each BACKLOT_MEDIA_UPLOAD_RATE_WINDOW_SECONDS in turn (the first is the grace period), is cut off with 408 `upload-too-slow` and its slot freed. 8192 is a 64 kbit/s link. 0 turns the check off.',
    defaultText: '8192',
    parse: integer('BACKLOT_MEDIA_UPLOAD_MIN_BYTES_PER_SECOND', 8192, 0, 100 * 1_048_576),
  },
  mediaUploadRateWindowSeconds: {
    name: 'BACKLOT_MEDIA_UPLOAD_RATE_WINDOW_SECONDS',
    description: 'Window over which BACKLOT_MEDIA_UPLOAD_MIN_BYTES_PER_SECOND is measured.',
    defaultText: '10',
    parse: integer('BACKLOT_MEDIA_UPLOAD_RATE_WINDOW_SECONDS', 10, 1, 300),
  },
  videoMaxBytes: {
    name: 'BACKLOT_VIDEO_MAX_BYTES',
    description:
      'Largest video or voice upload accepted, in bytes (200 MiB: about 3 minutes of 1080p from a phone). Checked while the upload streams to a temporary file; larger files get a 413 `media-too-large` problem. Images keep BACKLOT_MEDIA_MAX_BYTES.',
    defaultText: '209715200',
    parse: integer('BACKLOT_VIDEO_MAX_BYTES', 200 * 1_048_576, 1024, 16 * 1024 * 1_048_576),
  },
  videoMaxSeconds: {
    name: 'BACKLOT_VIDEO_MAX_SECONDS',
    description:
      'Longest video or voice note accepted, in seconds. Read by the probe before any frame is decoded; a longer (or endless) stream gets 422 `video-too-long`. Transcoding also stops at this length whatever the container claims.',
    defaultText: '180',
    parse: integer('BACKLOT_VIDEO_MAX_SECONDS', 180, 1, 3600),
  },
  videoMaxSide: {
    name: 'BACKLOT_VIDEO_MAX_SIDE',
    description:
      'Longest side of a video accepted, in pixels (4096: 4K from a phone, either orientation); the pixel count is held to this side squared × 9/16. A larger declared size gets 422 `video-too-large-pixels` before decoding. Renditions are never larger than 1080p.',
    defaultText: '4096',
    parse: integer('BACKLOT_VIDEO_MAX_SIDE', 4096, 64, 8192),
  },
  videoProcessingTimeoutSeconds: {
    name: 'BACKLOT_VIDEO_PROCESSING_TIMEOUT_SECONDS',
    description:
      'Wall-clock limit of one FFmpeg run (a rendition, the poster or a voice encoding); past it FFmpeg is killed and the upload fails with `video-processing-failed`. A 60-second 1080p clip takes about a minute on 2 cores.',
    defaultText: '600',
    parse: integer('BACKLOT_VIDEO_PROCESSING_TIMEOUT_SECONDS', 600, 5, 7200),
  },
  videoMemoryLimitMb: {
    name: 'BACKLOT_VIDEO_MEMORY_LIMIT_MB',
    description:
      'Address-space limit of each FFprobe and FFmpeg process, in MiB (set with `prlimit --as`, util-linux, when it is installed; otherwise only the thread and resolution caps bound it). A process that needs more fails its run instead of pushing the server out of memory. 0 turns it off.',
    defaultText: '2048',
    parse: integer('BACKLOT_VIDEO_MEMORY_LIMIT_MB', 2048, 0, 65_536),
  },
  videoKeepOriginal: {
    name: 'BACKLOT_VIDEO_KEEP_ORIGINAL',
    description:
      'Keep the uploaded video or voice file too, remuxed (streams copied, not re-encoded) without any metadata, chapter, data or subtitle stream, and serve it as `original.mp4`/`original.m4a`. Off by default: the renditions are what players use.',
    defaultText: 'false',
    parse: oneOf('BACKLOT_VIDEO_KEEP_ORIGINAL', ['true', 'false'] as const, 'false'),
  },
  resumableUploadExpiryHours: {
    name: 'BACKLOT_RESUMABLE_UPLOAD_EXPIRY_HOURS',
    description:
      'A resumable (tus) upload not finished within this many hours of its creation expires: its URL answers 404 and a background sweep deletes the bytes received so far, from the data folder or S3.',
    defaultText: '24',
    parse: integer('BACKLOT_RESUMABLE_UPLOAD_EXPIRY_HOURS', 24, 1, 24 * 30),
  },
  resumableUploadsPerAccount: {
    name: 'BACKLOT_RESUMABLE_UPLOADS_PER_ACCOUNT',
    description:
      'Unfinished resumable (tus) uploads one account may hold at once; creating one more gets a 429 `too-many-uploads` problem until one finishes, is ended (DELETE) or expires. Each may reserve up to BACKLOT_VIDEO_MAX_BYTES of disk or S3 space.',
    defaultText: '5',
    parse: integer('BACKLOT_RESUMABLE_UPLOADS_PER_ACCOUNT', 5, 1, 100),
  },
  pushVapidPublicKey: {
    name: 'BACKLOT_PUSH_VAPID_PUBLIC_KEY',
    description:
      'Web Push VAPID public key (base64url, 65-byte uncompressed P-256 point). Set with BACKLOT_PUSH_VAPID_PRIVATE_KEY, or leave both unset to generate a pair on first start and keep it in the database. Changing it invalidates every browser subscription.',
    defaultText: undefined,
    parse: base64urlKey('BACKLOT_PUSH_VAPID_PUBLIC_KEY', 65),
  },
  pushVapidPrivateKey: {
    name: 'BACKLOT_PUSH_VAPID_PRIVATE_KEY',
    description: 'Web Push VAPID private key (base64url, 32 bytes). Secret.',
    defaultText: undefined,
    parse: base64urlKey('BACKLOT_PUSH_VAPID_PRIVATE_KEY', 32),
  },
  pushSubject: {
    name: 'BACKLOT_PUSH_SUBJECT',
    description:
      'Contact the push services (Google, Mozilla, Apple) may use about this server: a `mailto:` (with an address) or `https:` URL, sent in every VAPID token. Unset: `mailto:admin@` + the BACKLOT_PUBLIC_URL host when that is a domain name; required when BACKLOT_PUBLIC_URL is an IP address; with BACKLOT_PUBLIC_URL unset or on loopback/localhost (a laptop) the placeholder `mailto:admin@<host>` is used and a warning logged at start.',
    defaultText: undefined,
    parse: url('BACKLOT_PUSH_SUBJECT', ['mailto:', 'https:']),
  },
  pushTtlSeconds: {
    name: 'BACKLOT_PUSH_TTL_SECONDS',
    description:
      "How long a push service keeps a notification for a device that is offline (a day: a fan who turns the phone on in the morning still hears about last night's post).",
    defaultText: '86400',
    parse: integer('BACKLOT_PUSH_TTL_SECONDS', 86_400, 0, 2_419_200),
  },
  pushBatchSize: {
    name: 'BACKLOT_PUSH_BATCH_SIZE',
    description: 'Devices per push batch job; a post to a large channel is split into batches of this size.',
    defaultText: '500',
    parse: integer('BACKLOT_PUSH_BATCH_SIZE', 500, 1, 10_000),
  },
  pushHostConcurrency: {
    name: 'BACKLOT_PUSH_HOST_CONCURRENCY',
    description: 'Requests this node sends at once to one push service host (e.g. fcm.googleapis.com).',
    defaultText: '32',
    parse: integer('BACKLOT_PUSH_HOST_CONCURRENCY', 32, 1, 1024),
  },
  pushRetryAttempts: {
    name: 'BACKLOT_PUSH_RETRY_ATTEMPTS',
    description:
      'Attempts of a push batch whose push service answered 429 or 5xx (or could not be reached) before those devices are given up for that post.',
    defaultText: '5',
    parse: integer('BACKLOT_PUSH_RETRY_ATTEMPTS', 5, 1, 20),
  },
  pushRetryDelayMs: {
    name: 'BACKLOT_PUSH_RETRY_DELAY_MS',
    description:
      'First retry delay of a push batch, doubled on each further retry; a Retry-After from the push service takes precedence.',
    defaultText: '5000',
    parse: integer('BACKLOT_PUSH_RETRY_DELAY_MS', 5000, 10, 3_600_000),
  },
  pushAllowLoopback: {
    name: 'BACKLOT_PUSH_ALLOW_LOOPBACK',
    description:
      'Test setting: `true` accepts push endpoints on loopback addresses (http://127.0.0.1…), which are otherwise refused like every private address. Never set it in production.',
    defaultText: 'false',
    parse: oneOf('BACKLOT_PUSH_ALLOW_LOOPBACK', ['true', 'false'] as const, 'false'),
  },
  outboundAllowHttp: {
    name: 'BACKLOT_OUTBOUND_ALLOW_HTTP',
    description:
      '`true` lets the outbound client (link previews; federation later) fetch plain `http://` URLs too; `false` allows only `https://`. Addresses are checked either way (docs/security.md).',
    defaultText: 'false',
    parse: oneOf('BACKLOT_OUTBOUND_ALLOW_HTTP', ['true', 'false'] as const, 'false'),
  },
  outboundAllowLoopbackPorts: {
    name: 'BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS',
    description:
      'Test setting: comma-separated loopback ports (e.g. `8081,8082`) the outbound client may connect to on 127.0.0.1 and ::1, for test sites. Every other loopback port and every private address stays refused. Never set it in production.',
    defaultText: undefined,
    parse: portList('BACKLOT_OUTBOUND_ALLOW_LOOPBACK_PORTS'),
  },
  outboundConnectTimeoutMs: {
    name: 'BACKLOT_OUTBOUND_CONNECT_TIMEOUT_MS',
    description: 'How long the outbound client waits for a connection (TCP and TLS) to a remote site.',
    defaultText: '5000',
    parse: integer('BACKLOT_OUTBOUND_CONNECT_TIMEOUT_MS', 5000, 100, 60_000),
  },
  outboundTimeoutMs: {
    name: 'BACKLOT_OUTBOUND_TIMEOUT_MS',
    description:
      'Longest outbound exchange, redirects and body included: a site that sends slowly is cut off here.',
    defaultText: '15000',
    parse: integer('BACKLOT_OUTBOUND_TIMEOUT_MS', 15_000, 500, 300_000),
  },
  outboundMaxBodyBytes: {
    name: 'BACKLOT_OUTBOUND_MAX_BODY_BYTES',
    description:
      'Largest outbound response body, counted after decompression (a gzip bomb stops here). Link previews read at most 512 KiB of a page whatever this says.',
    defaultText: '8388608',
    parse: integer('BACKLOT_OUTBOUND_MAX_BODY_BYTES', 8 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  },
  linkPreviewTtlHours: {
    name: 'BACKLOT_LINK_PREVIEW_TTL_HOURS',
    description:
      'How long a fetched link preview is reused for other posts linking the same URL before the page is fetched again.',
    defaultText: '24',
    parse: integer('BACKLOT_LINK_PREVIEW_TTL_HOURS', 24, 1, 24 * 30),
  },
  linkPreviewAccountLimit: {
    name: 'BACKLOT_LINK_PREVIEW_ACCOUNT_LIMIT',
    description:
      "Link preview fetches one post author may cause, as count/window (cached URLs don't count). Past it, posts get no preview.",
    defaultText: '30/1h',
    parse: (raw: string | undefined) => parseRateRule('BACKLOT_LINK_PREVIEW_ACCOUNT_LIMIT', raw || '30/1h'),
  },
  linkPreviewGlobalLimit: {
    name: 'BACKLOT_LINK_PREVIEW_GLOBAL_LIMIT',
    description:
      'Link preview fetches the whole server makes, as count/window: a bound on outbound traffic whatever the number of authors.',
    defaultText: '600/1h',
    parse: (raw: string | undefined) => parseRateRule('BACKLOT_LINK_PREVIEW_GLOBAL_LIMIT', raw || '600/1h'),
  },
  registration: {
    name: 'BACKLOT_REGISTRATION',
    description: '`open`: anyone may register. `closed`: only `backlot user create` makes accounts.',
    defaultText: 'open',
    parse: oneOf('BACKLOT_REGISTRATION', ['open', 'closed'] as const, 'open'),
  },
  // One BACKLOT_RATE_LIMIT_* variable per bucket, from the bucket table in rate-limits.ts (issue 14).
  metricsToken: {
    name: 'BACKLOT_METRICS_TOKEN',
    description:
      'Secret. When set, `/metrics` answers only requests with `Authorization: Bearer <this token>` (401 otherwise). At least 16 characters. Unset: `/metrics` is open to anyone who reaches it — fine on a private network or with BACKLOT_METRICS_PORT on a private address.',
    defaultText: undefined,
    parse: (raw: string | undefined) => {
      if (raw === undefined || raw === '') return undefined
      if (raw.length < 16 || /\s/.test(raw)) {
        throw new ConfigError('BACKLOT_METRICS_TOKEN', 'must be at least 16 characters without spaces')
      }
      return raw
    },
  },
  metricsPort: {
    name: 'BACKLOT_METRICS_PORT',
    description:
      'Serve `/metrics` on this port of its own (at BACKLOT_METRICS_ADDRESS) instead of the public port, which then answers 404 there. With `serve --workers N` the primary serves it, summed over every worker. Unset: `/metrics` is on the public port.',
    defaultText: undefined,
    parse: (raw: string | undefined) =>
      raw === undefined || raw === '' ? undefined : integer('BACKLOT_METRICS_PORT', 0, 0, 65535)(raw),
  },
  metricsAddress: {
    name: 'BACKLOT_METRICS_ADDRESS',
    description:
      'Address the BACKLOT_METRICS_PORT listener binds: loopback by default, so only this machine scrapes it.',
    defaultText: '127.0.0.1',
    parse: (raw: string | undefined) => raw || '127.0.0.1',
  },
  ...rateLimitVariables,
} satisfies Record<string, VariableSpec<unknown>>
