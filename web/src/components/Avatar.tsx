import type { JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { paintBlurhash } from '../app/blurhash.js'
import type { Channel, ChannelAvatar } from '../app/types.js'

// Layers of the image avatar, stacked inside the .avatar disc (styles.css gives its size and shape).
const layer: JSX.CSSProperties = { position: 'absolute', inset: '0', width: '100%', height: '100%' }

/**
 * The channel's avatar: its image cropped to a circle, over its blurhash while the image loads;
 * the channel's initial on a tinted disc when it has none, or when the image cannot be loaded.
 */
export function Avatar({ channel, small }: { channel: Pick<Channel, 'title' | 'avatar'>; small?: boolean }) {
  const cls = small ? 'avatar small' : 'avatar'
  const [failedUrl, setFailedUrl] = useState<string | null>(null)
  const avatar = channel.avatar
  if (avatar && failedUrl !== avatar.url) {
    return <AvatarImage cls={cls} avatar={avatar} title={channel.title} onError={setFailedUrl} />
  }
  const initial = [...channel.title.trim()][0]?.toUpperCase() ?? '?'
  return (
    <span class={cls} aria-hidden="true" data-avatar="initial">
      {initial}
    </span>
  )
}

function AvatarImage(props: {
  cls: string
  avatar: ChannelAvatar
  title: string
  onError: (url: string) => void
}) {
  const { avatar } = props
  const canvas = useRef<HTMLCanvasElement>(null)
  const img = useRef<HTMLImageElement>(null)
  const [loadedUrl, setLoadedUrl] = useState<string | null>(null)
  const loaded = loadedUrl === avatar.url
  useEffect(() => {
    if (canvas.current && avatar.blurhash) paintBlurhash(canvas.current, avatar.blurhash)
  }, [avatar.blurhash])
  useEffect(() => {
    // A cached image may finish before the handler is attached.
    if (img.current?.complete && img.current.naturalWidth > 0) setLoadedUrl(avatar.url)
  }, [avatar.url])
  const webp = avatar.variants.find((v) => v.format === 'webp')
  return (
    <span class={props.cls} style={{ position: 'relative', overflow: 'hidden' }} data-avatar="image">
      {!loaded && <canvas ref={canvas} width={32} height={32} style={layer} />}
      <picture>
        {webp && <source type="image/webp" srcset={webp.url} />}
        <img
          ref={img}
          src={avatar.url}
          alt={props.title}
          width={avatar.width}
          height={avatar.height}
          decoding="async"
          style={{ ...layer, objectFit: 'cover', opacity: loaded ? 1 : 0, transition: 'opacity 0.2s' }}
          onLoad={() => setLoadedUrl(avatar.url)}
          onError={() => props.onError(avatar.url)}
        />
      </picture>
    </span>
  )
}
