import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Language, negotiateLanguage } from '../i18n/index.js'

/**
 * The language to answer this request in: the logged-in person's setting, else the browser's
 * Accept-Language (src/i18n/negotiate.ts). Needs the auth hook to have run for the setting to count.
 */
export function requestLanguage(req: FastifyRequest): Language {
  return negotiateLanguage(req.headers['accept-language'], req.auth?.account.language)
}

/**
 * Marks an answer as being in `language`. `Vary: Accept-Language` tells caches that the same URL
 * answers in other languages for other browsers.
 */
export function markLanguage(reply: FastifyReply, language: Language): void {
  reply.header('content-language', language)
  const vary = String(reply.getHeader('vary') ?? '')
  if (!/(^|,)\s*accept-language\s*(,|$)/i.test(vary))
    reply.header('vary', vary ? `${vary}, Accept-Language` : 'Accept-Language')
}
