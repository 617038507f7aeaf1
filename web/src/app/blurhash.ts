import { decode } from 'blurhash'

const SIZE = 32

/**
 * Paints a blurhash onto a small canvas (32×32, stretched by CSS to the image's box): the
 * placeholder of an image that is loading, and the only thing shown of a hidden spoiler image.
 */
export function paintBlurhash(canvas: HTMLCanvasElement, hash: string): void {
  let pixels: Uint8ClampedArray
  try {
    pixels = decode(hash, SIZE, SIZE)
  } catch {
    return // a malformed hash leaves the neutral background
  }
  canvas.width = SIZE
  canvas.height = SIZE
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  const image = ctx.createImageData(SIZE, SIZE)
  image.data.set(pixels)
  ctx.putImageData(image, 0, 0)
}
