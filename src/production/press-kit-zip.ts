import type { Readable } from 'node:stream'
import yazl from 'yazl'
import type { KitImageFile, OpenedPressKit } from './press-kits.js'

/** What `manifest.json` in a kit's zip says: the kit, then each image with its file. */
export function kitManifest(opened: OpenedPressKit, files: readonly KitImageFile[], now: number) {
  const { kit, channel, post, record } = opened
  const embargo = record.status === 'published' ? null : post.publishAt
  return {
    format: 'backlot-press-kit/1',
    channel: { slug: channel.slug, title: channel.title },
    post: {
      id: post.id,
      url: post.url,
      caption: post.text,
      author: post.author.displayName,
      published: record.status === 'published',
      embargoUntil: embargo === null ? null : new Date(embargo).toISOString(),
    },
    issuedTo: { recipient: kit.recipient, outlet: kit.outlet },
    contact: kit.contact,
    usageNote: kit.usage_note,
    notice:
      'Each image in this kit carries an invisible mark that identifies the link it was issued through.',
    issuedAt: new Date(kit.created_at).toISOString(),
    expiresAt: new Date(kit.expires_at).toISOString(),
    downloadedAt: new Date(now).toISOString(),
    images: files.map((f) => ({
      file: f.name,
      n: f.image.n,
      caption: f.image.alt,
      credit: f.image.credit,
      rights: f.image.rights,
      width: f.width,
      height: f.height,
    })),
  }
}

/**
 * The kit's zip: `manifest.json` (above), `captions.txt` for people, and the marked images (the
 * largest processed JPEG of each, stored without compression). Built from bytes already in memory
 * (a kit is one post's images, at most an album), streamed out as yazl writes it.
 */
export function kitZip(opened: OpenedPressKit, files: readonly KitImageFile[], now: number): Readable {
  const zip = new yazl.ZipFile()
  const mtime = new Date(now)
  const manifest = kitManifest(opened, files, now)
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime })
  zip.addBuffer(Buffer.from(captions(manifest)), 'captions.txt', { mtime })
  for (const f of files) zip.addBuffer(f.bytes, f.name, { mtime, compress: false })
  zip.end()
  return zip.outputStream as Readable
}

function captions(m: ReturnType<typeof kitManifest>): string {
  const lines = [
    `${m.channel.title} — press kit`,
    m.post.url,
    m.post.embargoUntil ? `EMBARGOED UNTIL ${m.post.embargoUntil}` : 'Published',
    `Issued to: ${[m.issuedTo.recipient, m.issuedTo.outlet].filter(Boolean).join(', ')}`,
    `Press contact: ${m.contact}`,
    ...(m.usageNote ? [`Usage: ${m.usageNote}`] : []),
    m.notice,
    '',
    m.post.caption,
    '',
    ...m.images.map((i) =>
      [`${i.file}: ${i.caption || '(no caption)'}`, i.credit ? `© ${i.credit}` : null, i.rights]
        .filter(Boolean)
        .join(' — '),
    ),
  ]
  return `${lines.join('\n')}\n`
}
