/**
 * Where browsers fetch signed S3 URLs from (BACKLOT_S3_MEDIA_DELIVERY=redirect). Pure functions of the
 * config, without the AWS SDK, because pages need the origin for their Content-Security-Policy
 * (img-src) and config validation needs it at start-up. It is derived configuration, so it lives
 * here and the S3 store imports it (the kernel's config imports no other folder).
 * `media-store/s3-media-store.test.ts` checks it against the URLs the SDK actually signs.
 */
import { isIP } from 'node:net'
import type { S3Config } from './config.js'

/**
 * The endpoint signed URLs are made for: BACKLOT_S3_PUBLIC_ENDPOINT, else BACKLOT_S3_ENDPOINT, else AWS's regional
 * endpoint. The signer is always given this endpoint explicitly, so `s3BrowserOrigin` only has to
 * follow the SDK's rule for custom endpoints.
 */
export function s3BrowserEndpoint(s3: Pick<S3Config, 'endpoint' | 'publicEndpoint' | 'region'>): string {
  if (s3.publicEndpoint) return s3.publicEndpoint
  if (s3.endpoint) return s3.endpoint
  return `https://s3.${s3.region}.amazonaws.com${s3.region.startsWith('cn-') ? '.cn' : ''}`
}

/**
 * The origin (`scheme://host[:port]`) of every signed URL. The SDK puts the bucket in the host name
 * (virtual-hosted style) unless path style is forced, the endpoint host is an IP address, or the
 * bucket name is not one DNS label (dots, capitals, underscores…); then it goes in the path.
 */
export function s3BrowserOrigin(s3: S3Config): string {
  const base = new URL(s3BrowserEndpoint(s3))
  const isIpHost = isIP(base.hostname.replace(/^\[|\]$/g, '')) !== 0
  if (s3.forcePathStyle || isIpHost || !VIRTUAL_HOSTABLE_BUCKET.test(s3.bucket)) return base.origin
  return `${base.protocol}//${s3.bucket}.${base.host}`
}

const VIRTUAL_HOSTABLE_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/
