/**
 * Encodes an event as the JSON text frame clients receive (docs/protocol.md). `data` is already
 * JSON text, spliced in rather than parsed and re-serialised.
 */
export interface EventFrameInput {
  channel: string
  epoch: string
  seq: number
  id: string
  type: string
  at: number
  data: string
}

export function encodeEventFrame(e: EventFrameInput): string {
  return (
    `{"type":"event","channel":${JSON.stringify(e.channel)},"epoch":${JSON.stringify(e.epoch)},"seq":${e.seq},` +
    `"event":{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"at":${e.at},"data":${e.data}}}`
  )
}
