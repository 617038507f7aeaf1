import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { spoilers } from '../app/spoilers.js'

/**
 * A spoiler post: its whole body stays hidden (not just blurred: not rendered) behind its label
 * until the reader taps; the reveal is remembered on this device.
 */
export function SpoilerCover(props: {
  postId: string
  label: string | null
  children: ComponentChildren
  remember?: boolean
}) {
  const remember = props.remember ?? true
  const [open, setOpen] = useState(() => remember && spoilers.isRevealed('post', props.postId))
  if (open) return <>{props.children}</>
  return (
    <div class="spoiler-cover">
      <div>
        <p class="label">{props.label ? `Spoiler: ${props.label}` : 'Spoiler'}</p>
        <button
          type="button"
          onClick={() => {
            if (remember) spoilers.reveal('post', props.postId)
            setOpen(true)
          }}
        >
          Show post
        </button>
      </div>
    </div>
  )
}
