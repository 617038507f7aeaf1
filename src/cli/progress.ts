/**
 * A per-file progress bar on stderr. On a terminal it is one line redrawn in place (`\r`) as bytes
 * go out; anywhere else (a log file, CI) a line per file once it is done, so logs stay readable.
 */
export interface ProgressBar {
  /** `sent` of `total` bytes are out. */
  update(sent: number): void
  /** Ends the file's line with a note ("ready", "failed"…). */
  finish(note: string): void
}

const BAR_WIDTH = 24
const REDRAW_MS = 80

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

/** A text bar: `[#########...............]  38%  1.1/2.9 MB`. */
export function renderBar(sent: number, total: number): string {
  const ratio = total === 0 ? 1 : Math.min(1, sent / total)
  const filled = Math.round(ratio * BAR_WIDTH)
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4)
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}  ${formatBytes(sent)}/${formatBytes(total)}`
}

export function createProgressBar(out: NodeJS.WriteStream, label: string, total: number): ProgressBar {
  const isTty = out.isTTY === true
  let sent = 0
  let drawnAt = 0
  const draw = () => out.write(`\r${label} ${renderBar(sent, total)}`)
  return {
    update(bytes) {
      sent = bytes
      if (!isTty) return
      const now = Date.now()
      // Redraw at most every REDRAW_MS (and always at the end): a big file sends thousands of chunks.
      if (now - drawnAt < REDRAW_MS && sent < total) return
      drawnAt = now
      draw()
    },
    finish(note) {
      if (isTty) {
        draw()
        out.write(`  ${note}\n`)
      } else {
        out.write(`${label} ${formatBytes(sent)}/${formatBytes(total)} sent  ${note}\n`)
      }
    },
  }
}
