import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { streamEvents } from "../src/client/http-transport.js";

const servers: http.Server[] = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

/** A server that answers one event stream, written in the pieces given (to cut lines and events apart). */
async function serving(pieces: string[]): Promise<string> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    let next = 0;
    const write = () => {
      if (next < pieces.length) {
        response.write(pieces[next++]);
        setTimeout(write, 5);
      } else response.end();
    };
    write();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function read(pieces: string[]) {
  const events = [];
  for await (const event of streamEvents({ baseUrl: await serving(pieces) }, { method: "GET", path: "/events" }))
    events.push(event);
  return events;
}

describe("the client's event stream reader", () => {
  it("reads CRLF line ends, comments, ids, retry, multi-line data and events cut across chunks", async () => {
    const events = await read([
      ": a comment the server sends to keep the line open\r\n\r\n",
      'retry: 3000\r\nid: 1\r\nevent: job\r\ndata: {"status":\r\ndata:  "queued"}\r\n\r',
      "\nid: 2\r\nevent: job\r\nda",
      'ta: {"status":"running"}\r\n\r\n',
      'data: {"kind":"unnamed"}\n\n',
      'event: job\ndata: {"status":"succeeded"}\n\n',
    ]);
    expect(events).toEqual([
      { event: "job", data: { status: "queued" } },
      { event: "job", data: { status: "running" } },
      { event: "message", data: { kind: "unnamed" } },
      { event: "job", data: { status: "succeeded" } },
    ]);
  });
});
