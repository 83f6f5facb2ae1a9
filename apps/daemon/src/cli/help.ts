import { COMMANDS } from "./commands.js";

/** `producer --help`: the overview; each command's own text is the command's `help`. */
export const HELP = `producer — generate music with ProducerAI through a warm, signed-in browser

Usage:
  producer daemon                              run the daemon in the foreground
  producer generate "<prompt>" [options]       submit a generation to the daemon (producer generate --help)
  producer generate --batch file.jsonl [--wait]   one job per line (a prompt or a JSON object of fields)
  producer lyrics "<prompt>" | lyrics edit <text|@file> --prompt P [--json]   write or rewrite lyrics on the site
  producer models [--refresh] [--json]         the site's models, live (kept ten minutes, with their age)
  producer extend|replace|cover|stems|trim|speed|convert <track|clip> [options]
                                               do something to a song that exists (producer extend --help)
  producer jobs [--status S] [--limit N] [--json]
  producer job <id> [--json]                   one job: its steps, its error with details, its submission
  producer job retry <id> [--resubmit]         run an ended job again: from its submission (nothing paid again)
  producer cancel <id>
  producer tracks [--search "words"] [--project P] [--user U] [--job J] [--account A] [--limit N] [--json]
  producer library [--limit N] [--offset N] [--account A] [--json]   the account's songs on the site
  producer library rename|privacy|delete|cleanup|conversations …   keep it tidy (dry run unless --yes)
  producer import <clip>… [--format F] [--wait]   store songs of the library as tracks (free)
  producer describe <track|clip> [--prompt P] [--json]   a song's caption, sung lyrics and model, kept on its track
  producer image "<prompt>" [--aspect 1:1|16:9|9:16] [--json]   make an image with the site's tool and store it
  producer upload <file> [--remove-vocals|--keep-vocals] [--json]   upload your own audio: a clip to cover, extend or split
  producer session init|import|check           the login state (producer session --help)
  producer accounts [list|pause|resume|unwall|add|remove]   several accounts (producer accounts --help)
  producer mcp                                 the MCP server over stdio, for agents (talks to the daemon)
  producer site check [--json]                 does the site still match the profile? (spends nothing)
  producer site profile [--json]               the effective profile and where each value came from
  producer config [--json]                     the effective configuration, with sources (secrets masked)
  producer open                                a one-time link that signs the status page in (TCP listener)
  producer service install|status|uninstall [--user] [--print]   run the daemon as a systemd service
  producer doctor                              check this machine: Chromium, data dir, database, storage, session, socket

Every command takes --help.
Exit codes: 0 ok, 1 failed, 2 bad usage or input (or an upload the site refused), 3 daemon unreachable, 4 session problem (expired, challenge,
out of credits), 5 timed out, 6 the site no longer matches the profile, 7 conflict (e.g. retrying a job that
succeeded, or one that needs --resubmit).`;

/** Every command's and subcommand's `--help` text, by its words (`session init`). */
export const COMMAND_HELP: Record<string, string> = Object.fromEntries(
  COMMANDS.flatMap<[string, string]>((command) => [
    [command.name, command.help],
    ...Object.entries(command.subcommandHelp ?? {}).map(([word, help]): [string, string] => [
      `${command.name} ${word}`,
      help,
    ]),
  ]),
);

/** The help for `producer <command> [subcommand] --help`, or undefined when none was asked. */
export function helpFor(command: string | undefined, rest: string[]): string | undefined {
  if (command === undefined || !(rest.includes("--help") || rest.includes("-h"))) return undefined;
  const sub = rest[0] && !rest[0].startsWith("-") ? `${command} ${rest[0]}` : undefined;
  return (sub && COMMAND_HELP[sub]) ?? COMMAND_HELP[command] ?? HELP;
}
