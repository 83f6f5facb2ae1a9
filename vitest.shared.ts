import path from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * The one vitest configuration every package uses. When `PRODUCER_TEST_REPORT_DIR` is set (by
 * `scripts/test.sh`), each package also writes a JSON report there for the closing summary.
 */
export function packageTests(packageDir: string, overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  const reportDir = process.env.PRODUCER_TEST_REPORT_DIR;
  const name = path.basename(packageDir);
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // The AWS SDK warns that its 2027 releases will need Node 22; the versions pinned here run on Node 20.
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      reporters: reportDir ? ["default", ["json", { outputFile: path.join(reportDir, `${name}.json`) }]] : ["default"],
      ...overrides,
    },
  });
}
