import type { ComponentChildren } from 'preact'
import { onLinkClick } from '../app/router.js'

export function Link(props: {
  href: string
  class?: string
  children: ComponentChildren
  'aria-label'?: string
}) {
  return (
    <a href={props.href} class={props.class} aria-label={props['aria-label']} onClick={onLinkClick}>
      {props.children}
    </a>
  )
}
