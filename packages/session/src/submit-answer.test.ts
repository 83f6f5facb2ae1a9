import { describe, expect, it } from "vitest";
import type { GenerationCall } from "./page-traffic.js";
import { classifySubmitAnswer } from "./submit-answer.js";

const call = (answer: Partial<GenerationCall>): GenerationCall => ({
  kind: "compose",
  body: {},
  status: undefined,
  jobId: undefined,
  retryAfterSecs: undefined,
  failed: undefined,
  ...answer,
});

describe("classifySubmitAnswer", () => {
  it("takes a 2xx that names a job as accepted, with the job's id", () => {
    expect(classifySubmitAnswer(call({ status: 200, jobId: "job-1" }))).toEqual({
      outcome: "accepted",
      jobId: "job-1",
    });
    expect(classifySubmitAnswer(call({ status: 201, jobId: "job-2" }))).toEqual({
      outcome: "accepted",
      jobId: "job-2",
    });
  });

  it("reads a 429 as busy, with the retry-after the site asked for when it gave one", () => {
    expect(classifySubmitAnswer(call({ status: 429, retryAfterSecs: 7 }))).toEqual({
      outcome: "busy",
      retryAfterSecs: 7,
    });
    expect(classifySubmitAnswer(call({ status: 429 }))).toEqual({ outcome: "busy", retryAfterSecs: undefined });
  });

  it("reads a 402 as out of credits", () => {
    expect(classifySubmitAnswer(call({ status: 402 }))).toEqual({ outcome: "out-of-credits" });
  });

  it("reads any other status as refused, naming it", () => {
    for (const status of [400, 401, 403, 422, 500, 503]) {
      expect(classifySubmitAnswer(call({ status }))).toEqual({ outcome: "refused", httpStatus: status });
    }
  });

  it("reads a network error that proves the request never left the browser as never delivered", () => {
    for (const failed of [
      "net::ERR_CONNECTION_REFUSED",
      "net::ERR_NAME_NOT_RESOLVED",
      "net::ERR_INTERNET_DISCONNECTED",
      "net::ERR_BLOCKED_BY_CLIENT",
    ]) {
      expect(classifySubmitAnswer(call({ failed }))).toEqual({ outcome: "never-delivered", failure: failed });
    }
  });

  it("reads any other network error as an answer lost on its way back: the site may have taken it", () => {
    for (const failed of ["net::ERR_CONNECTION_RESET", "net::ERR_EMPTY_RESPONSE", "net::ERR_ABORTED"]) {
      expect(classifySubmitAnswer(call({ failed }))).toEqual({
        outcome: "answer-lost",
        what: `the request failed on its way back (${failed})`,
      });
    }
  });

  it("reads a network error as such even when a status came first", () => {
    expect(
      classifySubmitAnswer(call({ status: 200, jobId: "job-1", failed: "net::ERR_CONNECTION_REFUSED" })),
    ).toMatchObject({
      outcome: "never-delivered",
    });
  });

  it("reads a 2xx without a job id, and a gateway's 502 or 504, as an answer lost: the site may have taken it", () => {
    expect(classifySubmitAnswer(call({ status: 200 }))).toEqual({
      outcome: "answer-lost",
      what: "HTTP 200 came back without a readable answer",
    });
    for (const status of [502, 504]) {
      expect(classifySubmitAnswer(call({ status }))).toEqual({
        outcome: "answer-lost",
        what: `HTTP ${status} came back without a readable answer`,
      });
    }
  });

  it("reads a call with neither a status nor a failure as refused without a status", () => {
    expect(classifySubmitAnswer(call({}))).toEqual({ outcome: "refused", httpStatus: undefined });
  });
});
