import os from 'node:os'
import path from 'node:path'
import { ConfigError } from './variables.js'

/**
 * Variables read by the command-line client (`backlot post`), not by the server: where the server
 * is and which API token to use. Listed here so the server does not warn about them as unknown.
 */
export const clientVariableNames = ['BACKLOT_URL', 'BACKLOT_TOKEN', 'BACKLOT_UPLOAD_STATE'] as const

export interface ClientEnv {
  /** Base URL of the Backlot server (BACKLOT_URL), without a trailing slash. */
  serverUrl: string
  /** API token (BACKLOT_TOKEN), if set. */
  token: string | undefined
  /**
   * Where `backlot post` remembers the URLs of resumable uploads not finished yet, so that running
   * the same command again resumes them (BACKLOT_UPLOAD_STATE; by default
   * `$XDG_STATE_HOME/backlot/uploads.json`, i.e. `~/.local/state/backlot/uploads.json`).
   */
  uploadStateFile: string
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080'

/**
 * The client's settings: command-line values win over the environment. Throws `ConfigError` naming
 * the variable (or option) whose URL is not an http(s) URL.
 */
export function readClientEnv(
  options: { server?: string; token?: string },
  env: Record<string, string | undefined> = process.env,
): ClientEnv {
  const name = options.server !== undefined ? '--server' : 'BACKLOT_URL'
  const raw = options.server ?? env.BACKLOT_URL ?? DEFAULT_SERVER_URL
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(raw)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(raw)}`)
  }
  const token = options.token ?? (env.BACKLOT_TOKEN?.trim() || undefined)
  const stateHome = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state')
  const uploadStateFile = env.BACKLOT_UPLOAD_STATE || path.join(stateHome, 'backlot', 'uploads.json')
  return { serverUrl: url.href.replace(/\/+$/, ''), token, uploadStateFile }
}
