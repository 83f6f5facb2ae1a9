#!/usr/bin/env node
// Fails when an installed runtime dependency of a published package declares an `engines.node` that excludes the
// project's floor (the lowest version the root package.json's `engines.node` allows) or the Node running this:
// npm would warn on install there, and refuse with engine-strict.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(path.join(root, "package.json"));
const semver = require("semver");
const floor = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).engines.node;
const versions = [semver.minVersion(floor).version, process.versions.node];

/** The folder of `name` as `fromDir` resolves it (pnpm links each dependency beside its dependent). */
function dependencyDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
    if (dir === path.dirname(dir)) return undefined;
  }
}

const readManifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
const workspaceDirs = ["packages", "apps", "tests"]
  .flatMap((group) =>
    fs.existsSync(path.join(root, group))
      ? fs.readdirSync(path.join(root, group)).map((name) => path.join(root, group, name))
      : [],
  )
  .filter((dir) => fs.existsSync(path.join(dir, "package.json")));

const problems = [];
const seen = new Set();
let checked = 0;
function visit(dir, via) {
  if (seen.has(dir)) return;
  seen.add(dir);
  const manifest = readManifest(dir);
  const range = manifest.engines?.node;
  checked += 1;
  const excluded = range ? versions.filter((version) => !semver.satisfies(version, range)) : [];
  if (excluded.length > 0) {
    problems.push(
      `${manifest.name}@${manifest.version} wants node ${range}, not ${excluded.join(" / ")} (via ${via.join(" > ")})`,
    );
  }
  const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
  for (const name of Object.keys(deps)) {
    const child = dependencyDir(name, dir);
    if (child) visit(child, [...via, name]);
    else if (!manifest.optionalDependencies?.[name])
      problems.push(`${name} (needed by ${manifest.name}) is not installed`);
  }
}

for (const dir of workspaceDirs) {
  const manifest = readManifest(dir);
  if (manifest.private) continue;
  visit(dir, [manifest.name]);
}
if (problems.length > 0) {
  console.error(`Runtime dependencies that do not support node ${versions.join(" / ")}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`engines: ${checked} runtime packages all support node ${versions.join(" and ")}.`);
