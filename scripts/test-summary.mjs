// Adds up every package's vitest JSON report into one closing line, and names each failed and skipped test.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith(".json")) : [];
let passed = 0;
let failed = 0;
let skipped = 0;
const skippedNames = [];
const failedNames = [];
for (const name of files) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === "passed") passed += 1;
      else if (test.status === "failed") {
        failed += 1;
        const reason = String(test.failureMessages?.[0] ?? "").split("\n")[0];
        failedNames.push(
          `${name.replace(/\.json$/, "")}: ${test.fullName}${reason ? ` (${reason.slice(0, 300)})` : ""}`,
        );
      } else {
        skipped += 1;
        skippedNames.push(`${name.replace(/\.json$/, "")}: ${test.fullName}`);
      }
    }
    // A file that failed to load has no assertions but still failed.
    if ((file.assertionResults ?? []).length === 0 && file.status === "failed") {
      failed += 1;
      failedNames.push(
        `${name.replace(/\.json$/, "")}: ${file.name} did not load (${String(file.message ?? "").split("\n")[0]})`,
      );
    }
  }
}
if (skippedNames.length > 0) console.log(`\nSkipped:\n${skippedNames.map((line) => `  - ${line}`).join("\n")}`);
if (failedNames.length > 0) console.log(`\nFailed:\n${failedNames.map((line) => `  - ${line}`).join("\n")}`);
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
