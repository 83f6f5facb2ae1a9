import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { print } from "./output.js";

export const openCommand: Command = {
  name: "open",
  help: `producer open — prints a link to the status page (http://127.0.0.1:<daemon.port>/login?code=…) that signs it in
once, within two minutes: asked of the daemon over its socket, which only you can open.`,
  async run() {
    // Over the socket, which only this user can open: a one-time link that signs the status page in.
    const { url, expiresAt } = await (await daemonClient()).signInLink();
    print(`${url}\n(open it within ${Math.round((Date.parse(expiresAt) - Date.now()) / 1000)} s; it works once)`);
    return 0;
  },
};
