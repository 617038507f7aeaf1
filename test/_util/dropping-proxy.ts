import net from 'node:net'

/**
 * A loopback TCP proxy in front of an HTTP server that cuts the first connection carrying a PATCH
 * once `afterBytes` of it have gone through, as a set's network drops an upload halfway; every
 * later connection passes untouched. `requests` keeps the request lines and Upload-Offset headers
 * it saw, so a test can tell a resumed upload from one started over.
 */
export async function startDroppingProxy(targetPort: number, afterBytes: number) {
  let hasCut = false
  const requests: string[] = []
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    let patchBytes = -1
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1')
      for (const m of text.matchAll(/^(HEAD|PATCH|POST|GET|DELETE) (\S+) HTTP\/1\.1\r\n/gm)) {
        const offset = /\r\nupload-offset: (\d+)\r\n/i.exec(text.slice(m.index))
        requests.push(`${m[1]} ${offset ? offset[1] : '-'}`)
        if (m[1] === 'PATCH' && !hasCut) patchBytes = 0
      }
      if (patchBytes >= 0 && !hasCut) {
        patchBytes += chunk.length
        if (patchBytes > afterBytes) {
          hasCut = true
          upstream.write(chunk.subarray(0, chunk.length - (patchBytes - afterBytes)))
          setTimeout(() => {
            client.destroy()
            upstream.destroy()
          }, 100)
          return
        }
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => client.write(chunk))
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests,
    get hasCut() {
      return hasCut
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
