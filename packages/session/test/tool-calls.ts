import type { SessionStack } from "./stack.js";

/** The tool calls the stack's site received (refused ones too) and the ones it ran, by tool. */
export function toolCounts(stack: SessionStack) {
  const { toolCalls, toolRuns } = stack.site.stats.flow;
  return { calls: { ...toolCalls }, runs: { ...toolRuns } };
}

/** How far each tool's count moved from `before` to `after`; tools that did not move are left out. */
export function countsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after)
      .map((tool) => [tool, (after[tool] ?? 0) - (before[tool] ?? 0)] as const)
      .filter(([, count]) => count !== 0),
  );
}
