import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createFederation,
  exportJwk,
  type Federation,
  generateCryptoKeyPair,
  importJwk,
  MemoryKvStore,
} from '@fedify/fedify'
import '../../src/federation/node20.js'
import { Accept, type Activity, Create, Delete, Endpoints, Person, Reject, Update } from '@fedify/vocab'

/**
 * A second fediverse instance in the test process (issue 18 part 2 tests): its own Fedify Federation
 * on a loopback port with one Person per name, which follows, likes and votes like a Mastodon
 * account would, and records every activity its inbox accepts (signature verified by Fedify).
 */
export interface RemoteInstance {
  origin: string
  port: number
  federation: Federation<void>
  /** Activities received, in order, compacted to JSON-LD. */
  received: { type: string; json: Record<string, unknown>; recipient: string | null }[]
  actorUri(name: string): URL
  close(): Promise<void>
}

type KeyPair = Awaited<ReturnType<typeof generateCryptoKeyPair>>

export async function startRemoteInstance(): Promise<RemoteInstance> {
  const server = http.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  const federation = createFederation<void>({ kv: new MemoryKvStore(), allowPrivateAddress: true })
  const keys = new Map<string, KeyPair[]>()
  const received: RemoteInstance['received'] = []

  federation
    .setActorDispatcher('/users/{identifier}', async (ctx, name) => {
      const pairs = await ctx.getActorKeyPairs(name)
      return new Person({
        id: ctx.getActorUri(name),
        preferredUsername: name,
        name: `Remote ${name}`,
        inbox: ctx.getInboxUri(name),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pairs[0]?.cryptographicKey ?? null,
        assertionMethods: pairs.map((p) => p.multikey),
      })
    })
    .setKeyPairsDispatcher(async (_ctx, name) => {
      if (!keys.has(name)) {
        // Round-tripped through JWK, as a real instance stores them.
        const pairs = [
          await generateCryptoKeyPair('RSASSA-PKCS1-v1_5'),
          await generateCryptoKeyPair('Ed25519'),
        ]
        keys.set(
          name,
          await Promise.all(
            pairs.map(async (p) => ({
              publicKey: await importJwk(await exportJwk(p.publicKey), 'public'),
              privateKey: await importJwk(await exportJwk(p.privateKey), 'private'),
            })),
          ),
        )
      }
      return keys.get(name)!
    })
  const record = async (ctx: { recipient: string | null }, activity: Activity) => {
    received.push({
      type: activity.constructor.name,
      json: (await activity.toJsonLd({ format: 'compact' })) as Record<string, unknown>,
      recipient: ctx.recipient,
    })
  }
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .on(Accept, record)
    .on(Reject, record)
    .on(Create, record)
    .on(Update, record)
    .on(Delete, record)

  server.on('request', async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
    const request = new Request(new URL(req.url ?? '/', origin), {
      method: req.method,
      headers,
      body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    })
    const response = await federation.fetch(request, { contextData: undefined })
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })

  return {
    origin,
    port,
    federation,
    received,
    actorUri: (name) => new URL(`/users/${name}`, origin),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
