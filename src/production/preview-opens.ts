import type { Db, DbOrTx } from '../db/database.js'

/**
 * Opens of press preview links (issue 16): staff see whether and when the journalist opened the
 * link — a count, the last time and the times of the latest opens, nothing about who (no address,
 * no user agent). An open is a request for the preview page with a valid link, whoever makes it
 * (a chat app unfurling the link counts too); its images are not opens. Bounded work per open: one
 * update, one insert and one indexed delete that keeps the latest OPENS_KEPT times per link, so a
 * link opened in a loop (rate limited like every page) cannot grow the table. Deleting a link (as
 * deleting its post does) deletes its opens (foreign key cascade).
 */

/** Open times kept per link; the count goes on beyond it. */
export const OPENS_KEPT = 50

/** Records one open of the link `previewId` at `now`. */
export async function recordOpen(db: Db, previewId: string, now: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('press_preview')
      .set((eb) => ({ opens: eb('opens', '+', 1), last_opened_at: now }))
      .where('id', '=', previewId)
      .execute()
    await tx.insertInto('press_preview_open').values({ preview_id: previewId, opened_at: now }).execute()
    await tx
      .deleteFrom('press_preview_open')
      .where('preview_id', '=', previewId)
      .where('opened_at', '<', (eb) =>
        eb
          .selectFrom('press_preview_open')
          .select('opened_at')
          .where('preview_id', '=', previewId)
          .orderBy('opened_at', 'desc')
          .limit(1)
          .offset(OPENS_KEPT - 1),
      )
      .execute()
  })
}

/** The kept open times of these links, newest first, by link id (one query). */
export async function openTimesOf(db: DbOrTx, previewIds: readonly string[]): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(previewIds.map((id) => [id, []]))
  if (previewIds.length === 0) return times
  const rows = await db
    .selectFrom('press_preview_open')
    .select(['preview_id', 'opened_at'])
    .where('preview_id', 'in', previewIds)
    .orderBy('opened_at', 'desc')
    .execute()
  for (const row of rows) times.get(row.preview_id)?.push(row.opened_at)
  return times
}
