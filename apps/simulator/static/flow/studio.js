// @ts-check
// The studio: the compose panel (which keeps the previous session's values in local storage, as the real one
// does) building the direct tool call the way the web form does — BPM folded into the prompt, length as the
// lyrics' last line `[End - m:ss]`, instrumental as the lyrics `[Instrumental]`, lyrics by id in
// `client_context.lyrics_id_map`, the model's public name as `client_context.selected_model` — and the chat.
const $ = (id) => document.getElementById(id);
const textField = (id) => /** @type {HTMLInputElement | HTMLTextAreaElement} */ ($(id));
const saved = JSON.parse(localStorage.getItem("flow-compose") || "{}");
const fields = {
  sound: textField("sound"),
  lyrics: textField("lyrics"),
  bpm: textField("bpm"),
  length: textField("length"),
  seed: textField("seed"),
  title: textField("title"),
};
const switches = { instrumental: $("instrumental"), advanced: $("advanced") };
const state = { open: false, details: false, model: null, ...saved };
for (const [key, element] of Object.entries(fields)) element.value = state[key] || "";
for (const [key, element] of Object.entries(switches))
  element.setAttribute("aria-checked", state[key] ? "true" : "false");
const save = () => localStorage.setItem("flow-compose", JSON.stringify(state));
const isOn = (name) => switches[name].getAttribute("aria-checked") === "true";
const LENGTH = /^(\d{1,2}):([0-5]\d)$/;

function valid() {
  const hasWords = fields.sound.value.trim() !== "" || (!isOn("instrumental") && fields.lyrics.value.trim() !== "");
  if (!hasWords) return false;
  if (!isOn("advanced")) return true;
  const bpm = fields.bpm.value.trim(),
    length = fields.length.value.trim(),
    seed = fields.seed.value.trim();
  return (!bpm || /^\d{2,3}$/.test(bpm)) && (!length || LENGTH.test(length)) && (!seed || /^\d+$/.test(seed));
}
function render() {
  $("compose").hidden = !state.open;
  $("compose-toggle").setAttribute("aria-expanded", String(state.open));
  $("advanced-fields").hidden = !isOn("advanced");
  $("details").hidden = !state.details;
  $("details-toggle").setAttribute("aria-expanded", String(state.details));
  $("details-toggle").setAttribute("aria-label", state.details ? "Collapse Details section" : "Expand Details section");
  $("title-placeholder").hidden = fields.title.value !== "";
  $("model-label").textContent = state.model || FLOW.models[0].publicName;
  /** @type {HTMLButtonElement} */ ($("generate")).disabled = !valid();
}
$("compose-toggle").addEventListener("click", () => {
  state.open = !state.open;
  save();
  render();
});
$("details-toggle").addEventListener("click", () => {
  state.details = !state.details;
  save();
  render();
});
for (const [key, element] of Object.entries(fields))
  element.addEventListener("input", () => {
    state[key] = element.value;
    save();
    render();
  });
for (const [key, element] of Object.entries(switches))
  element.addEventListener("click", () => {
    state[key] = !isOn(key);
    element.setAttribute("aria-checked", String(state[key]));
    save();
    render();
  });
$("model").addEventListener("click", (event) => {
  event.stopPropagation();
  if ($("model").getAttribute("aria-expanded") === "true") {
    closeMenus();
    return;
  }
  // Each item's name is the model's name and its blurb, from child elements: "Lyria 3 Pro Best vocals, slower".
  const menu = openMenu(
    $("model"),
    FLOW.models.map((model) => ({
      label: model.publicName,
      action: () => {
        state.model = model.publicName;
        save();
        render();
      },
    })),
    0,
    "portal",
  );
  for (const item of menu.querySelectorAll("[role=menuitem]")) {
    const model = FLOW.models.find((entry) => entry.publicName === item.textContent);
    item.innerHTML = `<span>${escapeHtml(model.publicName)}</span> <span>${escapeHtml(model.blurb)}</span>`;
  }
  focusFirstItem(menu);
});
api("/__api/models")
  .then((response) => response.json())
  .then(({ models }) => {
    if (!state.model) {
      state.model = (models.find((model) => model.is_default) || models[0]).public_name;
      render();
    }
  })
  .catch(() => {});

// The songs this page made (and the stems it split) show under Recent as they settle.
function showRecent(clips) {
  const list = $("recent");
  for (const clip of clips) {
    let row = /** @type {HTMLElement | null} */ (list.querySelector(`[data-clip="${clip.id}"]`));
    if (!row) {
      row = document.createElement("div");
      row.className = "song-row";
      row.dataset.clip = clip.id;
      list.prepend(row);
    }
    row.innerHTML = `<a href="/song/${clip.id}">${escapeHtml(clip.title)}</a> <span>${clipState(clip)}</span>`;
  }
}
showNewClips = showRecent;
function progress(clips, statuses) {
  showRecent(clips);
  $("progress").textContent = statuses.map((status) => status.status).join(", ");
}

/** The app's lyrics id: uuid v5 (SHA-1) of the UTF-8 text in its namespace; "" for no text or a bare [Instrumental]. */
async function lyricsIdOf(text) {
  if (text === "" || text === "[Instrumental]") return "";
  const namespace = "b8f9e3a1-7c2d-4f5e-9a8b-1c3d5e7f9a2b".replace(/-/g, "");
  const name = new TextEncoder().encode(text);
  const bytes = new Uint8Array(16 + name.length);
  for (let i = 0; i < 16; i += 1) bytes[i] = Number.parseInt(namespace.slice(i * 2, i * 2 + 2), 16);
  bytes.set(name, 16);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes)).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = [...hash].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

$("generate").addEventListener("click", async () => {
  if (!valid()) return;
  const advanced = isOn("advanced");
  const bpm = advanced ? fields.bpm.value.trim() : "";
  const length = advanced ? fields.length.value.trim() : "";
  const seed = advanced ? fields.seed.value.trim() : "";
  const prompt = fields.sound.value.trim();
  let lyrics = isOn("instrumental") ? "[Instrumental]" : fields.lyrics.value.trim();
  if (length) lyrics = `${lyrics ? `${lyrics}\n` : ""}[End - ${length}]`;
  const lyricsId = await lyricsIdOf(lyrics);
  $("progress").textContent = "Starting…";
  const jobId = await submitGeneration("/__api/producer/tool-call", {
    conversation_id: await conversationId(),
    part: {
      tool_name: "audio__create_song",
      args: {
        sound_prompt: bpm ? `${prompt}, ${bpm} bpm` : prompt,
        lyrics_id: lyricsId,
        title: fields.title.value.trim() || null,
        seed: seed ? Number(seed) : null,
        image_id: null,
      },
      part_kind: "tool-call",
      tool_call_id: newToolCallId(),
    },
    client_context: {
      selected_model: state.model || FLOW.models[0].publicName,
      lyrics_id_map: lyricsId ? { [lyricsId]: lyrics } : {},
    },
  });
  if (!jobId) {
    $("progress").textContent = "";
    return;
  }
  $("progress").textContent = "Generating…";
  follow(jobId, { onClips: progress });
});

function sendChat() {
  const text = textField("chat").value.trim();
  if (!text) return;
  textField("chat").value = "";
  const mine = document.createElement("div");
  mine.className = "bubble user";
  mine.textContent = text;
  const reply = document.createElement("div");
  reply.className = "bubble producer";
  $("messages").append(mine, reply);
  (async () => {
    const jobId = await submitGeneration("/__api/conversation", {
      conversation_id: await conversationId(),
      parts: [{ content: text, part_kind: "user-prompt" }],
      client_context: { selected_model: state.model || FLOW.models[0].publicName },
      model_name: state.model || FLOW.models[0].publicName,
      mode: "standard",
    });
    if (jobId)
      follow(jobId, {
        onText: (delta) => {
          reply.textContent += delta;
        },
        onClips: showRecent,
      });
  })();
}
$("send").addEventListener("click", sendChat);
$("chat").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    sendChat();
  }
});
render();
