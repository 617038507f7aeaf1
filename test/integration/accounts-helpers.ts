import type { ApiResponse } from '../_util/client.js'
import type { TestServer } from '../_util/server.js'

/** Shared by the accounts test files: cookie parsing and database counts. */
export const PASSWORD = 'correct horse battery'

/** The full Set-Cookie line for the session cookie, or undefined. */
export function sessionSetCookie(res: ApiResponse): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith('backlot_session='))
}

/** `backlot_session=…` as a Cookie header value. */
export function sessionCookie(res: ApiResponse): string {
  const line = sessionSetCookie(res)
  if (!line) throw new Error(`no session cookie in response (status ${res.status})`)
  return line.split(';')[0]!
}

export function cookieAttributes(line: string): Map<string, string> {
  const parts = line.split(';').slice(1)
  return new Map(
    parts.map((part) => {
      const [name, ...value] = part.trim().split('=')
      return [name!.toLowerCase(), value.join('=')]
    }),
  )
}

export async function countRows(
  server: TestServer,
  table: 'account' | 'session' | 'api_token',
): Promise<number> {
  const row = await server.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
