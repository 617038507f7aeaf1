import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client } from '../_util/client.js'
import { plainJpeg } from '../_util/images.js'
import { seedAccount, seedChannel } from '../_util/seed.js'
import { startTestServer, type TestServer } from '../_util/server.js'
import { pause, RawConnection } from '../_util/sockets.js'
import { SseReader, StreamClient } from '../_util/stream.js'

/**
 * Issue 14, item 4: connections are bounded in time. Each test holds a misbehaving socket open
 * against the real server and checks that the server closes it, while other clients are served.
 *
 * SQLite only: these are properties of the HTTP server's sockets, which do not touch the database
 * (the one upload that does is ordinary media code, tested on both databases elsewhere).
 * Timeouts are set to a second or two so the tests run fast; nothing asserts how long a close
 * took, only that it came.
 */
const HEADERS = 'Host: backlot.test\r\n'

describe('connection timeouts (headers, body, keep-alive)', () => {
  let server: TestServer
  const open: RawConnection[] = []
  const connect = async () => {
    const connection = await RawConnection.open(server.url)
    open.push(connection)
    return connection
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      env: {
        BACKLOT_HTTP_HEADERS_TIMEOUT_SECONDS: '1',
        BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS: '1',
        BACKLOT_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1',
        BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS: '30',
        BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0',
      },
    })
  })

  afterAll(async () => {
    for (const connection of open) connection.destroy()
    await server.destroy()
  })

  it('closes a connection dribbling its headers (slowloris) while others are served', async () => {
    const slow = await connect()
    slow.write(`GET /healthz HTTP/1.1\r\n${HEADERS}`)
    const dribble = (async () => {
      for (let i = 0; !slow.isClosed && i < 200; i++) {
        slow.write(`X-Slow-${i}: still coming\r\n`)
        await pause(100)
      }
    })()
    expect((await client(server.url).get('/healthz')).status).toBe(200)
    await slow.waitClosed()
    await dribble
    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('answers 408 request-timeout to a body that never completes, while a slower upload completes', async () => {
    const upload = trickleUpload()
    const slow = await connect()
    slow.write(
      `POST /api/v1/sessions HTTP/1.1\r\n${HEADERS}Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{"handle":`,
    )
    expect((await client(server.url).get('/healthz')).status).toBe(200)
    await slow.waitClosed()
    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /)
    const body = JSON.parse(slow.received.slice(slow.received.indexOf('\r\n\r\n') + 4))
    expect(body).toMatchObject({ status: 408, code: 'request-timeout' })
    // The image upload has its own, longer deadline (BACKLOT_HTTP_UPLOAD_TIMEOUT_SECONDS).
    const uploaded = await upload
    await expect.poll(() => uploaded.received).toMatch(/^HTTP\/1\.1 20[12] /)
    expect(uploaded.isClosed).toBe(false)
  })

  /** An image upload sent over about 2.5 s, more than twice BACKLOT_HTTP_REQUEST_TIMEOUT_SECONDS. */
  async function trickleUpload(): Promise<RawConnection> {
    const owner = await seedAccount(server.ctx, 'uploader')
    await seedChannel(server.ctx, owner.account, { slug: 'slow-link' })
    const boundary = 'backlot-slow-upload'
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="set.jpg"\r\n` +
          'Content-Type: image/jpeg\r\n\r\n',
      ),
      await plainJpeg(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const upload = await connect()
    upload.write(
      `POST /api/v1/media HTTP/1.1\r\n${HEADERS}Authorization: Bearer ${owner.token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    const step = Math.ceil(body.length / 6)
    for (let at = 0; at < body.length; at += step) {
      await pause(400)
      upload.write(body.subarray(at, at + step))
    }
    return upload
  }

  it('closes a keep-alive connection that sends no next request', async () => {
    const kept = await connect()
    kept.write(`GET /healthz HTTP/1.1\r\n${HEADERS}\r\n`)
    await expect.poll(() => kept.received).toMatch(/^HTTP\/1\.1 200 /)
    expect(kept.received).toMatch(/keep-alive: timeout=1/i)
    await kept.waitClosed()
  })
})

describe('idle timeout', () => {
  let server: TestServer
  const cleanup: (() => void)[] = []

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      env: {
        BACKLOT_HTTP_IDLE_TIMEOUT_SECONDS: '1',
        BACKLOT_HTTP_HEADERS_TIMEOUT_SECONDS: '60',
        BACKLOT_MEDIA_PROCESSING_WAIT_SECONDS: '0',
        // Far apart, so only the idle timeout could end a quiet stream in this test.
        BACKLOT_STREAM_HEARTBEAT_SECONDS: '60',
      },
    })
    const owner = await seedAccount(server.ctx, 'owner')
    await seedChannel(server.ctx, owner.account, { slug: 'quiet-set' })
  })

  afterAll(async () => {
    for (const close of cleanup) close()
    await server.destroy()
  })

  it('closes a connection that sends nothing, but not a quiet WebSocket or SSE stream', async () => {
    const ws = await StreamClient.open(server.url)
    cleanup.push(() => ws.ws.terminate())
    ws.subscribe('quiet-set')
    await ws.waitFor((f) => f.type === 'subscribed')
    const sse = await SseReader.open(`${server.url}/api/v1/channels/quiet-set/events`)
    cleanup.push(() => sse.close())
    await sse.waitFor((m) => m.event === 'subscribed')

    const silent = await RawConnection.open(server.url)
    cleanup.push(() => silent.destroy())
    await silent.waitClosed()
    expect(silent.received).toBe('')

    // Several idle timeouts later, both streams still stand and still carry frames.
    await pause(2500)
    expect(ws.ws.readyState).toBe(ws.ws.OPEN)
    expect(sse.isEnded).toBe(false)
    ws.send({ op: 'unsubscribe', channel: 'quiet-set' })
    await ws.waitFor((f) => f.type === 'unsubscribed')
  })
})
