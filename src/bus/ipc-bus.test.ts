import { describe } from 'vitest'
import { ipcChannel } from '../../test/_util/ipc.js'
import { testBusContract } from './bus.contract.js'
import { IpcBus, relayBus } from './ipc-bus.js'

describe('IpcBus (workers relayed by the cluster primary)', () => {
  testBusContract(async () => {
    const relay = relayBus()
    const one = ipcChannel()
    const two = ipcChannel()
    const detach = [relay.attach(one.primary), relay.attach(two.primary)]
    return {
      a: new IpcBus(one.worker),
      b: new IpcBus(two.worker),
      close: async () => {
        for (const d of detach) d()
        one.worker.disconnect()
        two.worker.disconnect()
      },
    }
  })
})
