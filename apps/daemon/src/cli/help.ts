/** The CLI's help: the overview, and one text per command (and `session` subcommand). */
export const HELP = `producer — generate music with ProducerAI through a warm, signed-in browser

Usage:
  producer daemon                              run the daemon in the foreground
  producer generate "<prompt>" [options]       submit a generation to the daemon (producer generate --help)
  producer jobs [--status S] [--limit N] [--json]
  producer job <id> [--json]                   one job: its steps, its error with details, its submission
  producer job retry <id> [--resubmit]         run an ended job again: from its submission (nothing paid again)
  producer cancel <id>
  producer tracks [--project P] [--user U] [--job J] [--account A] [--limit N] [--json]
  producer session init|import|check           the login state (producer session --help)
  producer accounts [list|pause|resume|unwall|add|remove]   several accounts (producer accounts --help)
  producer mcp                                 the MCP server over stdio, for agents (talks to the daemon)
  producer site check [--json]                 does the site still match the profile? (spends nothing)
  producer site profile [--json]               the effective profile and where each value came from
  producer config [--json]                     the effective configuration, with sources (secrets masked)
  producer open                                a one-time link that signs the status page in (TCP listener)
  producer doctor                              check this machine: Chromium, data dir, database, storage, session, socket

Every command takes --help.
Exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 daemon unreachable, 4 session problem (expired, challenge,
out of credits), 5 timed out, 6 the site no longer matches the profile, 7 conflict (e.g. retrying a job that
succeeded, or one that needs --resubmit).`;

export const COMMAND_HELP: Record<string, string> = {
  daemon: `producer daemon — run the daemon in the foreground (Chromium warm, the queue running).
Listens on daemon.socketPath (and daemon.port when set). Stops on SIGTERM / Ctrl-C, letting running jobs finish.`,
  generate: `producer generate "<prompt>" [options] — submit a generation to the daemon

Options (each a control of the site; a control the site profile lacks is refused before anything is sent):
  --title T            the songs' title                  --lyrics TEXT        lyrics to sing
  --instrumental       no vocals                         --mode compose|chat  compose panel (default) or chat
  --model ID           e.g. lyria-3.5, lyria-3-pro       --bpm N              tempo
  --duration-secs N    song length (Auto when absent)    --seed N             seed
  --stems              also store vocals, drums, bass and other as tracks
  --format wav|mp3|m4a --project P  --user U  --priority N  --idempotency-key K
  --account NAME       run on this account (of several); walled, the job waits for it
  --direct             run now instead of queueing
  --wait               follow the job to the end
  --pause-timeout S    with --wait: how long to wait while the queue is paused by a session problem before
                       exiting with code 4 (the job stays queued); default 0, i.e. say so and exit at once
  --json               machine-readable output`,
  jobs: `producer jobs [--status queued|generating|…|succeeded|failed|cancelled] [--limit N] [--json] — newest first`,
  job: `producer job <id> [--json] — one job: status, progress, attempts, the error with its step, locator, song
number and artifact paths, what was submitted to the site, and why a queued job waits.

producer job retry <id> [--resubmit] [--json] — run an ended job again. A job whose prompt reached the site
(recoverable) fetches that submission's songs by their ids, stores and records them, and never submits again —
after a fixed locator, a restart, or on another daemon of the same database. A job that failed before anything
reached the site runs again only with --resubmit, which submits the prompt anew and spends credits. A job that
succeeded cannot be retried (exit 7).`,
  cancel: `producer cancel <id> — cancel a queued job at once, or a running one at its next step.`,
  tracks: `producer tracks [--project P] [--user U] [--job J] [--account A] [--limit N] [--json] — stored tracks, newest first`,
  session: `producer session init|import|check — the login state

  producer session init [--timeout-secs N]   sign in by hand in a browser window; saves the state (mode 0600)
  producer session import <file|-> [--account NAME]
                                             take a Playwright storage state or a browser cookie export
  producer session check [--json]            is the saved login usable, when does it end, and the credits`,
  "session init": `producer session init [--timeout-secs N] — opens the site's sign-in page in a browser window; sign in
by hand; the login state is saved (mode 0600) once the studio shows. Needs a display.`,
  "session import": `producer session import <file|-> — saves a Playwright storage state, or a cookie export from a browser
extension (Cookie-Editor, EditThisCookie: a JSON list), as the login state. Works for www.flowmusic.app and
www.producer.ai cookies; a running daemon picks it up at once.`,
  "session check": `producer session check [--json] — opens the site once; says whether the login works, when it ends
(the auth cookie's expires_at), and the credit balance. Exit 4 when it does not work.`,
  accounts: `producer accounts — several accounts in one daemon

  producer accounts [list] [--json]          each account: signed in, balance, wall, jobs running (from the daemon)
  producer accounts pause|resume <name>      stop / start giving an account new jobs (running ones finish)
  producer accounts unwall <name>            take an account from behind its wall now
  producer accounts add <name> [--state-file F] [--profile P] [--max-concurrency N] [--weight W] [--paused]
                                             declare an account in the config file (then: producer session
                                             import <file> --account <name>, and restart the daemon)
  producer accounts remove <name>            take it out of the config file (its login state is kept)`,
  site: `producer site check [--json] — opens the site with the active profile and checks that every locator it
needs is found where it lives (studio, model menu, library row menu, Download submenu). Reads the credit
balance; submits nothing. Exit 6 when any locator is not found.`,
  "site check": `producer site check [--json] — see producer site --help.`,
  "site profile": `producer site profile [--json] — the effective site profile (the named profile with every override of the
configuration), each value with where it came from (built-in, profile file, config file, env, option). --json prints a
valid profile file: save it, edit a drifted locator, and set site.profile to its path.`,
  mcp: `producer mcp — serves the MCP tools (generate_music, get_generation, wait_for_generation, cancel_generation, retry_generation,
list_tracks, get_track, account_status) over standard input and output, for agents such as desktop assistants.
It talks to the running daemon through its socket; the daemon also serves the same tools over HTTP at /mcp.`,
  open: `producer open — prints a link to the status page (http://127.0.0.1:<daemon.port>/login?code=…) that signs it in
once, within two minutes: asked of the daemon over its socket, which only you can open.`,
  config: `producer config [--json] — the effective configuration: every key, its value and where it came from.`,
  doctor: `producer doctor — checks Chromium, the data dir, the database, storage, the session (and when it ends) and the socket.`,
};
