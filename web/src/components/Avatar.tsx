import type { Channel } from '../app/types.js'

/** The channel's avatar image when it has one, else its initial on a tinted disc. */
export function Avatar({
  channel,
  small,
}: {
  channel: Pick<Channel, 'title' | 'avatarUrl'>
  small?: boolean
}) {
  const cls = small ? 'avatar small' : 'avatar'
  if (channel.avatarUrl) return <img class={cls} src={channel.avatarUrl} alt="" width={64} height={64} />
  const initial = [...channel.title.trim()][0]?.toUpperCase() ?? '?'
  return (
    <span class={cls} aria-hidden="true">
      {initial}
    </span>
  )
}
