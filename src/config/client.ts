import { ConfigError } from './variables.js'

/**
 * Variables read by the command-line client (`backlot post`), not by the server: where the server
 * is and which API token to use. Listed here so the server does not warn about them as unknown.
 */
export const clientVariableNames = ['BACKLOT_URL', 'BACKLOT_TOKEN'] as const

export interface ClientEnv {
  /** Base URL of the Backlot server (BACKLOT_URL), without a trailing slash. */
  serverUrl: string
  /** API token (BACKLOT_TOKEN), if set. */
  token: string | undefined
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
  return { serverUrl: url.href.replace(/\/+$/, ''), token }
}
