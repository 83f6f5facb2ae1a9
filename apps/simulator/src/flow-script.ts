/**
 * The Flow app's page scripts. `common` holds what every signed-in page does: read the chunked Supabase cookie
 * for the Bearer token, call `/__api/*`, follow a job (its never-ending message stream, the status poll, the
 * clips), and the Radix-style menus (portaled to <body>; a pointer click on a submenu item does nothing — only
 * keyboard focus and Enter picks it, as on the real app).
 */
export function flowCommonScript(options: { cookieBase: string; statusPollMs: number }): string {
  return `
const COOKIE_BASE = ${JSON.stringify(options.cookieBase)};
const POLL_MS = ${JSON.stringify(options.statusPollMs)};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
function accessToken() {
  const jar = Object.fromEntries(document.cookie.split("; ").filter(Boolean).map((pair) => { const at = pair.indexOf("="); return [pair.slice(0, at), pair.slice(at + 1)]; }));
  let value = "";
  for (let index = 0; jar[COOKIE_BASE + "." + index] !== undefined; index += 1) value += jar[COOKIE_BASE + "." + index];
  if (!value.startsWith("base64-")) return "";
  const b64 = value.slice(7).replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (ch) => ch.charCodeAt(0));
  try { return JSON.parse(new TextDecoder().decode(bytes)).access_token || ""; } catch { return ""; }
}
async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { "content-type": "application/json", authorization: "Bearer " + accessToken(), ...(init.headers || {}) } });
  if (response.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); throw new Error("signed out"); }
  return response;
}
function showAlert(text) {
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  alert.className = "alert";
  alert.textContent = text;
  document.getElementById("alerts").append(alert);
}
async function refreshCredits() {
  const response = await api("/__api/billing/credits");
  const { data } = await response.json();
  const el = document.getElementById("credits");
  if (el) el.textContent = data.credits_remaining + " credits";
}
// Follows one job: the reply stream names its operation, then the page polls the status and the clips.
async function follow(jobId, onClips) {
  let opId = null;
  let clipIds = [];
  (async () => {
    const response = await api("/__api/messages/" + jobId + "/stream?last_id=0", { headers: { accept: "text/event-stream" } });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let at;
      while ((at = buffer.indexOf("\\n\\n")) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const data = block.split("\\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("");
        if (!data || data === "[DONE]") continue;
        try { const event = JSON.parse(data); if (event.op_id) { opId = event.op_id; clipIds = event.clip_ids || []; } } catch {}
      }
    }
  })().catch(() => {});
  for (;;) {
    await sleep(POLL_MS);
    if (!opId) continue;
    const status = await (await api("/__api/audio-create-song-status/" + opId)).json();
    clipIds = status.clip_ids || clipIds;
    const { clips } = await (await api("/__api/clips", { method: "POST", body: JSON.stringify({ clip_ids: clipIds }) })).json();
    if (onClips) onClips(Object.values(clips), status);
    if (status.status === "failed") { showAlert(status.error_message || "Generation failed"); return; }
    const settled = Object.values(clips).length > 0 && Object.values(clips).every((clip) => clip.duration.status !== "pending");
    if (status.status === "completed" && settled) { refreshCredits().catch(() => {}); return; }
  }
}

// Radix-style menus.
function closeMenus() { for (const menu of document.querySelectorAll("[data-menu]")) menu.remove(); }
document.addEventListener("click", (event) => { if (!event.target.closest("[data-menu]")) closeMenus(); });
document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenus(); });
function openMenu(anchor, items, level = 0) {
  if (level === 0) closeMenus();
  const menu = document.createElement("div");
  menu.setAttribute("role", "menu");
  menu.dataset.menu = String(level);
  menu.tabIndex = -1;
  const box = anchor.getBoundingClientRect();
  menu.style.top = (box.top + window.scrollY + (level === 0 ? box.height + 4 : 0)) + "px";
  menu.style.left = Math.max(4, box.left + window.scrollX - (level === 0 ? 0 : 190)) + "px";
  for (const entry of items) {
    const item = document.createElement("div");
    item.setAttribute("role", "menuitem");
    item.tabIndex = -1;
    item.textContent = entry.label;
    if (entry.submenu) item.setAttribute("aria-haspopup", "menu");
    const activate = () => {
      if (entry.submenu) { const sub = openMenu(item, entry.submenu, level + 1); sub.querySelector("[role=menuitem]").focus(); return; }
      closeMenus();
      if (entry.action) entry.action();
    };
    item.addEventListener("click", (event) => {
      event.stopPropagation();
      // A pointer click on a submenu item lands elsewhere and does nothing; keyboard Enter works.
      if (level > 0 && event.detail > 0) return;
      activate();
    });
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " " || (event.key === "ArrowRight" && entry.submenu)) { event.preventDefault(); event.stopPropagation(); activate(); }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const all = [...menu.querySelectorAll("[role=menuitem]")];
        const next = all[(all.indexOf(item) + (event.key === "ArrowDown" ? 1 : all.length - 1)) % all.length];
        next.focus();
      }
      if (event.key === "ArrowLeft" && level > 0) { event.preventDefault(); menu.remove(); anchor.focus(); }
    });
    menu.append(item);
  }
  document.body.append(menu);
  return menu;
}
function songMenu(button, clip) {
  const download = (format) => () => {
    const link = document.createElement("a");
    link.href = "/__api/download/audio/" + clip.id + "?format=" + format;
    link.download = "";
    document.body.append(link);
    link.click();
    link.remove();
  };
  const remix = ["Start session", "Cover", "Replace", "Extend", "Use prompt", "Variation", "Trim"].map((label) => ({ label }));
  const menu = openMenu(button, [
    { label: "Remix", submenu: remix },
    { label: "Download", submenu: [{ label: "M4A", action: download("m4a") }, { label: "MP3", action: download("mp3") }, { label: "WAV", action: download("wav") }] },
    { label: "Split stems", action: async () => {
      const response = await api("/__api/producer/tool-call", { method: "POST", body: JSON.stringify({ tool: "split_stems", args: { clip_id: clip.id } }) });
      if (!response.ok) { showAlert("Could not split stems"); return; }
      const { job_id } = await response.json();
      showAlert("Splitting stems…");
      follow(job_id);
    } },
    { label: "Add to playlist" },
    { label: "Delete" },
  ]);
  menu.querySelector("[role=menuitem]").focus();
}
`;
}

/** The studio: the compose panel (which keeps its values between visits) and the chat. */
export function flowStudioScript(): string {
  return `
const saved = JSON.parse(localStorage.getItem("flow-compose") || "{}");
const $ = (id) => document.getElementById(id);
const panel = $("compose");
const toggle = $("compose-toggle");
const fields = { sound: $("sound"), lyrics: $("lyrics"), bpm: $("bpm"), length: $("length"), seed: $("seed"), title: $("title") };
const switches = { instrumental: $("instrumental"), advanced: $("advanced") };
const state = { open: false, model: ${JSON.stringify("lyria-3.5")}, details: false, ...saved };
for (const [key, el] of Object.entries(fields)) el.value = state[key] || "";
for (const [key, el] of Object.entries(switches)) el.setAttribute("aria-checked", state[key] ? "true" : "false");
const save = () => localStorage.setItem("flow-compose", JSON.stringify(state));
function render() {
  panel.hidden = !state.open;
  toggle.setAttribute("aria-expanded", String(state.open));
  $("advanced-fields").hidden = switches.advanced.getAttribute("aria-checked") !== "true";
  $("details").hidden = !state.details;
  $("details-toggle").setAttribute("aria-label", state.details ? "Collapse Details section" : "Expand Details section");
  $("title-placeholder").hidden = fields.title.value !== "";
  const model = MODELS.find((entry) => entry.id === state.model) || MODELS[0];
  $("model").textContent = model.label;
  $("generate").disabled = !(fields.sound.value.trim() || fields.lyrics.value.trim());
}
toggle.addEventListener("click", () => { state.open = !state.open; save(); render(); });
$("details-toggle").addEventListener("click", () => { state.details = !state.details; save(); render(); });
for (const [key, el] of Object.entries(fields)) el.addEventListener("input", () => { state[key] = el.value; save(); render(); });
for (const [key, el] of Object.entries(switches)) el.addEventListener("click", () => {
  const on = el.getAttribute("aria-checked") !== "true";
  el.setAttribute("aria-checked", String(on));
  state[key] = on; save(); render();
});
$("model").addEventListener("click", (event) => {
  event.stopPropagation();
  const menu = openMenu($("model"), MODELS.map((model) => ({ label: model.menuName, action: () => { state.model = model.id; save(); render(); } })));
  menu.querySelector("[role=menuitem]").focus();
});
function renderRecent(clips) {
  const list = $("recent");
  for (const clip of clips) {
    let row = list.querySelector('[data-clip="' + clip.id + '"]');
    if (!row) { row = document.createElement("li"); row.dataset.clip = clip.id; list.prepend(row); }
    const state = clip.duration.status === "completed" ? clip.duration.value + " s" : clip.duration.status === "failed" ? "no audio" : "Generating…";
    row.innerHTML = '<a href="/song/' + clip.id + '">' + escapeHtml(clip.title) + "</a> <span>" + state + "</span>";
  }
}
async function submit(path, body) {
  const response = await api(path, { method: "POST", body: JSON.stringify(body) });
  if (response.status === 402) { showAlert("You're out of credits. Upgrade your plan or wait for your credits to renew."); return; }
  if (!response.ok) { showAlert("Something went wrong. Please try again."); return; }
  const { job_id } = await response.json();
  follow(job_id, (clips) => renderRecent(clips));
}
$("generate").addEventListener("click", () => {
  const args = { sound_prompt: fields.sound.value.trim(), lyrics: fields.lyrics.value, instrumental: switches.instrumental.getAttribute("aria-checked") === "true", model: state.model, title: fields.title.value.trim() };
  if (switches.advanced.getAttribute("aria-checked") === "true") {
    if (fields.bpm.value.trim()) args.bpm = Number(fields.bpm.value);
    if (fields.length.value.trim()) args.length = fields.length.value.trim();
    if (fields.seed.value.trim()) args.seed = Number(fields.seed.value);
  }
  submit("/__api/producer/tool-call", { tool: "create_song", args });
});
$("send").addEventListener("click", () => {
  const text = $("chat").value.trim();
  if (!text) return;
  $("chat").value = "";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  bubble.textContent = text;
  $("messages").append(bubble);
  submit("/__api/conversation", { message: text });
});
for (const button of document.querySelectorAll("[data-dismiss]")) button.addEventListener("click", () => button.closest("[data-overlay]").remove());
render();
refreshCredits().catch(() => {});
`;
}

/** The library: one row per song with "Open details for …" and "More options for …". */
export function flowLibraryScript(): string {
  return `
for (const button of document.querySelectorAll("button[data-more]")) {
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    songMenu(button, { id: button.dataset.more, title: button.dataset.title });
  });
}
for (const button of document.querySelectorAll("button[data-details]")) {
  button.addEventListener("click", () => { location.href = "/song/" + button.dataset.details; });
}
refreshCredits().catch(() => {});
`;
}
