// @ts-check
// What every signed-in page of the 2026 app does (it expects `FLOW` and `PROMO_HTML`, written by the server):
// read the chunked Supabase cookie for the Bearer token; refresh the session itself before `expires_at` and on a
// 401 (once, then retry; a refused refresh goes to /login), writing the new chunks to `document.cookie` under a
// Web Lock so two tabs never both rotate the refresh token; call `/__api/*`; show alerts and overlays; read a
// job's message stream; follow a generation by its status and clips.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const nowSecs = () => Math.floor(Date.now() / 1000);

function cookieJar() {
  return Object.fromEntries(
    document.cookie
      .split("; ")
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf("=");
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
}
function readSession() {
  const jar = cookieJar();
  let value = "";
  for (let index = 0; jar[`${FLOW.cookieBase}.${index}`] !== undefined; index += 1)
    value += jar[`${FLOW.cookieBase}.${index}`];
  if (!value.startsWith("base64-")) return null;
  const b64 = value.slice(7).replace(/-/g, "+").replace(/_/g, "/");
  try {
    const bytes = Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
function writeSession(session) {
  const bytes = new TextEncoder().encode(JSON.stringify(session));
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  const value = `base64-${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
  const jar = cookieJar();
  let index = 0;
  for (let at = 0; at < value.length; at += FLOW.cookieChunkChars, index += 1) {
    // biome-ignore lint/suspicious/noDocumentCookie: the page keeps its login in this cookie, as supabase-js does
    document.cookie = `${FLOW.cookieBase}.${index}=${value.slice(at, at + FLOW.cookieChunkChars)}; path=/; max-age=${FLOW.cookieMaxAgeSecs}; samesite=lax`;
  }
  for (; jar[`${FLOW.cookieBase}.${index}`] !== undefined; index += 1) {
    // biome-ignore lint/suspicious/noDocumentCookie: the page keeps its login in this cookie, as supabase-js does
    document.cookie = `${FLOW.cookieBase}.${index}=; path=/; max-age=0`;
  }
}
const refreshMarginSecs = (session) => Math.min(60, Math.max(1, Math.floor((session.expires_in || 60) / 4)));

// One refresh at a time in this page, and one across tabs (Web Locks): whoever comes second finds the cookie
// already renewed and uses it instead of spending the refresh token again.
let refreshing = null;
function refreshSession(staleAccessToken) {
  if (!refreshing) {
    const requestedAt = Date.now();
    const renewedElsewhere = (current) =>
      current &&
      current.access_token !== staleAccessToken &&
      current.expires_at - nowSecs() > refreshMarginSecs(current);
    const run = async () => {
      let current = readSession();
      // Waiting for the lock means another tab was refreshing: its cookie may take a moment to show here.
      for (let tries = 0; Date.now() - requestedAt > 20 && tries < 10 && !renewedElsewhere(current); tries += 1) {
        await sleep(50);
        current = readSession();
      }
      if (!current?.refresh_token) return null;
      if (renewedElsewhere(current)) return current;
      const response = await fetch("/auth/v1/token?grant_type=refresh_token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
      });
      if (!response.ok) return null;
      const session = await response.json();
      writeSession(session);
      return session;
    };
    refreshing = (navigator.locks ? navigator.locks.request("sb-auth-token-refresh", run) : run()).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}
function signOut() {
  location.href = "/login";
}
async function keepSessionFresh() {
  for (;;) {
    const session = readSession();
    if (!session) return signOut();
    const waitMs = (session.expires_at - refreshMarginSecs(session)) * 1000 - Date.now();
    if (waitMs > 0) {
      await sleep(Math.min(waitMs, 2 ** 31 - 1));
      continue;
    }
    const renewed = await refreshSession(session.access_token).catch(() => null);
    if (!renewed) return signOut();
  }
}

async function api(path, init = {}, retried = false) {
  const token = readSession()?.access_token || "";
  const response = await fetch(path, {
    ...init,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(init.headers || {}) },
  });
  if (response.status !== 401) return response;
  const renewed = retried ? null : await refreshSession(token).catch(() => null);
  if (!renewed) {
    signOut();
    throw new Error("signed out");
  }
  return api(path, init, true);
}

/** A message above the page: `role="alert"` for what went wrong, `role="status"` for news. */
function showMessage(role, className, text) {
  const message = document.createElement("div");
  message.setAttribute("role", role);
  message.className = className;
  message.textContent = text;
  document.getElementById("alerts").append(message);
}
function showAlert(text) {
  showMessage("alert", "alert", text);
}
function showNotice(text) {
  showMessage("status", "notice", text);
}
async function refreshCredits() {
  const { data } = await (await api("/__api/billing/credits")).json();
  document.getElementById("credits").textContent = `${data.credits_remaining} credits`;
}

// Overlays: while one is open the app is aria-hidden (role locators find nothing in it); Escape closes the promo.
function syncOverlays() {
  const app = document.getElementById("app");
  if (document.querySelector("[data-overlay]")) app.setAttribute("aria-hidden", "true");
  else app.removeAttribute("aria-hidden");
}
function wireOverlay(overlay) {
  for (const button of overlay.querySelectorAll("[data-dismiss]"))
    button.addEventListener("click", () => {
      overlay.remove();
      syncOverlays();
    });
}
function showPromo() {
  if (document.querySelector('[data-overlay="promo"]')) return;
  const holder = document.createElement("div");
  holder.innerHTML = PROMO_HTML;
  const promo = holder.firstElementChild;
  document.body.append(promo);
  wireOverlay(promo);
  syncOverlays();
}
document.addEventListener(
  "keydown",
  (event) => {
    const promo = document.querySelector('[data-overlay="promo"]');
    if (event.key === "Escape" && promo) {
      promo.remove();
      syncOverlays();
    }
  },
  true,
);
for (const overlay of document.querySelectorAll("[data-overlay]")) wireOverlay(overlay);
syncOverlays();
if (FLOW.promoLaterMs !== null) setTimeout(showPromo, FLOW.promoLaterMs);

// A conversation per page, made on first use; on /session/<id> the id is the project.
let conversation = null;
function conversationId() {
  const project = (/^\/session\/([^/]+)/.exec(location.pathname) || [])[1] || null;
  conversation =
    conversation ||
    api("/__api/conversation/create", { method: "POST", body: JSON.stringify({ project_id: project }) })
      .then((response) => response.json())
      .then((body) => body.conversation_id);
  return conversation;
}
// A generation call; the alerts the page shows for 402 and 429; the job id when taken.
async function submitGeneration(path, body) {
  const response = await api(path, { method: "POST", body: JSON.stringify(body) });
  if (response.status === 402) {
    showAlert("You're out of credits. Upgrade your plan or wait for your credits to renew.");
    return null;
  }
  if (response.status === 429) {
    showAlert("Producer is busy helping others. Please try again in a moment.");
    return null;
  }
  if (!response.ok) {
    showAlert("Something went wrong. Please try again.");
    return null;
  }
  return (await response.json()).job_id;
}
const newToolCallId = () =>
  `call_${[...crypto.getRandomValues(new Uint8Array(12))].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;

// Reads a job's Server-Sent Events as they arrive (a chat's never end).
async function readStream(jobId, onEvent) {
  const response = await api(`/__api/messages/${jobId}/stream?last_id=0`, { headers: { accept: "text/event-stream" } });
  if (!response.ok) throw new Error(`stream ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let at = buffer.indexOf("\n\n"); at >= 0; at = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (!data.length) continue;
      try {
        onEvent(name, JSON.parse(data.join("\n")));
      } catch {}
    }
  }
}
function toolReturnOf(name, data) {
  const parts = name === "part" && data.status === "final" ? [data.part] : name === "message" ? data.parts || [] : [];
  for (const part of parts) {
    if (part?.part_kind !== "tool-return") continue;
    let content = part.content;
    if (typeof content === "string") {
      try {
        content = JSON.parse(content);
      } catch {}
    }
    return { tool: part.tool_name, content };
  }
  return null;
}

// Follows a job: its stream gives the ids, then the status of each operation and the clips are polled until settled.
async function follow(jobId, handlers = {}) {
  const opIds = new Set();
  const clipIds = new Set();
  let failedMessage = null;
  readStream(jobId, (name, data) => {
    if (name === "error") {
      failedMessage = data.message || "Something went wrong.";
      return;
    }
    if (name === "part" && data.status === "delta" && data.part && data.part.part_kind === "text" && handlers.onText)
      handlers.onText(data.part.content);
    const result = toolReturnOf(name, data);
    if (!result?.content) return;
    if (result.content.operation_id) opIds.add(result.content.operation_id);
    for (const id of [result.content.clip_id, result.content.clip_id_b]) if (id) clipIds.add(id);
    for (const stem of result.content.stems || []) clipIds.add(stem.clip_id);
  }).catch(() => {});
  for (;;) {
    await sleep(FLOW.statusPollMs);
    if (failedMessage) {
      showAlert(failedMessage);
      return;
    }
    if (clipIds.size === 0) continue;
    const { clips } = await (
      await api("/__api/clips", { method: "POST", body: JSON.stringify({ clip_ids: [...clipIds] }) })
    ).json();
    const list = Object.values(clips);
    for (const clip of list) opIds.add(clip.op_id);
    const statuses = [];
    for (const opId of opIds) statuses.push(await (await api(`/__api/audio-create-song-status/${opId}`)).json());
    if (handlers.onClips) handlers.onClips(list, statuses);
    const failure = statuses.find((status) => status.error_message || /fail|error/.test(status.status));
    if (failure) {
      showAlert(failure.error_message || "Generation failed");
      return;
    }
    const settled =
      list.length === clipIds.size &&
      list.every((clip) => clip.duration.status !== "pending" && clip.duration.status !== "processing");
    if (settled && statuses.every((status) => status.status === "complete")) {
      refreshCredits().catch(() => {});
      return;
    }
  }
}
const clipState = (clip) =>
  clip.deleted_at || /fail|error/.test(clip.duration.status)
    ? "Failed"
    : clip.duration.status === "completed"
      ? `${clip.duration.value} s`
      : "Generating…";

refreshCredits().catch(() => {});
keepSessionFresh();
