// Writing a run's results: results/latest.json, results/latest.md and the README's benchmark table.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./lib.mjs";

/**
 * Writes the results so far (called after every scenario, so a run cut short keeps what it measured). Scenarios
 * this run has not measured keep their rows and figures from the last run, each with its date. The README's
 * table is rewritten once every scenario has a figure. `scenarios` names each scenario's key in the results, in
 * the table's order. True when every target is met.
 */
export function saveResults({ results, rows, quick, scenarios }) {
  const out = path.join(import.meta.dirname, "results");
  const previousFile = path.join(out, "latest.json");
  const previous = fs.existsSync(previousFile) ? JSON.parse(fs.readFileSync(previousFile, "utf8")) : undefined;
  const order = Object.keys(scenarios);
  const measured = (name) => rows.some((r) => r.scenario === name);
  const written = { ...results, runs: {} };
  const allRows = [...rows];
  for (const [name, key] of Object.entries(scenarios)) {
    if (measured(name)) {
      written.runs[name] = results.when.slice(0, 10);
      continue;
    }
    if (quick || !previous?.[key]) continue;
    const when = previous.runs?.[name] ?? previous.when.slice(0, 10);
    written[key] = previous[key];
    written.runs[name] = when;
    allRows.push(
      ...(previous.rows ?? [])
        .filter((r) => r.scenario === name)
        .map((r) => ({
          ...r,
          measured: r.measured.includes("(run of") ? r.measured : `${r.measured} (run of ${when})`,
        })),
    );
  }
  allRows.sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
  const { cores, loadavg, cpu, node } = results.machine;
  const table = [
    `Measured ${results.when.slice(0, 10)} on ${cores} cores (${cpu}), load ${loadavg.join(" / ")}, Node ${node}; medians with the interquartile range, ratios per round.`,
    "",
    "| what | target | measured | |",
    "|---|---|---|---|",
    ...allRows.map((r) => `| ${r.what} | ${r.target} | ${r.measured} | ${r.met ? "met" : "**missed**"} |`),
    ...(allRows.some((r) => !r.met && r.why)
      ? [
          "",
          "Why a target is missed:",
          "",
          ...allRows.filter((r) => !r.met && r.why).map((r) => `- ${r.what}: ${r.why}`),
        ]
      : []),
  ].join("\n");
  written.rows = allRows;
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(previousFile, `${JSON.stringify(written, null, 2)}\n`);
  fs.writeFileSync(path.join(out, "latest.md"), `${table}\n`);
  if (order.every((name) => allRows.some((r) => r.scenario === name)) && !quick) {
    const readme = path.join(ROOT, "README.md");
    const text = fs.readFileSync(readme, "utf8");
    const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
    if (marked.test(text))
      fs.writeFileSync(readme, text.replace(marked, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
  }
  return { table, met: allRows.every((r) => r.met) };
}
