// Rewrites the settings table in README.md from the schema (run `pnpm --filter @producer/config docs`).
import fs from "node:fs";
import { settingsMarkdownTable } from "../dist/index.js";

const file = new URL("../README.md", import.meta.url);
const readme = fs.readFileSync(file, "utf8");
const start = "<!-- settings-table:start -->";
const end = "<!-- settings-table:end -->";
const before = readme.slice(0, readme.indexOf(start) + start.length);
const after = readme.slice(readme.indexOf(end));
fs.writeFileSync(file, `${before}\n${settingsMarkdownTable()}\n${after}`);
