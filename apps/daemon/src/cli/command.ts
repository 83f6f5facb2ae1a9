/** One `producer` command: the first word of its command line, its `--help` text, and what it does with the rest. */
export interface Command {
  name: string;
  help: string;
  /** The `--help` texts of its subcommands, by their word (`init` answers `producer session init --help`). */
  subcommandHelp?: Record<string, string>;
  /** Runs with the words after the command's name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}
