/**
 * Why a start decided the database is not the history this server last served, so the stream
 * epoch changed. Logged once at start; `detail` is written for the operator reading the log.
 */
export interface Replacement {
  reason:
    | 'backup-restored'
    | 'database-replaced'
    | 'sidecar-missing'
    | 'tables-recreated'
    | 'database-changed'
    | 'cluster-changed'
    | 'timeline-changed'
  detail: string
}
