import { packageTests } from "../../vitest.shared.ts";

// The scenario suites drive real Chromium; one file at a time keeps two cores from thrashing.
export default packageTests(import.meta.dirname, { fileParallelism: false });
