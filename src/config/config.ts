import path from 'node:path'
import { clientVariableNames } from './client.js'
import { type DeprecatedVariable, withLegacyNames } from './legacy-names.js'
import { pushSubject } from './push-subject.js'
import { type RateLimitConfig, type RateLimitRule, rateLimitConfig } from './rate-limits.js'
import { s3BrowserEndpoint, s3BrowserOrigin } from './s3-endpoint.js'
import { ConfigError, variables } from './variables.js'

export { ConfigError }

type Parsed = { [K in keyof typeof variables]: ReturnType<(typeof variables)[K]['parse']> }

export interface DatabaseConfig {
  kind: 'sqlite' | 'postgres'
  /** File path for SQLite, connection string for PostgreSQL. */
  location: string
  schema: string
  /** SQLite only: `full` (default) makes every commit durable against power loss. */
  sqliteSynchronous?: 'full' | 'normal'
}

/** The validated, frozen configuration. Only `src/config/` reads `process.env`. */
export interface Config {
  host: string
  port: number
  publicUrl: URL
  /** True when BACKLOT_PUBLIC_URL was not set and was derived from BACKLOT_HOST and BACKLOT_PORT (updated once the port is known). */
  publicUrlIsDefault: boolean
  dataDir: string
  database: DatabaseConfig
  /** Cluster mode (BACKLOT_REDIS_URL set): the Redis every node shares; null on one node or one machine. */
  redis: RedisConfig | null
  /** Where media files live (BACKLOT_MEDIA_STORE). */
  mediaStore: { kind: 'disk' } | { kind: 's3'; s3: S3Config }
  logLevel: Parsed['logLevel']
  trustProxy: boolean | number
  argon2Profile: Parsed['argon2Profile']
  sessionTtlMs: number
  /** How long a requested account deletion waits before the erasure (BACKLOT_ACCOUNT_DELETION_GRACE_DAYS). */
  accountDeletionGraceMs: number
  /** How long a finished export archive is kept (src/exports). */
  exportTtlMs: number
  /** Whether public surfaces are counted for reach (BACKLOT_REACH_COUNTING; src/reach). */
  reachCounting: boolean
  /** Group-commit window of interaction writes (BACKLOT_INTERACTION_BATCH_MS; src/interactions/group-commit.ts). */
  interactionBatchMs: number
  /**
   * Whether anonymous public reads take the channel row from the process's hot rows
   * (BACKLOT_HOT_READS; channels/hot-channels.ts) instead of the database on every request.
   */
  hotReads: boolean
  bodyLimitBytes: number
  registration: Parsed['registration']
  /** opensPerSecond: streams this process admits per second (0: no cap; delivery/stream-admission.ts). */
  stream: { replayLimit: number; bufferBytes: number; heartbeatMs: number; opensPerSecond: number }
  loginLimit: { maxAttempts: number; windowMs: number }
  connections: ConnectionsConfig
  /** Per-route rate limits (BACKLOT_RATE_LIMIT_*; src/config/rate-limits.ts). */
  rateLimits: RateLimitConfig
  media: MediaConfig
  push: PushConfig
  /** The one outbound HTTP client (src/outbound; docs/security.md). */
  outbound: OutboundConfig
  /** Link previews (src/link-previews): cache lifetime and fetch caps. */
  linkPreviews: { ttlMs: number; perAccount: RateLimitRule; global: RateLimitRule }
  /** Who may read `/metrics` and where it is served (ops/metrics-access.ts). */
  metrics: MetricsConfig
}

export interface OutboundConfig {
  allowHttp: boolean
  /** Test only: loopback ports the client may dial. */
  allowLoopbackPorts: number[]
  connectTimeoutMs: number
  timeoutMs: number
  maxBodyBytes: number
}

export interface MetricsConfig {
  /** Secret: the bearer token `/metrics` requires; undefined leaves it open. */
  token: string | undefined
  /** A port of its own for `/metrics` (then not on the public port); undefined: the public port. */
  port: number | undefined
  address: string
}

/** Timeouts and caps of client connections (issue 14; docs/operations.md, "Connection limits"). */
export interface ConnectionsConfig {
  headersTimeoutMs: number
  /** Body deadline of every route but the upload route, which has `uploadTimeoutMs`. */
  requestTimeoutMs: number
  uploadTimeoutMs: number
  keepAliveTimeoutMs: number
  idleTimeoutMs: number
  /** A number, or `auto`: the open-file limit minus `fdReserve` (http/connections/capacity.ts). */
  maxConnections: number | 'auto'
  fdReserve: number
  /** 0: no cap. */
  perAddress: number
  /** 0: no cap. */
  streamsPerAddress: number
  /** `address/prefix` ranges the per-address caps skip. */
  exempt: string[]
}

export interface PushConfig {
  /** Both set, or both undefined (then a pair is generated and kept in the database). */
  vapidPublicKey: string | undefined
  /** Secret. */
  vapidPrivateKey: string | undefined
  /** `mailto:` or `https:` URL sent as the VAPID `sub` claim (push-subject.ts). */
  subject: string
  /** Why the subject is only a placeholder (a laptop run without BACKLOT_PUSH_SUBJECT), logged at start; else null. */
  subjectWarning: string | null
  ttlSeconds: number
  batchSize: number
  hostConcurrency: number
  retryAttempts: number
  retryDelayMs: number
  /** Test only: accept endpoints on loopback addresses, over http too. */
  allowLoopback: boolean
}

export interface MediaConfig {
  maxBytes: number
  maxPixels: number
  concurrency: number
  /** How long an upload request waits for processing before answering 202; 0 answers at once. */
  waitMs: number
  unattachedTtlMs: number
  /**
   * How long processing work may go without a heartbeat before it counts as abandoned by a
   * crashed process (a `processing` row fails, temporary files are swept).
   */
  workLeaseMs: number
  /** Uploads one account may have in progress on a node (received, waiting or processing). */
  uploadsPerAccount: number
  /** Slowest accepted upload body, bytes per second over `uploadRateWindowMs`; 0 turns it off. */
  minUploadBytesPerSecond: number
  uploadRateWindowMs: number
  /** Video and voice uploads (issue 20): their own size cap, probe limits and FFmpeg bounds. */
  video: VideoConfig
  /** Resumable (tus) uploads (issue 20 part 1). */
  resumable: ResumableUploadConfig
  /** How `/media/{id}/{file}` answers (BACKLOT_S3_MEDIA_DELIVERY). */
  delivery: MediaDelivery
}

export interface VideoConfig {
  maxBytes: number
  maxSeconds: number
  /** Longest side; the pixel count is held to maxSide² × 9/16 (a 16:9 frame of that width). */
  maxSide: number
  /** Wall-clock limit of one FFmpeg or FFprobe run. */
  timeoutMs: number
  /** Address-space cap of each FFmpeg process in bytes (prlimit --as); 0 for none. */
  memoryLimitBytes: number
  keepOriginal: boolean
  /**
   * Where uploads being received and FFmpeg's outputs are written: BACKLOT_DATA_DIR/tmp, on the
   * data disk (a 200 MiB upload should not land in a RAM-backed /tmp). Each file is removed when
   * its upload is done; only a crash mid-upload leaves one behind.
   */
  workDir: string
}

export interface ResumableUploadConfig {
  /** An unfinished upload expires this long after its creation; the sweep deletes its bytes. */
  expiryMs: number
  /** Unfinished uploads one account may hold at once. */
  perAccount: number
  /**
   * Where the disk data store keeps bytes received so far (BACKLOT_DATA_DIR/resumable; with
   * BACKLOT_MEDIA_STORE=s3 they go to the bucket instead, so any node can resume an upload).
   * Not under `video.workDir`: that folder holds only files of uploads being processed.
   */
  dir: string
}

/**
 * `proxy`: the node streams the file. `redirect` (BACKLOT_MEDIA_STORE=s3 only): the node answers 302 to a
 * URL signed for `signedUrlSeconds`, on `origin` (which pages therefore allow in their img-src).
 */
export type MediaDelivery = { mode: 'proxy' } | { mode: 'redirect'; signedUrlSeconds: number; origin: string }

export interface RedisConfig {
  url: string
  /** Prepended to every key and pub/sub channel, so several deployments or test files share one Redis. */
  prefix: string
}

export interface S3Config {
  endpoint: string | undefined
  bucket: string
  region: string
  accessKeyId: string | undefined
  secretAccessKey: string | undefined
  forcePathStyle: boolean
  keyPrefix: string
  /** BACKLOT_S3_PUBLIC_ENDPOINT: where browsers reach the store, when not at `endpoint` (redirect delivery). */
  publicEndpoint: string | undefined
}

type Env = Record<string, string | undefined>

/** Reads and validates configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(givenEnv: Env = process.env, overrides: Partial<Config> = {}): Config {
  const { env, deprecated } = withLegacyNames(givenEnv, variableNames())
  const raw = {} as Record<string, unknown>
  for (const [key, spec] of Object.entries(variables)) {
    try {
      raw[key] = spec.parse(env[spec.name])
    } catch (error) {
      // A bad value set under an old name: name the variable the operator actually wrote.
      const old = deprecated.find((d) => d.replacement === spec.name && !d.isIgnored)
      if (!(error instanceof ConfigError) || !old) throw error
      throw new ConfigError(`${old.name} (now ${spec.name})`, error.message.slice(error.variable.length + 2))
    }
  }
  const p = raw as Parsed
  const dataDir = path.resolve(p.dataDir)
  const publicUrl =
    p.publicUrl ?? new URL(`http://${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`)
  const mediaStore = mediaStoreConfig(p)
  const config: Config = {
    host: p.host,
    port: p.port,
    publicUrl,
    publicUrlIsDefault: p.publicUrl === undefined,
    dataDir,
    database: databaseConfig(p.databaseUrl, dataDir, p.databaseSchema, p.sqliteSynchronous),
    redis: p.redisUrl ? { url: p.redisUrl.href, prefix: p.redisPrefix } : null,
    mediaStore,
    logLevel: p.logLevel,
    trustProxy: p.trustProxy,
    argon2Profile: p.argon2Profile,
    sessionTtlMs: p.sessionTtlDays * 86_400_000,
    accountDeletionGraceMs: p.accountDeletionGraceDays * 86_400_000,
    exportTtlMs: p.exportTtlHours * 3_600_000,
    reachCounting: p.reachCounting,
    interactionBatchMs: p.interactionBatchMs,
    hotReads: p.hotReads,
    bodyLimitBytes: p.bodyLimitBytes,
    registration: p.registration,
    stream: {
      replayLimit: p.replayLimit,
      bufferBytes: p.streamBufferBytes,
      heartbeatMs: p.heartbeatSeconds * 1000,
      opensPerSecond: p.streamOpensPerSecond,
    },
    loginLimit: { maxAttempts: p.loginMaxAttempts, windowMs: p.loginWindowSeconds * 1000 },
    connections: connectionsConfig(p),
    rateLimits: rateLimitConfig(p, {
      limit: p.mediaUploadLimit,
      windowMs: p.mediaUploadWindowSeconds * 1000,
    }),
    media: {
      maxBytes: p.mediaMaxBytes,
      maxPixels: p.mediaMaxPixels,
      concurrency: p.mediaProcessingConcurrency,
      waitMs: p.mediaProcessingWaitSeconds * 1000,
      unattachedTtlMs: p.mediaUnattachedTtlHours * 3_600_000,
      workLeaseMs: p.mediaWorkLeaseSeconds * 1000,
      uploadsPerAccount: p.mediaUploadsPerAccount,
      minUploadBytesPerSecond: p.mediaUploadMinBytesPerSecond,
      uploadRateWindowMs: p.mediaUploadRateWindowSeconds * 1000,
      video: {
        maxBytes: p.videoMaxBytes,
        maxSeconds: p.videoMaxSeconds,
        maxSide: p.videoMaxSide,
        timeoutMs: p.videoProcessingTimeoutSeconds * 1000,
        memoryLimitBytes: p.videoMemoryLimitMb * 1_048_576,
        keepOriginal: p.videoKeepOriginal === 'true',
        workDir: path.join(dataDir, 'tmp'),
      },
      resumable: {
        expiryMs: p.resumableUploadExpiryHours * 3_600_000,
        perAccount: p.resumableUploadsPerAccount,
        dir: path.join(dataDir, 'resumable'),
      },
      delivery: mediaDeliveryConfig(p, mediaStore, publicUrl),
    },
    push: pushConfig(p, publicUrl, p.publicUrl !== undefined),
    outbound: {
      allowHttp: p.outboundAllowHttp === 'true',
      allowLoopbackPorts: p.outboundAllowLoopbackPorts,
      connectTimeoutMs: p.outboundConnectTimeoutMs,
      timeoutMs: p.outboundTimeoutMs,
      maxBodyBytes: p.outboundMaxBodyBytes,
    },
    linkPreviews: {
      ttlMs: p.linkPreviewTtlHours * 3_600_000,
      perAccount: p.linkPreviewAccountLimit,
      global: p.linkPreviewGlobalLimit,
    },
    metrics: { token: p.metricsToken, port: p.metricsPort, address: p.metricsAddress },
    ...overrides,
  }
  return Object.freeze(config)
}

function pushConfig(p: Parsed, publicUrl: URL, isPublicUrlSet: boolean): PushConfig {
  if ((p.pushVapidPublicKey === undefined) !== (p.pushVapidPrivateKey === undefined)) {
    const missing =
      p.pushVapidPublicKey === undefined ? 'BACKLOT_PUSH_VAPID_PUBLIC_KEY' : 'BACKLOT_PUSH_VAPID_PRIVATE_KEY'
    throw new ConfigError(missing, 'must be set together with its pair, or both left unset')
  }
  if (p.pushVapidPublicKey !== undefined && !p.pushVapidPublicKey.startsWith('B')) {
    // 0x04 (uncompressed point) encodes to a leading "B".
    throw new ConfigError(
      'BACKLOT_PUSH_VAPID_PUBLIC_KEY',
      'must be an uncompressed P-256 point (starting with "B")',
    )
  }
  const { subject, warning } = pushSubject(p.pushSubject, publicUrl, isPublicUrlSet)
  return {
    vapidPublicKey: p.pushVapidPublicKey,
    vapidPrivateKey: p.pushVapidPrivateKey,
    subject,
    subjectWarning: warning,
    ttlSeconds: p.pushTtlSeconds,
    batchSize: p.pushBatchSize,
    hostConcurrency: p.pushHostConcurrency,
    retryAttempts: p.pushRetryAttempts,
    retryDelayMs: p.pushRetryDelayMs,
    allowLoopback: p.pushAllowLoopback === 'true',
  }
}

function connectionsConfig(p: Parsed): ConnectionsConfig {
  // A silent wait longer than the idle timeout would cut every upload whose processing is slow.
  if (p.idleTimeoutSeconds <= p.mediaProcessingWaitSeconds) {
    throw new ConfigError(
      'BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS',
      `must be above BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS (${p.mediaProcessingWaitSeconds}), got ${p.idleTimeoutSeconds}`,
    )
  }
  return {
    headersTimeoutMs: p.headersTimeoutSeconds * 1000,
    requestTimeoutMs: p.requestTimeoutSeconds * 1000,
    uploadTimeoutMs: p.uploadTimeoutSeconds * 1000,
    keepAliveTimeoutMs: p.keepAliveTimeoutSeconds * 1000,
    idleTimeoutMs: p.idleTimeoutSeconds * 1000,
    maxConnections: p.maxConnections,
    fdReserve: p.fdReserve,
    perAddress: p.maxConnectionsPerAddress,
    streamsPerAddress: p.maxStreamsPerAddress,
    exempt: p.connectionLimitExempt,
  }
}

function mediaStoreConfig(p: Parsed): Config['mediaStore'] {
  if (p.mediaStore === 'disk') return { kind: 'disk' }
  if (!p.s3Bucket) throw new ConfigError('BACKLOT_S3_BUCKET', 'is required when BACKLOT_MEDIA_STORE=s3')
  if (Boolean(p.s3AccessKeyId) !== Boolean(p.s3SecretAccessKey)) {
    throw new ConfigError(
      'BACKLOT_S3_SECRET_ACCESS_KEY',
      'BACKLOT_S3_ACCESS_KEY_ID and BACKLOT_S3_SECRET_ACCESS_KEY go together: set both or neither',
    )
  }
  return {
    kind: 's3',
    s3: {
      endpoint: p.s3Endpoint?.href.replace(/\/$/, ''),
      bucket: p.s3Bucket,
      region: p.s3Region,
      accessKeyId: p.s3AccessKeyId,
      secretAccessKey: p.s3SecretAccessKey,
      forcePathStyle: p.s3ForcePathStyle,
      keyPrefix: p.s3KeyPrefix,
      publicEndpoint: p.s3PublicEndpoint?.href.replace(/\/$/, ''),
    },
  }
}

function mediaDeliveryConfig(p: Parsed, store: Config['mediaStore'], publicUrl: URL): MediaDelivery {
  if (p.s3MediaDelivery === 'proxy') {
    if (p.s3PublicEndpoint) {
      throw new ConfigError(
        'BACKLOT_S3_PUBLIC_ENDPOINT',
        'is used only with BACKLOT_S3_MEDIA_DELIVERY=redirect',
      )
    }
    return { mode: 'proxy' }
  }
  if (store.kind !== 's3') {
    throw new ConfigError(
      'BACKLOT_S3_MEDIA_DELIVERY',
      'redirect needs BACKLOT_MEDIA_STORE=s3 (files on disk have no signed URLs)',
    )
  }
  // Browsers block (or fail to upgrade) http: images on https: pages: catch it here, not as broken images.
  if (publicUrl.protocol === 'https:' && new URL(s3BrowserEndpoint(store.s3)).protocol === 'http:') {
    throw store.s3.publicEndpoint
      ? new ConfigError('BACKLOT_S3_PUBLIC_ENDPOINT', 'must be https: when BACKLOT_PUBLIC_URL is https:')
      : new ConfigError(
          'BACKLOT_S3_ENDPOINT',
          'is http: but BACKLOT_PUBLIC_URL is https:; give browsers the store’s https: address in BACKLOT_S3_PUBLIC_ENDPOINT',
        )
  }
  return { mode: 'redirect', signedUrlSeconds: p.s3SignedUrlSeconds, origin: s3BrowserOrigin(store.s3) }
}

function databaseConfig(
  url: URL | undefined,
  dataDir: string,
  schema: string,
  sqliteSynchronous: DatabaseConfig['sqliteSynchronous'],
): DatabaseConfig {
  if (!url) return { kind: 'sqlite', location: path.join(dataDir, 'backlot.db'), schema, sqliteSynchronous }
  if (url.protocol === 'sqlite:') {
    const file = decodeURIComponent(url.href.slice('sqlite:'.length).replace(/^\/\//, ''))
    if (!file)
      throw new ConfigError(
        'BACKLOT_DATABASE_URL',
        'sqlite: URL needs a file path, e.g. sqlite:./data/backlot.db',
      )
    return {
      kind: 'sqlite',
      location: file === ':memory:' ? file : path.resolve(file),
      schema,
      sqliteSynchronous,
    }
  }
  return { kind: 'postgres', location: url.href, schema }
}

function variableNames(): string[] {
  return Object.values(variables).map((v) => v.name)
}

/** Old, unprefixed names that are set (legacy-names.ts); the caller warns once about each. */
export function deprecatedVariables(env: Env = process.env): DeprecatedVariable[] {
  return withLegacyNames(env, variableNames()).deprecated
}

/** Names of BACKLOT_* variables that are set but unknown (likely typos); the caller warns about them. */
export function unknownBacklotVariables(env: Env = process.env): string[] {
  const known = new Set<string>([...Object.values(variables).map((v) => v.name), ...clientVariableNames])
  return Object.keys(env).filter((name) => name.startsWith('BACKLOT_') && !known.has(name))
}

/** Markdown table of every variable, for docs/config.md. */
export function configDocTable(): string {
  const rows = Object.values(variables).map(
    (v) =>
      `| \`${v.name}\` | ${v.defaultText === undefined ? '—' : `\`${v.defaultText}\``} | ${v.description} |`,
  )
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n')
}
