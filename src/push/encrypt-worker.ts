import { parentPort } from 'node:worker_threads'
import { encryptedLength, encryptPushPayload } from './ece.js'

/**
 * Worker thread of the encryption pool (encrypt-pool.ts): encrypts one payload for a list of
 * devices and answers with every body in one transferred buffer, so a chunk of a hundred devices
 * costs two messages between threads rather than two hundred.
 */
export interface EncryptJob {
  id: number
  payload: Uint8Array
  /** p256dh and auth (base64url) of each device, in turn. */
  keys: string[]
}

export interface EncryptAnswer {
  id: number
  /** Bodies back to back, each `bodyLength` bytes; the slot of a device in `errors` is unused. */
  bodies: ArrayBuffer
  bodyLength: number
  /** Per device: null, or why its message could not be encrypted. */
  errors: Array<string | null>
}

/** Encrypts `payload` for each device of the job (also the in-thread fallback of the pool). */
export function encryptJob(job: EncryptJob): EncryptAnswer {
  const payload = Buffer.from(job.payload.buffer, job.payload.byteOffset, job.payload.byteLength)
  const count = job.keys.length / 2
  const bodyLength = encryptedLength(payload.length)
  const buffer = new ArrayBuffer(count * bodyLength)
  const bodies = Buffer.from(buffer)
  const errors: Array<string | null> = []
  for (let i = 0; i < count; i++) {
    try {
      const p256dh = Buffer.from(job.keys[2 * i]!, 'base64url')
      const auth = Buffer.from(job.keys[2 * i + 1]!, 'base64url')
      const body = encryptPushPayload(payload, p256dh, auth)
      if (body.length !== bodyLength) throw new Error(`unexpected body length ${body.length}`)
      body.copy(bodies, i * bodyLength)
      errors.push(null)
    } catch (error) {
      errors.push((error as Error).message)
    }
  }
  return { id: job.id, bodies: buffer, bodyLength, errors }
}

parentPort?.on('message', (job: EncryptJob) => {
  const answer = encryptJob(job)
  parentPort!.postMessage(answer, [answer.bodies])
})
