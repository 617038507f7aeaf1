import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

/**
 * Conditional GET (RFC 9110 §13) for pages, feeds and oEmbed: If-None-Match wins over
 * If-Modified-Since; either matching answers 304 with no body. Last-Modified has second precision,
 * so it is compared in seconds. Without a Last-Modified (null) only If-None-Match can match.
 */
export function isNotModified(req: FastifyRequest, etag: string, lastModified: number | null): boolean {
  const inm = req.headers['if-none-match']
  if (inm !== undefined) {
    return inm.split(',').some((tag) => {
      const t = tag.trim()
      return t === '*' || t === etag || t === `W/${etag}`
    })
  }
  const ims = req.headers['if-modified-since']
  if (ims === undefined || lastModified === null) return false
  const since = Date.parse(ims)
  return !Number.isNaN(since) && Math.floor(lastModified / 1000) <= Math.floor(since / 1000)
}

/**
 * A strong ETag for `body` as seen by `viewer`: 'public' for what every allowed reader gets alike,
 * an account id (or a preview token's id) for a personal page — so a validator of one viewer's
 * page never matches another viewer's.
 */
export function strongEtag(viewer: string, body: string): string {
  return `"${createHash('sha256').update(viewer).update('\n').update(body).digest('base64url').slice(0, 32)}"`
}
