import { NotFoundError, SiteChangedError, UnavailableError } from "@producer/utils";
import type { FlowContext } from "../flow-context.js";
import type { InPageAnswer } from "../page-helpers.js";
import type { SiteTaskHandler } from "./site-task-handler.js";

type Init = { method: string; body?: unknown; vars?: Record<string, string> };

/** One library call from inside the page: its answer, or undefined for a 404 (the song or conversation is not there). */
async function libraryCall(context: FlowContext, apiKey: string, init: Init): Promise<InPageAnswer | undefined> {
  const answer = await context.traffic.fetchJson(apiKey, init);
  if (!answer) {
    throw new SiteChangedError(`The ${context.site.profile} profile names no api.${apiKey}.`, {
      details: { step: "task", profileKeys: [`api.${apiKey}`] },
    });
  }
  if (answer.status === 404) return undefined;
  if (answer.status >= 200 && answer.status < 300) return answer;
  const details = { step: "task", httpStatus: answer.status, profileKeys: [`api.${apiKey}`] };
  if (answer.status === 422 || answer.status === 400) {
    throw new SiteChangedError(
      `The site refused the body of ${context.site.api[apiKey]} (HTTP ${answer.status}); nothing was changed. Check the profile's api.${apiKey}.`,
      { details },
    );
  }
  throw new UnavailableError(`The site answered HTTP ${answer.status} for ${context.site.api[apiKey]}.`, { details });
}

const notFound = (what: string, ids: string[]) =>
  new NotFoundError(`The account has no ${what} ${ids.join(", ")} (deleted already, or another account's).`, {
    details: { step: "task", ids },
  });

/** `PATCH /clips/<id>` with one change; the clip as the site answers it, or undefined when it is not there. */
async function patchClip(context: FlowContext, clipId: string, change: Record<string, string>) {
  const answer = await libraryCall(context, "clipUpdate", { method: "PATCH", body: change, vars: { clipId } });
  if (!answer) return undefined;
  const clip = (answer.json as { clip?: Record<string, unknown> } | null)?.clip;
  return {
    id: clipId,
    title: typeof clip?.title === "string" ? clip.title : (change.title ?? null),
    privacy: typeof clip?.privacy === "string" ? clip.privacy : (change.privacy ?? null),
  };
}

/** `library.rename { clipId, title }` → `{ clip: { id, title, privacy } }`; free. */
const rename: SiteTaskHandler = async (task, { context }) => {
  const clipId = String(task.clipId);
  const clip = await patchClip(context, clipId, { title: String(task.title) });
  if (!clip) throw notFound("song", [clipId]);
  return { clip };
};

/** `library.privacy { clipIds, privacy }` → `{ clips: [{ id, title, privacy }] }`: one change per song; free. */
const privacy: SiteTaskHandler = async (task, { context }) => {
  const ids = (task.clipIds as string[]).map(String);
  const clips = [];
  const missing: string[] = [];
  for (const clipId of ids) {
    const clip = await patchClip(context, clipId, { privacy: String(task.privacy) });
    if (clip) clips.push(clip);
    else missing.push(clipId);
  }
  if (clips.length === 0) throw notFound("song", missing);
  return { clips, notFound: missing };
};

/** `library.delete { clipIds }` → `{ deleted: [ids] }`: one `POST /clips/delete`, final. */
const remove: SiteTaskHandler = async (task, { context }) => {
  const ids = (task.clipIds as string[]).map(String);
  const answer = await libraryCall(context, "clipsDelete", { method: "POST", body: { clip_ids: ids } });
  if (!answer) throw notFound("songs", ids);
  return { deleted: ids };
};

/** `conversations.list { limit?, offset? }` → `{ conversations: [{ id, title, clipCount }] }`; free. */
const listConversations: SiteTaskHandler = async (task, { context }) => {
  const vars = { limit: String(task.limit ?? 20), offset: String(task.offset ?? 0) };
  const answer = await libraryCall(context, "conversations", { method: "GET", vars });
  const rows = answer?.json;
  if (!Array.isArray(rows)) {
    throw new SiteChangedError("The site's conversations listing answered no list.", {
      details: { step: "task", profileKeys: ["api.conversations"] },
    });
  }
  const conversations = [];
  for (const row of rows as Array<{ id?: unknown; title?: unknown }>) {
    if (typeof row?.id !== "string") continue;
    const counted = context.site.api.conversationClipCount
      ? await libraryCall(context, "conversationClipCount", { method: "GET", vars: { conversationId: row.id } })
      : undefined;
    const count = (counted?.json as { clip_count?: unknown } | null | undefined)?.clip_count;
    conversations.push({
      id: row.id,
      title: typeof row.title === "string" ? row.title : null,
      clipCount: typeof count === "number" ? count : null,
    });
  }
  return { conversations };
};

/** `conversations.delete { conversationIds }` → `{ deleted, notFound }`: one `DELETE` (body `{}`) each. */
const deleteConversations: SiteTaskHandler = async (task, { context }) => {
  const deleted: string[] = [];
  const missing: string[] = [];
  for (const conversationId of (task.conversationIds as string[]).map(String)) {
    const answer = await libraryCall(context, "conversationDelete", {
      method: "DELETE",
      body: {},
      vars: { conversationId },
    });
    (answer ? deleted : missing).push(conversationId);
  }
  return { deleted, notFound: missing };
};

export const LIBRARY_TIDY_TASKS = {
  "library.rename": rename,
  "library.privacy": privacy,
  "library.delete": remove,
  "conversations.list": listConversations,
  "conversations.delete": deleteConversations,
} as const;
