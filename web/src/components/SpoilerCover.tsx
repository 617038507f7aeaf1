import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { t } from '../app/i18n.js'
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
        <p class="label">
          {props.label ? t('spoiler.labelled', { label: props.label }) : t('spoiler.plain')}
        </p>
        <button
          type="button"
          onClick={() => {
            if (remember) spoilers.reveal('post', props.postId)
            setOpen(true)
          }}
        >
          {t('spoiler.showPost')}
        </button>
      </div>
    </div>
  )
}
