import { parseArgs } from 'node:util'
import { runExport, runImport } from './cli/archives.js'
import { runBackup } from './cli/backup.js'
import { runChannel } from './cli/channels.js'
import { runDemo } from './cli/demo.js'
import { runDoctor } from './cli/doctor.js'
import { runFederation } from './cli/federation.js'
import { runMigrate } from './cli/migrate.js'
import { runPost } from './cli/post.js'
import { runReports } from './cli/reports.js'
import { runRestore } from './cli/restore.js'
import { runSearch } from './cli/search.js'
import { runServe } from './cli/serve.js'
import { runTrace } from './cli/trace.js'
import { runUser } from './cli/users.js'
import { ConfigError, configDocTable } from './config/config.js'
import { problemsDocTable } from './http/problems.js'

const usage = `Usage: backlot <command> [options]

Commands:
  serve [--workers N|auto]      start the server (migrates first); --workers runs N processes
                                sharing the port (see docs/operations.md)
  migrate                       apply pending database migrations and exit
  doctor                        check this deployment (database reachable and migrated, Redis in cluster
                                mode, media store writable, public URL, VAPID keys, clock): one line per
                                check; exit code 1 when one fails
  demo [--verbose]              seed a demo production channel (idempotent) and print its addresses and
                                logins (@demo_showrunner, @demo_cocreator); --verbose adds the log lines
                                ("serve --demo" does the same before serving)
  user create --handle H [--admin] [--display-name N] [--password P]
                                create an account (prints a generated password if none is given)
  user sessions --handle H      where the account is logged in (device, network, last seen)
  user logout --handle H        end every session of the account (its live streams close too)
  user list [--json]            every account: handle, name, admin, created, last seen, state
                                (active, suspended, deletion pending)
  user suspend --handle H [--reason R]
                                no login, no API token, sessions and live streams end; unsuspend undoes it
  user unsuspend --handle H     lift a suspension
  user delete --handle H [--now]
                                erase the account after the grace period (--now: at once); its channel
                                posts stay as "Former member" (docs/security.md)
  channel list [--json]         every channel: slug, title, owner, members, visibility, state (operators)
  channel suspend --slug S [--reason R]
                                suspend a channel: it answers 404 everywhere, its streams end, its staff
                                see the reason in the studio; channel unsuspend|hide|unhide --slug S
                                lift it, or hide it from public listings (still reachable by address);
                                channel feature|unfeature SLUG: list it first in the directory /c/;
                                --by H names the operator recorded in the audit log (default: the oldest)
  reports [--json] [--state open|resolved] [--resolve ID --action dismiss|hide|suspend [--reason R]]
                                the operators' queue of reported channels, or resolve one case
  federation block DOMAIN [--reason R] | unblock DOMAIN | blocks [--json] | health [--json]
                                the instance block list (a blocked domain and its subdomains are
                                refused at the inbox, never fetched or delivered to, and lose their
                                followers), or the instances deliveries fail to or gave up on
  search reindex                index published posts that search does not know yet (the server does
                                it once at its first start with search)
  post --channel SLUG [--text T] [--spoiler LABEL] [--alt A]… [--credit C]… [--rights R]…
       [--spoiler-image N[:LABEL]]… [--week N|--weeks N-M] [--chapter N]… [--location L] [--unit U]
       [--draft|--publish-at ISO] [--strict] [--server URL] [--token TOKEN] FILE…
                                upload images (progress on stderr) and publish them as one album with
                                its production tags, now, as a draft or scheduled; warns about files
                                without --alt (--strict refuses); prints the post URL (token/server
                                also from BACKLOT_TOKEN/BACKLOT_URL; "post --help" for details)
  backup [--output FILE]        SQLite: copy the live database to FILE (safe while serving; default
                                backups/backlot-<time>.db beside it); PostgreSQL: print the pg_dump command
  restore FILE                  SQLite: replace the database with a backup (server stopped; the old one is
                                kept aside) and change the stream epoch; PostgreSQL: print the pg_restore way
  export --channel SLUG --out FILE
                                write the channel's archive (docs/export-format.md) to FILE
  import ARCHIVE [--owner HANDLE] [--json]
                                read a channel archive into this server as a new channel (one
                                transaction; images re-processed); the owner defaults to the
                                archive's owner handle
  trace IMAGE [--channel SLUG] [--json]
                                which press preview or press kit link (and recipient) a leaked image was
                                served through, from its invisible watermark, with a score; or "no
                                watermark found" (docs/watermark.md)
  config-doc                    print the configuration table (docs/config.md)
  problems-doc                  print the problem-type table (docs/problems.md)

Configuration comes from environment variables; see docs/config.md.`

/** The CLI entry, and the only place that sets the process exit code. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'serve':
      return runServe(rest)
    case 'migrate':
      return runMigrate()
    case 'doctor':
      return runDoctor()
    case 'demo':
      return runDemo(rest)
    case 'user':
      return runUser(rest)
    case 'post':
      return runPost(rest)
    case 'channel':
      return runChannel(rest)
    case 'reports':
      return runReports(rest)
    case 'federation':
      return runFederation(rest)
    case 'search':
      return runSearch(rest)
    case 'backup':
      return runBackup(rest)
    case 'restore':
      return runRestore(rest)
    case 'export':
      return runExport(rest)
    case 'import':
      return runImport(rest)
    case 'trace':
      return runTrace(rest)
    case 'config-doc':
      console.log(configDocTable())
      return 0
    case 'problems-doc':
      console.log(problemsDocTable())
      return 0
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage)
      return command === undefined ? 1 : 0
    default:
      console.error(`backlot: unknown command "${command}". Run "backlot help".`)
      return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code
  },
  (error: unknown) => {
    // One plain line for every start-up failure: a bad variable, an unreachable database, a taken port.
    const message =
      error instanceof ConfigError ? `invalid configuration: ${error.message}` : errorLine(error)
    console.error(`backlot: ${message}`)
    process.exitCode = 1
  },
)

function errorLine(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code
    return code ? `${error.message} (${code})` : error.message
  }
  return String(error)
}

export { parseArgs }
