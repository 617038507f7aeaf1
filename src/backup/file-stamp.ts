/** `20250114-093005`: file-name-safe UTC time for backup and set-aside names. */
export function fileStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replaceAll('-', '')
    .replaceAll(':', '')
    .replace('T', '-')
}
