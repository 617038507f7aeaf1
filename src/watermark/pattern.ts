import { createHash } from 'node:crypto'

/**
 * The geometry of the mark. The pattern is a TILE×TILE pixel tile, repeated over the whole image,
 * made of CELLS×CELLS pseudo-random ±1 cells (8 pixels each) blended smoothly into each other. The
 * tile is what lets a crop and a resize be undone at detection: whatever part of the image is left,
 * every whole tile in it carries the same pattern, and the tile period gives the scale.
 */
export const TILE = 128
export const CELLS = 16
/** Detection folds the image onto this many bins per tile side: two per cell. */
export const BINS = 32

/** A recipient's key: 32 secret bytes (see `watermarkKey`). */
export type WatermarkKey = Buffer

/**
 * The key of a link, derived from what the server already keeps secret about it (the SHA-256 of
 * its token): no new secret to store, and every link ever issued keeps a distinct key.
 */
export function watermarkKey(linkSecretHash: string): WatermarkKey {
  return createHash('sha256').update('backlot-watermark-v1\0').update(linkSecretHash).digest()
}

/** The key's CELLS×CELLS signs, row by row, from SHA-256 in counter mode. */
export function cellSigns(key: WatermarkKey): Float32Array {
  const signs = new Float32Array(CELLS * CELLS)
  const bytesNeeded = signs.length / 8
  const stream: Buffer[] = []
  for (let block = 0; stream.length * 32 < bytesNeeded; block++) {
    stream.push(createHash('sha256').update(key).update(String(block)).digest())
  }
  const bits = Buffer.concat(stream)
  for (let i = 0; i < signs.length; i++) signs[i] = (bits[i >> 3]! >> (i & 7)) & 1 ? 1 : -1
  return signs
}

/**
 * The pattern sampled on an n×n grid over one tile (n = TILE to embed, BINS to detect): bilinear
 * blending between cell centres, wrapping at the tile's edges so the tiling has no seams. Values
 * lie in [-1, 1].
 */
export function sampledTile(signs: Float32Array, n: number): Float32Array {
  const tile = new Float32Array(n * n)
  const cellOf = (i: number) => {
    const pos = ((i + 0.5) / n) * CELLS - 0.5
    const c0 = Math.floor(pos)
    return { c0: (c0 + CELLS) % CELLS, c1: (c0 + 1) % CELLS, f: pos - c0 }
  }
  for (let y = 0; y < n; y++) {
    const cy = cellOf(y)
    for (let x = 0; x < n; x++) {
      const cx = cellOf(x)
      const top = signs[cy.c0 * CELLS + cx.c0]! * (1 - cx.f) + signs[cy.c0 * CELLS + cx.c1]! * cx.f
      const bottom = signs[cy.c1 * CELLS + cx.c0]! * (1 - cx.f) + signs[cy.c1 * CELLS + cx.c1]! * cx.f
      tile[y * n + x] = top * (1 - cy.f) + bottom * cy.f
    }
  }
  return tile
}
