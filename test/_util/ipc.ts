import { EventEmitter } from 'node:events'
import type { IpcPort } from '../../src/ipc/ipc-port.js'

/**
 * Both ends of one IPC channel, in process: like node's, messages are serialised and arrive
 * asynchronously, in order; sending on a closed channel throws. The real channel between cluster
 * processes is covered by test/cluster/workers.test.ts.
 */
export function ipcChannel(): { worker: IpcPort & { disconnect(): void }; primary: IpcPort } {
  const toWorker = new EventEmitter()
  const toPrimary = new EventEmitter()
  let isOpen = true
  const sender = (target: EventEmitter) => (message: unknown) => {
    if (!isOpen) throw Object.assign(new Error('Channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' })
    const copy = JSON.parse(JSON.stringify(message))
    setImmediate(() => target.emit('message', copy))
    return true
  }
  return {
    worker: {
      send: sender(toPrimary),
      on: (event, listener) => toWorker.on(event, listener),
      off: (event, listener) => toWorker.off(event, listener),
      disconnect: () => {
        isOpen = false
      },
    },
    primary: {
      send: sender(toWorker),
      on: (event, listener) => toPrimary.on(event, listener),
      off: (event, listener) => toPrimary.off(event, listener),
    },
  }
}
