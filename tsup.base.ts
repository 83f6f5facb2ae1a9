import { defineConfig, type Options } from "tsup";

/**
 * The one build recipe every package uses: ESM + CJS + declarations, Node 20, dependencies external.
 * Options are kept to those tsdown also accepts.
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    treeshake: true,
    ...overrides,
  });
}
