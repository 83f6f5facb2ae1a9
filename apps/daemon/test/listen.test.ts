import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createTeardown } from "@producer/test-utils";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeServer, isLoopback, listenOnSocket, listenOnTcp } from "../src/index.js";

let dir: string;
const teardown = createTeardown();
beforeEach(() => {
  dir = teardown.tempDir("producer-listen-");
});
afterEach(() => teardown.run());

const app = new Hono().get("/healthz", (c) => c.json({ ok: true })) as never;

describe("the Unix socket", () => {
  it("is created with mode 0600", async () => {
    const socketPath = path.join(dir, "producer.sock");
    const server = await listenOnSocket(app, socketPath);
    try {
      expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
    } finally {
      await closeServer(server);
    }
  });

  it("replaces a stale socket left by a crashed daemon", async () => {
    const socketPath = path.join(dir, "stale.sock");
    // A process that listens and is killed leaves the socket file behind, as a crashed daemon does.
    const crashed = spawn(
      process.execPath,
      ["-e", `require("net").createServer().listen(${JSON.stringify(socketPath)}, () => console.log("up"))`],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await new Promise((resolve) => crashed.stdout.once("data", resolve));
    crashed.kill("SIGKILL");
    await new Promise((resolve) => crashed.once("exit", resolve));
    expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
    const server = await listenOnSocket(app, socketPath);
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const client = net.connect(socketPath, () =>
          client.write("GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
        );
        let text = "";
        client.on("data", (chunk) => (text += chunk));
        client.on("end", () => resolve(text));
        client.on("error", reject);
      });
      expect(answer).toContain('{"ok":true}');
    } finally {
      await closeServer(server);
    }
  });

  it("never takes over a socket a live daemon listens on", async () => {
    const socketPath = path.join(dir, "live.sock");
    const live = await listenOnSocket(app, socketPath);
    try {
      await expect(listenOnSocket(app, socketPath)).rejects.toMatchObject({ code: "CONFLICT" });
      expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
    } finally {
      await closeServer(live);
    }
  });

  it("never deletes a path that is not a socket", async () => {
    const notASocket = path.join(dir, "important.txt");
    fs.writeFileSync(notASocket, "keep me");
    await expect(listenOnSocket(app, notASocket)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(fs.readFileSync(notASocket, "utf8")).toBe("keep me");
  });
});

describe("TCP", () => {
  it("knows loopback exactly: not a name that merely starts with 127.", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"].filter(isLoopback)).toHaveLength(6);
    expect(
      ["127.evil.example", "127.0.0.1.nip.io", "0.0.0.0", "::", "128.0.0.1", "localhost.example"].filter(isLoopback),
    ).toEqual([]);
  });

  it("listens on loopback without a token", async () => {
    const { server, port } = await listenOnTcp(app, { host: "127.0.0.1", port: 0, tokenConfigured: false });
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });
    } finally {
      await closeServer(server);
    }
  });

  it("refuses a non-loopback address unless a token is configured", async () => {
    await expect(listenOnTcp(app, { host: "0.0.0.0", port: 0, tokenConfigured: false })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
    });
    const { server } = await listenOnTcp(app, { host: "0.0.0.0", port: 0, tokenConfigured: true });
    await closeServer(server);
  });
});
