import path from "node:path";
import { golden as goldenIn, normalize } from "@producer/test-utils";

const FIXTURES = path.join(import.meta.dirname, "fixtures");

export { normalize };

/** Compares with `test/fixtures/<name>.json`; `UPDATE_GOLDEN=1` writes the file instead. */
export const golden = (name: string, value: unknown): unknown => goldenIn(FIXTURES, name, value);
