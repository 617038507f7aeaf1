import { startPushService } from '../../test/_util/push-service.js'

/**
 * The loopback push service of the tests (RFC 8292 token checks, http_ece decryption) in its own
 * process, so its work is not counted as the server's. It decrypts one message in 1,000 (a
 * sample proving the bytes are right) and only counts the rest.
 */
const service = await startPushService({ decryptEvery: 1000, keepMessages: false, keyPairs: 8 })

process.on('message', (message: { type: string; id?: string; n?: number; count?: number }) => {
  if (message.type === 'devices') {
    const devices = Array.from({ length: message.count! }, (_, i) => service.device(`d${message.n! + i}`, i))
    process.send!({ type: 'devices', devices })
  } else if (message.type === 'stats') {
    const counts = service.acceptedCounts()
    let duplicates = 0
    for (const n of counts.values()) if (n > 1) duplicates++
    process.send!({
      type: 'stats',
      accepted: service.acceptedTotal,
      distinct: counts.size,
      duplicates,
      lastAcceptedAt: service.lastAcceptedAt,
      errors: service.errors.slice(0, 5),
    })
  } else if (message.type === 'reset') {
    service.reset()
    process.send!({ type: 'reset' })
  } else if (message.type === 'stop') {
    void service.close().then(() => process.exit(0))
  }
})
process.send!({ type: 'ready', origin: service.origin })
