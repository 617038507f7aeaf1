import { useState } from 'preact/hooks'

export interface ActionOptions {
  /**
   * Runs after every action, whether it worked or not, while `busy` is still true: for refreshing
   * what the action may have changed. Its own failure is shown as the error.
   */
  after?: () => unknown
}

/**
 * Runs an action, keeping its error for display and telling whether it is in flight.
 * `run` resolves to true when the action worked; it never rejects. `setError` lets a component show
 * another failure (say, of its first load) in the same place.
 */
export function useAction(options: ActionOptions = {}) {
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await fn()
      return true
    } catch (e) {
      setError(e)
      return false
    } finally {
      const { after } = options
      if (after) await Promise.resolve().then(after).catch(setError)
      setBusy(false)
    }
  }
  return { error, setError, busy, run }
}
