import { useEffect, useRef } from 'preact/hooks'
import { paintBlurhash } from '../app/blurhash.js'

export function Blurhash({ hash }: { hash: string | null }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (ref.current && hash) paintBlurhash(ref.current, hash)
  }, [hash])
  return <canvas ref={ref} width={32} height={32} />
}
