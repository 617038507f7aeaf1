/**
 * True when npm or npx started this process (npm sets `npm_command` for every script and exec):
 * then a shell that does not pass signals on may sit between npm and the server (cli/parent-watch.ts).
 */
export function isStartedByNpm(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.npm_command)
}
