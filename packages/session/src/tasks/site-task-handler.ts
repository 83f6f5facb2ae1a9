import type { SiteTask } from "@producer/utils";
import type { FlowContext } from "../flow-context.js";
import type { ToolCallEngine } from "../operations/tool-call-engine.js";

/** What a task's handler gets: the warm page's flow context and the tool-call engine on the account's conversation. */
export interface TaskContext {
  context: FlowContext;
  engine: ToolCallEngine;
}

/**
 * Runs one kind of task on the 2026 app, from inside the warm page (the studio already open, its traffic
 * watched); answers the task's result as plain JSON. A file it fetches goes under `context.directory`.
 */
export type SiteTaskHandler = (task: SiteTask, on: TaskContext) => Promise<Record<string, unknown>>;
