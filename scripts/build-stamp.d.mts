/** Types of build-stamp.mjs, for the tests. */
export const STAMP: string
export function sourceHash(root?: string): string
export function isBuildCurrent(root?: string): boolean
export function beginStamp(root?: string): void
export function writeStamp(root?: string): void
