/**
 * Simulator settings for tests: the site answers at once and polls often, and its songs are short, so a test
 * waits only for what it is about. Spread it first and override what a test needs slower.
 */
export const FAST_SIMULATOR = {
  generationMs: 0,
  replyDelayMs: 0,
  statusPollMs: 200,
  songDurationSecs: [1, 2],
} as const;
