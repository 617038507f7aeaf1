import { errorMessage } from '../app/api.js'

/** Shows a failed request's problem `detail` (or any error's message), announced to screen readers. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null
  return (
    <div class="error-box" role="alert">
      {title && <strong>{title}: </strong>}
      {errorMessage(error)}
    </div>
  )
}
