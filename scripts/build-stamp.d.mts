/** Types of build-stamp.mjs, for the tests. */
export const STAMP: string
export const SERVER_STAMP: string
export function sourceHash(root?: string, inputs?: readonly string[]): string
export function isBuildCurrent(root?: string): boolean
export function isServerBuildCurrent(root?: string): boolean
export function beginStamp(root?: string): void
export function writeStamp(root?: string): void
export function ensureServerBuild(root?: string): number
