// Keeps the code readable in pieces: no source file over 350 lines, no function over 120 lines.
// Source is every .ts / .js / .mjs under packages/*/src, apps/*/src, apps/*/static and tests/*/ (test files and
// fixtures included in the function rule; the file rule is for source only). `--list` prints the largest anyway.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 120;
const root = path.resolve(import.meta.dirname, "..");
const SKIP = new Set(["node_modules", "dist", ".turbo", "coverage"]);

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield full;
  }
}

const roots = ["packages", "apps", "tests"].flatMap((top) =>
  fs.existsSync(path.join(root, top))
    ? fs.readdirSync(path.join(root, top)).map((name) => path.join(root, top, name))
    : [],
);

const isTestFile = (file) =>
  /[/\\](test|tests|fixtures)[/\\]|\.test\.[tj]s$/.test(file) || file.includes(`${path.sep}tests${path.sep}`);

const problems = [];
const sizes = [];
for (const dir of roots) {
  for (const file of walk(dir)) {
    const relative = path.relative(root, file);
    const text = fs.readFileSync(file, "utf8");
    const lines = text.split("\n").length;
    sizes.push([lines, relative]);
    if (!isTestFile(relative) && lines > MAX_FILE_LINES)
      problems.push(`${relative}: ${lines} lines (at most ${MAX_FILE_LINES})`);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.end).line;
        const length = end - start + 1;
        // A test file's describe/it callbacks hold many cases; only its helpers and the cases themselves count.
        const isSuiteBody =
          isTestFile(relative) &&
          ts.isCallExpression(node.parent) &&
          /^(describe|it|test)$/.test(node.parent.expression.getText(source).split(".")[0]) &&
          node.parent.expression.getText(source).startsWith("describe");
        if (length > MAX_FUNCTION_LINES && !isSuiteBody) {
          const name =
            node.name?.getText(source) ??
            (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(source) : "(anonymous)");
          problems.push(
            `${relative}:${start + 1}: function ${name} is ${length} lines (at most ${MAX_FUNCTION_LINES})`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

if (process.argv.includes("--list")) {
  for (const [lines, file] of sizes.sort((a, b) => b[0] - a[0]).slice(0, 25))
    console.log(`${String(lines).padStart(5)} ${file}`);
}
if (problems.length > 0) {
  console.error(`Code sizes over the house limits:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`Code sizes: every source file ≤ ${MAX_FILE_LINES} lines, every function ≤ ${MAX_FUNCTION_LINES} lines.`);
