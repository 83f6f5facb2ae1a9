import { z } from "zod";
import { answers, errorResponse, jobIdParameter, jsonBody, open, pathParameter } from "./openapi-parts.js";

const accountName = pathParameter("name", z.string().min(1));

/** One account action: pause, resume or unwall. */
const accountAction = (summary: string) => ({
  post: {
    summary,
    tags: ["accounts"],
    parameters: [accountName],
    responses: {
      "200": { description: "{ account }: the account as it is now." },
      "404": errorResponse("No such account, or a daemon without a browser (no accounts)."),
    },
  },
});

/** The accounts, the status page's sign-in and files, failure artifacts, and this document and its page. */
export function accountAndPagePaths(): Record<string, unknown> {
  return {
    "/v1/generations/{id}/retry": {
      post: {
        summary: "Run an ended job again (the same as POST /v1/jobs/{id}/retry)",
        parameters: [jobIdParameter],
        requestBody: jsonBody("Retry", false),
        responses: {
          "200": { description: "The job, queued again." },
          "404": errorResponse("No such job."),
          "409": errorResponse("The job succeeded, has not ended, or needs resubmit (nothing reached the site)."),
        },
      },
    },
    "/v1/accounts": {
      get: {
        summary: "The ProducerAI accounts: state, balance, walls, session, owner in a fleet",
        tags: ["accounts"],
        responses: {
          "200": { description: "{ accounts: AccountReport[] }" },
          "404": errorResponse("This daemon has no browser, so no accounts."),
        },
      },
    },
    "/v1/accounts/{name}/pause": accountAction("Pause an account: no new job starts on it"),
    "/v1/accounts/{name}/resume": accountAction("Resume a paused account"),
    "/v1/accounts/{name}/unwall": accountAction("Free an account from a wall (a limit or a sign-in) now"),
    "/v1/sign-in-links": {
      post: {
        summary: "A one-time link that signs a browser in to the status page (`producer open`; over the socket only)",
        responses: {
          "200": { description: "{ url, expiresAt }" },
          "404": errorResponse("Asked over TCP, or the daemon does not listen on TCP."),
        },
      },
    },
    "/v1/artifacts/{folder}/{file}": {
      get: {
        summary: "A failed step's screenshot, page HTML or trace (from the artifacts folder only)",
        parameters: [pathParameter("folder"), pathParameter("file")],
        responses: {
          "200": { description: "image/png, text/plain or application/zip" },
          "403": errorResponse("The artifact still holds a secret of a signed-in session."),
          "404": errorResponse("No such failure artifact."),
        },
      },
    },
    "/login": {
      get: {
        summary: "Sign the status page in with a one-time code from POST /v1/sign-in-links",
        ...open,
        parameters: [{ name: "code", in: "query", required: true, schema: { type: "string" } }],
        responses: {
          "303": { description: "Signed in: the token is kept in an HttpOnly cookie; on to the status page." },
          "401": { description: "The code is used up or too old (text/html)." },
          "429": errorResponse("Too many failed sign-in attempts."),
        },
      },
      post: {
        summary: "Sign the status page in with the daemon's token (its form)",
        ...open,
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: { type: "object", properties: { token: { type: "string" } }, required: ["token"] },
            },
          },
        },
        responses: {
          "303": { description: "Signed in: the token is kept in an HttpOnly cookie; on to the status page." },
          "401": { description: "Not the daemon's token (text/html)." },
          "429": errorResponse("Too many failed sign-in attempts."),
        },
      },
    },
    "/status.css": { get: { ...answers("get", "The status page's style sheet", "text/css").get, ...open } },
    "/status.js": answers("get", "The status page's script", "text/javascript"),
    "/status-dom.js": answers("get", "The status page's script: its rows", "text/javascript"),
    "/status-operations.js": answers("get", "The status page's script: operations on songs", "text/javascript"),
    "/openapi.json": answers("get", "This document (OpenAPI 3.1)", "application/json"),
    "/docs": answers("get", "The API reference: this document as a page (Scalar)", "text/html"),
    "/docs/scalar.js": answers("get", "The API reference page's script, served here (no CDN)", "text/javascript"),
  };
}

const legacyAnswer = (summary: string) => ({
  summary,
  tags: ["legacy"],
  deprecated: true,
  responses: { "200": { description: "The earlier service's answer." } },
});

/** The earlier service's routes under `prefix` (`daemon.legacyRoutes`), kept for old clients. */
export function legacyPaths(prefix: string): Record<string, unknown> {
  const generateBody = {
    required: true,
    content: { "application/json": { schema: { type: "object", properties: { prompt: { type: "string" } } } } },
  };
  return {
    [`${prefix}/generate`]: {
      post: { ...legacyAnswer("Generate (the earlier generic router)"), requestBody: generateBody },
    },
    [`${prefix}/files`]: { get: legacyAnswer("The stored songs as the earlier service listed its files") },
    [`${prefix}/files/{filename}`]: {
      get: { ...legacyAnswer("One stored song's audio"), parameters: [pathParameter("filename")] },
    },
    [`${prefix}/music-clip/generate`]: {
      post: { ...legacyAnswer("Generate for a user (the earlier music-clip router)"), requestBody: generateBody },
    },
    [`${prefix}/music-clip/status`]: { get: legacyAnswer("The session's state") },
    [`${prefix}/music-clip/session-status`]: { get: legacyAnswer("The session's state") },
    [`${prefix}/music-clip/request-status/{request_id}`]: {
      get: { ...legacyAnswer("One request's state"), parameters: [pathParameter("request_id")] },
    },
    [`${prefix}/music-clip/test-status`]: { get: legacyAnswer("Whether the router is reachable") },
    [`${prefix}/music-clip/test-generate`]: { post: legacyAnswer("A test generation") },
    [`${prefix}/music-clip/simple-test`]: { get: legacyAnswer("Whether the router works") },
  };
}
