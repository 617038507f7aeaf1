/**
 * A backup or restore that cannot go ahead for a reason the operator can fix (a server still running,
 * a file that is not a Backlot database). The CLI prints its message as one line and exits 1; it is
 * raised before anything was changed.
 */
export class BackupRefusal extends Error {
  override name = 'BackupRefusal'
}

export function refuse(message: string): never {
  throw new BackupRefusal(message)
}
