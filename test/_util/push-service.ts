import { createECDH, createPublicKey, type ECDH, randomBytes, verify } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import ece from 'http_ece'

/**
 * A push service on loopback implementing the receiving side of RFC 8030 for tests and the
 * benchmark. For every message it checks the VAPID token (RFC 8292: ES256 signature with the key
 * in `k=`, audience = this service's origin, expiry in the future and under 24 h, a mailto:/https:
 * subject) and the headers (aes128gcm, TTL, Urgency, Topic), then decrypts the body with the
 * device's private key using `http_ece` — an implementation independent of the server's.
 *
 * Endpoints are `/push/<keyIndex>/<deviceId>`: devices share a small pool of key pairs, so tests can
 * seed thousands of devices without generating thousands of keys. Each device answers 201 unless
 * `respond(deviceId, …)` queued other answers (404, 410, 429 with Retry-After, 500…). A device set
 * `offline` has its messages held, a newer one replacing an older one with the same Topic (RFC 8030
 * §5.4), until `goOnline` hands over what is left.
 */
export interface TestDevice {
  id: string
  endpoint: string
  keys: { p256dh: string; auth: string }
}

export interface ReceivedMessage {
  deviceId: string
  /** Decrypted JSON, or null when this message was not decrypted (see `decryptEvery`). */
  payload: any
  ttl: string | undefined
  urgency: string | undefined
  topic: string | undefined
  vapidKey: string
  at: number
}

export type Answer = number | { status: number; retryAfter?: string }

interface KeyPair {
  ecdh: ECDH
  auth: Buffer
}

export interface PushServiceOptions {
  /** Decrypt every n-th accepted message only (the rest are counted); default 1 = all. */
  decryptEvery?: number
  /** Keep every message (default true); the benchmark only counts. */
  keepMessages?: boolean
  /** Size of the key pool; default 4. */
  keyPairs?: number
}

export async function startPushService(options: PushServiceOptions = {}) {
  const decryptEvery = options.decryptEvery ?? 1
  const keepMessages = options.keepMessages ?? true
  const pool: KeyPair[] = Array.from({ length: options.keyPairs ?? 4 }, () => {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    return { ecdh, auth: randomBytes(16) }
  })
  const answers = new Map<string, Answer[]>()
  /** Accepted (2xx) messages per device; requests of any outcome per device. */
  const accepted = new Map<string, number>()
  const requests = new Map<string, number>()
  const messages: ReceivedMessage[] = []
  const errors: string[] = []
  const verifiedTokens = new Set<string>()
  const offline = new Set<string>()
  const held = new Map<string, Map<string, ReceivedMessage>>()
  let acceptedTotal = 0
  let lastAcceptedAt = 0
  let origin = ''

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const { status, headers } = handle(req, Buffer.concat(chunks))
      res.writeHead(status, headers)
      res.end()
    })
  })
  server.keepAliveTimeout = 60_000

  function handle(
    req: http.IncomingMessage,
    body: Buffer,
  ): { status: number; headers: Record<string, string> } {
    const match = /^\/push\/(\d+)\/([\w-]+)$/.exec(req.url ?? '')
    const keys = match ? pool[Number(match[1])] : undefined
    if (req.method !== 'POST' || !match || !keys) return { status: 404, headers: {} }
    const deviceId = match[2]!
    requests.set(deviceId, (requests.get(deviceId) ?? 0) + 1)
    const problem = checkRequest(req, body)
    if (problem) {
      errors.push(`${deviceId}: ${problem}`)
      return { status: problem.startsWith('vapid') ? 403 : 400, headers: {} }
    }
    const scripted = answers.get(deviceId)?.shift()
    if (scripted !== undefined) {
      const answer = typeof scripted === 'number' ? { status: scripted } : scripted
      if (answer.status < 200 || answer.status >= 300) {
        return {
          status: answer.status,
          headers: answer.retryAfter ? { 'retry-after': answer.retryAfter } : {},
        }
      }
    }
    accepted.set(deviceId, (accepted.get(deviceId) ?? 0) + 1)
    acceptedTotal++
    lastAcceptedAt = Date.now()
    const payload =
      acceptedTotal % decryptEvery === 0 || decryptEvery === 1 ? decrypt(deviceId, keys, body) : null
    const message: ReceivedMessage = {
      deviceId,
      payload,
      ttl: header(req, 'ttl'),
      urgency: header(req, 'urgency'),
      topic: header(req, 'topic'),
      vapidKey: /k=([\w-]+)/.exec(header(req, 'authorization') ?? '')?.[1] ?? '',
      at: lastAcceptedAt,
    }
    if (offline.has(deviceId)) {
      const queue = held.get(deviceId) ?? new Map<string, ReceivedMessage>()
      held.set(deviceId, queue)
      const key = message.topic ?? randomBytes(8).toString('hex')
      queue.delete(key) // a replaced message goes to the back, as a new one
      queue.set(key, message)
    } else if (keepMessages) {
      messages.push(message)
    }
    return { status: 201, headers: { location: `${origin}/message/${randomBytes(8).toString('hex')}` } }
  }

  function decrypt(deviceId: string, keys: KeyPair, body: Buffer): any {
    try {
      const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth })
      return JSON.parse(plain.toString('utf8'))
    } catch (error) {
      errors.push(`${deviceId}: cannot decrypt: ${(error as Error).message}`)
      return null
    }
  }

  /** RFC 8030 headers and the RFC 8292 token; returns what is wrong, or null. */
  function checkRequest(req: http.IncomingMessage, body: Buffer): string | null {
    if (header(req, 'content-encoding') !== 'aes128gcm') return 'content-encoding is not aes128gcm'
    if (!/^\d+$/.test(header(req, 'ttl') ?? '')) return 'TTL header missing'
    if (body.length > 4096) return 'body larger than 4096 bytes'
    const topic = header(req, 'topic')
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return 'bad Topic header'
    const auth = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(header(req, 'authorization') ?? '')
    if (!auth) return 'vapid: Authorization is not "vapid t=…, k=…"'
    return verifiedTokens.has(auth[1]!) ? null : checkToken(auth[1]!, auth[2]!)
  }

  function checkToken(token: string, key: string): string | null {
    const [h, p, s] = token.split('.') as [string, string, string]
    const head = JSON.parse(Buffer.from(h, 'base64url').toString())
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    if (head.alg !== 'ES256') return 'vapid: alg is not ES256'
    if (claims.aud !== origin) return `vapid: aud ${claims.aud} is not ${origin}`
    const now = Date.now() / 1000
    if (!(claims.exp > now)) return 'vapid: token expired'
    if (claims.exp > now + 86_400) return 'vapid: exp more than 24 h ahead'
    if (!/^(mailto:|https:)/.test(claims.sub ?? '')) return 'vapid: sub is not mailto: or https:'
    const point = Buffer.from(key, 'base64url')
    if (point.length !== 65 || point[0] !== 4) return 'vapid: k is not an uncompressed P-256 key'
    const publicKey = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
    })
    const signed = Buffer.from(`${h}.${p}`)
    const signature = Buffer.from(s, 'base64url')
    if (!verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)) {
      return 'vapid: bad signature'
    }
    verifiedTokens.add(token)
    return null
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    origin,
    /** A device whose subscription keys this service holds; `n` picks the key pair. */
    device(id: string, n = 0): TestDevice {
      const keys = pool[n % pool.length]!
      return {
        id,
        endpoint: `${origin}/push/${n % pool.length}/${id}`,
        keys: {
          p256dh: keys.ecdh.getPublicKey().toString('base64url'),
          auth: keys.auth.toString('base64url'),
        },
      }
    },
    /** Holds the device's messages (201 all the same) until it comes back online. */
    goOffline(deviceId: string): void {
      offline.add(deviceId)
    },
    /** Delivers what was held for the device: one message per Topic, the newest. */
    goOnline(deviceId: string): ReceivedMessage[] {
      offline.delete(deviceId)
      const delivered = [...(held.get(deviceId)?.values() ?? [])]
      held.delete(deviceId)
      messages.push(...delivered)
      return delivered
    },
    /** Answers the device's next requests with these statuses, in order; then 201 again. */
    respond(deviceId: string, ...next: Answer[]): void {
      answers.set(deviceId, [...(answers.get(deviceId) ?? []), ...next])
    },
    accepted: (deviceId: string) => accepted.get(deviceId) ?? 0,
    requests: (deviceId: string) => requests.get(deviceId) ?? 0,
    acceptedCounts: () => new Map(accepted),
    get acceptedTotal() {
      return acceptedTotal
    },
    get lastAcceptedAt() {
      return lastAcceptedAt
    },
    messages: (deviceId?: string) =>
      deviceId ? messages.filter((m) => m.deviceId === deviceId) : [...messages],
    /** Requests refused because they broke RFC 8030/8291/8292: a test expects none. */
    errors,
    reset(): void {
      accepted.clear()
      requests.clear()
      messages.length = 0
      errors.length = 0
      answers.clear()
      offline.clear()
      held.clear()
      acceptedTotal = 0
    },
    async close(): Promise<void> {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type PushService = Awaited<ReturnType<typeof startPushService>>

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}
