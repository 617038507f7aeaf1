import type { Readable } from 'node:stream'
import yazl from 'yazl'
import { rangeLabel } from './digests.js'
import type { KitPost } from './press-kit-subject.js'
import type { KitImageFile, OpenedPressKit } from './press-kits.js'

/** A kit's post as the manifest describes it. */
function postEntry({ record, post }: KitPost) {
  const isPublished = record.status === 'published'
  return {
    id: post.id,
    url: post.url,
    caption: post.text,
    author: post.author.displayName,
    published: isPublished,
    embargoUntil: isPublished || post.publishAt === null ? null : new Date(post.publishAt).toISOString(),
  }
}

/**
 * What `manifest.json` in a kit's zip says: the kit, its post (a post's kit) or its digest and
 * posts in order (a digest's kit), then each image with its file and the id of its post.
 */
export function kitManifest(opened: OpenedPressKit, files: readonly KitImageFile[], now: number) {
  const { kit, channel, digest, posts } = opened
  const subject =
    digest === null
      ? { post: postEntry(posts[0]!) }
      : {
          digest: {
            id: digest.id,
            url: opened.digestUrl,
            title: digest.title,
            intro: digest.intro,
            range: rangeLabel(digest),
          },
          posts: posts.map(postEntry),
        }
  return {
    format: 'backlot-press-kit/1',
    channel: { slug: channel.slug, title: channel.title },
    ...subject,
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
      post: f.post.id,
      n: f.image.n,
      caption: f.image.alt,
      credit: f.image.credit,
      rights: f.image.rights,
      width: f.width,
      height: f.height,
    })),
    omittedImages: opened.omittedImages,
  }
}

/**
 * The kit's zip: `manifest.json` (above), `captions.txt` for people, and the marked images (the
 * largest processed JPEG of each, stored without compression). Built from bytes already in memory
 * (at most KIT_IMAGES_MAX images), streamed out as yazl writes it.
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

type Manifest = ReturnType<typeof kitManifest>
type PostEntry = ReturnType<typeof postEntry>

function postLines(post: PostEntry, images: Manifest['images']): string[] {
  return [
    post.url,
    post.embargoUntil ? `EMBARGOED UNTIL ${post.embargoUntil}` : 'Published',
    '',
    post.caption,
    '',
    ...images
      .filter((i) => i.post === post.id)
      .map((i) =>
        [`${i.file}: ${i.caption || '(no caption)'}`, i.credit ? `© ${i.credit}` : null, i.rights]
          .filter(Boolean)
          .join(' — '),
      ),
  ]
}

function captions(m: Manifest): string {
  const head = [
    `${m.channel.title} — press kit`,
    `Issued to: ${[m.issuedTo.recipient, m.issuedTo.outlet].filter(Boolean).join(', ')}`,
    `Press contact: ${m.contact}`,
    ...(m.usageNote ? [`Usage: ${m.usageNote}`] : []),
    m.notice,
    ...(m.omittedImages > 0 ? [`${m.omittedImages} more images are not in this kit.`] : []),
    '',
  ]
  // A post's kit has `post`; a digest's has `digest` and `posts` (kitManifest).
  const body = m.post
    ? postLines(m.post, m.images)
    : [
        `${m.digest!.title} — ${m.digest!.range}`,
        m.digest!.url ?? '',
        ...(m.digest!.intro ? [m.digest!.intro] : []),
        ...m.posts!.flatMap((p, i) => ['', `${i + 1}.`, ...postLines(p, m.images)]),
      ]
  return `${[...head, ...body].join('\n')}\n`
}
