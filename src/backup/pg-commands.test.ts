import { describe, expect, it } from 'vitest'
import { pgDumpInstructions, pgRestoreInstructions, redactPassword, shellQuote } from './pg-commands.js'

describe('PostgreSQL backup and restore instructions', () => {
  const database = {
    kind: 'postgres' as const,
    location: 'postgres://backlot:s3cr%27et@db.internal:5432/backlot?sslmode=require',
    schema: 'backlot',
  }

  it('never print the password of BACKLOT_DATABASE_URL, and say where it goes instead', () => {
    const lines = [...pgDumpInstructions(database, 'x.dump'), ...pgRestoreInstructions(database, 'x.dump')]
    expect(lines.join('\n')).not.toContain('s3cr')
    expect(lines.filter((l) => l.includes('PGPASSWORD'))).toHaveLength(2)
    expect(redactPassword(database.location)).toEqual({
      url: 'postgres://backlot@db.internal:5432/backlot?sslmode=require',
      hadPassword: true,
    })
  })

  it('print the exact pg_dump command for the configured schema, quoted for a POSIX shell', () => {
    expect(pgDumpInstructions(database, "week 11's.dump")[1]).toBe(
      "  pg_dump --format=custom --schema='backlot' --file='week 11'\\''s.dump' " +
        "'postgres://backlot@db.internal:5432/backlot?sslmode=require'",
    )
  })

  it('add no password note when there is none', () => {
    const plain = { ...database, location: 'postgres://backlot@127.0.0.1/backlot' }
    expect(pgDumpInstructions(plain, 'x.dump').join('\n')).not.toContain('PGPASSWORD')
  })

  it('quote anything for sh', () => {
    expect(shellQuote("a'b $HOME `x`")).toBe("'a'\\''b $HOME `x`'")
  })
})
