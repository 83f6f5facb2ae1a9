import type { SubmissionRecord } from "@producer/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { stackForFile } from "./stack.js";

const harness = stackForFile({ simulator: { songDurationSecs: [2, 3], generationMs: 0 } });
beforeAll(() => harness.site.setCredits(500));

describe('site.submit "ui": the conversations the page opens are named on the records', () => {
  it("each press of Generate on a fresh page opens one; every one of them is on its job's record", async () => {
    const made: Array<string | undefined> = [];
    for (const prompt of ["ui one", "ui two"]) {
      const records: SubmissionRecord[] = [];
      await harness.session.generate(
        { prompt, format: "m4a" },
        { onSubmission: async (record) => void records.push({ ...record }) },
      );
      made.push(records.findLast((record) => record.conversationMade)?.conversationMade);
    }
    // The page opens its own conversation on each load (the app takes none from outside): all are producer's.
    expect(made.every(Boolean)).toBe(true);
    expect(new Set(made).size).toBe(made.length);
    expect(harness.site.flowConversations().sort()).toEqual([...made].sort());
  });
});
