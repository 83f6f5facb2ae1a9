import { accountsCommand } from "./accounts.js";
import { cancelCommand } from "./cancel.js";
import type { Command } from "./command.js";
import { configCommand } from "./config.js";
import { daemonCommand } from "./daemon.js";
import { describeSongCommand } from "./describe-song.js";
import { doctorCommand } from "./doctor.js";
import { generateCommand } from "./generate.js";
import { imageCommand } from "./image.js";
import { jobCommand } from "./job.js";
import { jobsCommand } from "./jobs.js";
import { importCommand, libraryCommand } from "./library.js";
import { lyricsCommand } from "./lyrics.js";
import { mcpCommand } from "./mcp.js";
import { modelsCommand } from "./models.js";
import { operationCommands } from "./operations.js";
import { openCommand } from "./open.js";
import { serviceCommand } from "./service.js";
import { sessionCommand } from "./session.js";
import { siteCommand } from "./site.js";
import { tracksCommand } from "./tracks.js";
import { uploadCommand } from "./upload.js";

/** Every `producer` command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  daemonCommand,
  generateCommand,
  lyricsCommand,
  modelsCommand,
  ...operationCommands,
  jobsCommand,
  jobCommand,
  cancelCommand,
  tracksCommand,
  libraryCommand,
  importCommand,
  describeSongCommand,
  imageCommand,
  uploadCommand,
  sessionCommand,
  accountsCommand,
  siteCommand,
  mcpCommand,
  openCommand,
  configCommand,
  serviceCommand,
  doctorCommand,
];

export const COMMAND_BY_NAME: ReadonlyMap<string, Command> = new Map(
  COMMANDS.map((command) => [command.name, command]),
);
