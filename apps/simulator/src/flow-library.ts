import type { Context, Hono } from "hono";
import { clipAnswer, type FlowContext } from "./flow-context.js";
import { FLOW_PRIVACY, type FlowClip, type FlowPrivacy } from "./flow-store.js";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const readJson = async (c: Context): Promise<Record<string, unknown>> => {
  const body: unknown = await c.req.json().catch(() => undefined);
  return isRecord(body) ? body : {};
};
/** FastAPI's refusal of a body it cannot take. */
const unprocessable = (c: Context, loc: string[], msg: string) =>
  c.json({ detail: [{ type: "value_error", loc: ["body", ...loc], msg }] }, 422);

/** Untitled conversations read as the app names a new chat. */
const CONVERSATION_TITLE = "New conversation";

/**
 * The library's upkeep as the public clients call it (facts §A "Library"): rename a song or change who may see
 * it (`PATCH /clips/<id>` → `{ clip }`; new songs are unlisted), delete songs for good (`POST /clips/delete`: a
 * deleted clip leaves the listings and carries `deleted_at`), and the account's conversations (a bare array of
 * `{ id, title }`, each one's `clip_count`, and `DELETE /conversations/<id>`). Counted in `stats().library`.
 */
export function addLibraryRoutes(api: Hono, context: FlowContext, accountOf: (c: Context) => string): void {
  const { store } = context;
  const ownClip = (c: Context, id: string): FlowClip | undefined => {
    const clip = store.clips.get(id);
    return clip && clip.account === accountOf(c) && clip.deletedAt === undefined ? clip : undefined;
  };

  api.patch("/clips/:id", async (c) => {
    const body = await readJson(c);
    const clip = ownClip(c, c.req.param("id") ?? "");
    if (!clip) return c.json({ detail: "Clip not found" }, 404);
    const { title, privacy } = body;
    if (title === undefined && privacy === undefined) return unprocessable(c, ["title"], "Field required");
    if (title !== undefined && (typeof title !== "string" || !title.trim()))
      return unprocessable(c, ["title"], "Title must be a non-empty string");
    if (privacy !== undefined && !FLOW_PRIVACY.includes(privacy as FlowPrivacy))
      return unprocessable(c, ["privacy"], `Input should be ${FLOW_PRIVACY.map((p) => `'${p}'`).join(", ")}`);
    const stats = context.stats().library;
    if (typeof title === "string") {
      clip.title = title.trim();
      stats.renames += 1;
    }
    if (privacy !== undefined) {
      clip.privacy = privacy as FlowPrivacy;
      stats.privacyChanges += 1;
    }
    return c.json({ clip: clipAnswer(context, clip) });
  });

  api.post("/clips/delete", async (c) => {
    const body = await readJson(c);
    if (!Array.isArray(body.clip_ids) || !body.clip_ids.every((id) => typeof id === "string"))
      return unprocessable(c, ["clip_ids"], "Input should be a valid list of strings");
    const now = Date.now();
    for (const id of body.clip_ids as string[]) {
      const clip = ownClip(c, id);
      if (!clip) continue;
      clip.deletedAt = now;
      context.stats().library.deletes += 1;
    }
    return c.json({});
  });

  api.get("/conversations", (c) => {
    const limit = Math.max(1, Math.min(Number(c.req.query("limit") ?? 20) || 20, 100));
    const offset = Math.max(0, Number(c.req.query("offset") ?? 0) || 0);
    const own = [...store.conversations.entries()]
      .filter(([, account]) => account === accountOf(c))
      .map(([id]) => id)
      .reverse();
    return c.json(own.slice(offset, offset + limit).map((id) => ({ id, title: CONVERSATION_TITLE })));
  });

  api.get("/conversations/:id/clip_count", (c) => {
    const id = c.req.param("id") ?? "";
    if (store.conversations.get(id) !== accountOf(c)) return c.json({ detail: "Conversation not found" }, 404);
    return c.json({ clip_count: clipsOfConversation(context, id, accountOf(c)).size });
  });

  api.delete("/conversations/:id", async (c) => {
    await readJson(c);
    const id = c.req.param("id") ?? "";
    if (store.conversations.get(id) !== accountOf(c)) return c.json({ detail: "Conversation not found" }, 404);
    store.conversations.delete(id);
    context.stats().library.conversationsDeleted += 1;
    return c.json({});
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The account's clips (not deleted) that a conversation's jobs named in their streams. */
function clipsOfConversation(context: FlowContext, conversationId: string, account: string): Set<string> {
  const found = new Set<string>();
  for (const job of context.jobs.values()) {
    if (job.account !== account) continue;
    const opened = job.events.find((event) => event.event === "conversation_id");
    if (!opened?.data.includes(conversationId)) continue;
    for (const event of job.events) {
      for (const id of event.data.match(UUID) ?? []) {
        const clip = context.store.clips.get(id);
        if (clip?.account === account && clip.deletedAt === undefined) found.add(id);
      }
    }
  }
  return found;
}
