import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { flagOptions, valueOptions } from "./options.js";
import { UsageError } from "./usage-error.js";

const INSTALL_HELP = `producer service install [--user] [--print] [--env-file F] [--run-as USER] — writes a systemd unit,
producer.service, that runs \`producer daemon\` with this Node.js: restarted on failure, the config file in
PRODUCER_CONFIG (the one this command finds: $PRODUCER_CONFIG or ./producer.config.json), secrets from an
EnvironmentFile (default ~/.config/producer/producer.env with --user, /etc/producer/producer.env otherwise; NAME=value
lines, mode 0600; never in the unit), the data dir as its working directory and the one place it may write, and
hardening that keeps Chromium working. The data dir is pinned (PRODUCER_PATHS_DATA_DIR); other PRODUCER_*
settings of your shell are not carried over: put them in the config file or the EnvironmentFile. --user writes ~/.config/systemd/user/producer.service; without it
/etc/systemd/system/producer.service (needs root; --run-as sets User=, default $SUDO_USER). --print only prints it.`;

export const serviceCommand: Command = {
  name: "service",
  help: `producer service install|status|uninstall [--user] — run the daemon as a systemd service.
  producer service install [--user] [--print]   write the unit (producer service install --help)
  producer service status [--user]              the unit file and systemctl's ActiveState, SubState, MainPID
  producer service uninstall [--user]           remove the unit file`,
  subcommandHelp: {
    install: INSTALL_HELP,
    status: `producer service status [--user] — the unit file, and where systemctl exists its state
(systemctl [--user] show producer.service -p ActiveState,SubState,MainPID). Exit 0 when active.`,
    uninstall: `producer service uninstall [--user] — removes the unit file (stop it first: systemctl [--user] disable --now producer.service).`,
  },
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...flagOptions("user", "print"), ...valueOptions("env-file", "run-as") },
    });
    const [action, ...extra] = positionals;
    if (extra.length > 0 || !action) throw new UsageError("Usage: producer service install|status|uninstall [--user]");
    const flags = {
      user: values.user === true,
      print: values.print === true,
      envFile: values["env-file"],
      runAs: values["run-as"],
    };
    const actions = await import("./service-actions.js");
    if (action === "install") return actions.install(flags);
    if (action === "status") return actions.status(flags);
    if (action === "uninstall") return actions.uninstall(flags);
    throw new UsageError(`Unknown action ${JSON.stringify(action)}: producer service install|status|uninstall.`);
  },
};
