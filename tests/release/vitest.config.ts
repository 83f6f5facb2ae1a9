import { packageTests } from "../../vitest.shared.ts";

export default packageTests(import.meta.dirname, {
  include: ["test/**/*.test.ts"],
  testTimeout: 900_000,
  hookTimeout: 300_000,
});
