import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './database.js'

/**
 * Issue 14, items 1 and 11: the SQLite settings Backlot's promises rest on. `synchronous = FULL`
 * (2) makes an acknowledged write survive a power loss, as docs/operations.md says; NORMAL (1)
 * only when asked for. `secure_delete` zeroes erased content in the file instead of leaving it in
 * free space.
 */
describe('SQLite settings', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function pragmas(sqliteSynchronous?: 'full' | 'normal') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backlot-pragma-'))
    dirs.push(dir)
    const location = path.join(dir, 'backlot.db')
    await using handle = await openDatabase({ kind: 'sqlite', location, schema: 'public', sqliteSynchronous })
    const read = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(handle.db)).rows[0] as object)[0]
    return { synchronous: await read('synchronous'), secureDelete: await read('secure_delete') }
  }

  it('syncs every commit (FULL) and zeroes deleted content by default', async () => {
    expect(await pragmas()).toEqual({ synchronous: 2, secureDelete: 1 })
    expect(await pragmas('full')).toEqual({ synchronous: 2, secureDelete: 1 })
  })

  it('uses NORMAL only when BACKLOT_SQLITE_SYNCHRONOUS=normal asks for it', async () => {
    expect(await pragmas('normal')).toEqual({ synchronous: 1, secureDelete: 1 })
  })
})
