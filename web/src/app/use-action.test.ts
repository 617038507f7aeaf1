// @vitest-environment happy-dom
import { h, render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type ActionOptions, useAction } from './use-action.js'

type Action = ReturnType<typeof useAction>

/** A promise the test settles by hand, to look at the hook while an action is in flight. */
function gate() {
  let open!: () => void
  let fail!: (e: unknown) => void
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  return { promise, open, fail }
}

describe('useAction', () => {
  let root: HTMLElement
  let current: Action
  beforeEach(() => {
    root = document.createElement('div')
    document.body.append(root)
  })
  afterEach(() => {
    render(null, root)
    root.remove()
  })

  async function mount(options?: ActionOptions) {
    function Probe() {
      current = useAction(options)
      return null
    }
    await act(() => render(h(Probe, {}), root))
  }

  it('is busy while the action runs, then true with no error', async () => {
    await mount()
    const step = gate()
    let result: Promise<boolean> | undefined
    await act(() => {
      result = current.run(() => step.promise)
    })
    expect(current.busy).toBe(true)
    await act(async () => step.open())
    expect(await result).toBe(true)
    expect(current).toMatchObject({ busy: false, error: null })
  })

  it('keeps a failure as the error and resolves false; the next run clears it', async () => {
    await mount()
    const refused = new Error('refused')
    let ok: boolean | undefined
    await act(async () => {
      ok = await current.run(() => Promise.reject(refused))
    })
    expect(ok).toBe(false)
    expect(current).toMatchObject({ busy: false, error: refused })
    await act(async () => {
      ok = await current.run(async () => {})
    })
    expect(ok).toBe(true)
    expect(current.error).toBeNull()
  })

  it('runs `after` once the action settles, whether it worked or not', async () => {
    let calls = 0
    await mount({ after: () => calls++ })
    await act(async () => {
      await current.run(async () => {})
    })
    expect(calls).toBe(1)
    await act(async () => {
      await current.run(() => Promise.reject(new Error('refused')))
    })
    expect(calls).toBe(2)
    expect(current).toMatchObject({ busy: false, error: new Error('refused') })
  })

  it('stays busy until `after` is done, and shows the failure of `after` as the error', async () => {
    const reload = gate()
    await mount({ after: () => reload.promise })
    let result: Promise<boolean> | undefined
    await act(() => {
      result = current.run(async () => {})
    })
    await act(async () => {})
    expect(current.busy).toBe(true)
    const lost = new Error('reload failed')
    await act(async () => reload.fail(lost))
    // The action itself worked: `run` says so, and the reload's failure is what is shown.
    expect(await result).toBe(true)
    expect(current).toMatchObject({ busy: false, error: lost })
  })
})
