// The status page's song operations: each song's lineage, and a button per operation that opens a small form and
// queues the operation as a job (POST /v1/operations). One click sends one request: the form's button stays
// disabled until the daemon answers, and the request carries an idempotency key minted when the form opened, so
// even a request sent twice makes one job — a paid edit is never paid twice.
"use strict";

/** What the daemon told the page of its site: each operation's cost in words, and the formats it downloads. */
const FACTS = (() => {
  try {
    return JSON.parse($("page-facts")?.textContent ?? "{}");
  } catch {
    return {};
  }
})();

const roundSecs = (value) => Math.max(0, Math.floor(Number(value) || 0));
const seedField = { name: "seed", label: "Seed (optional)", type: "number", min: 0, step: 1 };
const promptField = (label, required) => ({ name: "prompt", label, type: "text", required });
const secondsField = (name, label, value) => ({ name, label, type: "number", value, min: 0, step: 0.1 });

/** Each operation: its button's label, its form's fields (defaults from the song), and its request's settings. */
const OPERATIONS = [
  {
    kind: "extend",
    label: "Extend",
    fields: () => [
      { name: "seconds", label: "Seconds to add (1–240)", type: "number", value: 30, min: 1, max: 240, step: 1 },
      secondsField("fromSecs", "From second (the end when empty)"),
      promptField("What the new part should be (optional)", false),
      seedField,
    ],
  },
  {
    kind: "replace",
    label: "Replace",
    fields: (track) => [
      secondsField("startSecs", "Redo from second", 0),
      secondsField("endSecs", "Up to second", Math.min(10, roundSecs(track.durationSecs))),
      promptField("What that stretch should become", true),
      seedField,
    ],
    settings: ({ startSecs, endSecs, ...rest }) => ({ regions: [{ startSecs, endSecs }], ...rest }),
  },
  {
    kind: "cover",
    label: "Cover",
    fields: () => [
      promptField("The new version's style", true),
      {
        name: "strength",
        label: "Strength 0–1 (low keeps more; optional)",
        type: "number",
        min: 0,
        max: 1,
        step: 0.05,
      },
      seedField,
    ],
  },
  { kind: "stems", label: "Stems", fields: () => [] },
  {
    kind: "trim",
    label: "Trim",
    fields: (track) => [
      secondsField("startSecs", "Keep from second", 0),
      secondsField("endSecs", "Up to second", roundSecs(track.durationSecs)),
    ],
  },
  {
    kind: "speed",
    label: "Speed",
    fields: () => [
      { name: "factor", label: "Times as fast (0.5–2)", type: "number", value: 1.25, min: 0.5, max: 2, step: 0.05 },
      {
        name: "semitones",
        label: "Pitch in semitones (−12 to 12)",
        type: "number",
        value: 0,
        min: -12,
        max: 12,
        step: 1,
      },
    ],
  },
  {
    kind: "convert",
    label: "Convert",
    fields: (track) => {
      const formats = (FACTS.formats ?? ["mp3", "wav", "m4a"]).filter((format) => format !== track.format);
      return [{ name: "format", label: "Format", type: "select", options: formats }];
    },
  },
];

/** A fresh idempotency key, from the browser's random source (also on a plain-HTTP page, unlike randomUUID). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `status-page-${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** A form field with its label; a number left empty is left out of the request. */
function fieldOf(field, id) {
  const control =
    field.type === "select"
      ? el(
          "select",
          { id, name: field.name },
          ...field.options.map((option) => el("option", { value: option, text: option })),
        )
      : el("input", {
          id,
          name: field.name,
          type: field.type,
          value: field.value,
          min: field.min,
          max: field.max,
          step: field.step,
          required: field.required,
          inputmode: field.type === "number" ? "decimal" : undefined,
        });
  return el("div", { class: "field" }, el("label", { for: id, text: field.label }), control);
}

/** The operation's settings as the form holds them: numbers as numbers, empty fields left out. */
function settingsOf(form, spec, fields) {
  const values = {};
  for (const field of fields) {
    const raw = form.elements.namedItem(field.name).value.trim();
    if (raw === "") continue;
    values[field.name] = field.type === "number" ? Number(raw) : raw;
  }
  return { kind: spec.kind, ...(spec.settings ? spec.settings(values) : values) };
}

/** An error answer in words: its code and message, and what each refused field must be (never a stack). */
function problemText(error) {
  const problem = error.body?.error;
  if (!problem?.code) return `Could not reach the daemon: ${error.message}`;
  const fields = (problem.details?.fields ?? [])
    .map((field) => `${field.path} ${field.message}`)
    .filter((said) => !problem.message.includes(said));
  return `${problem.code}: ${problem.message}${fields.length > 0 ? ` (${fields.join("; ")})` : ""}`;
}

function operationForm(track, spec) {
  const fields = spec.fields(track);
  const prefix = `op-${track.id}-${spec.kind}`;
  const submit = el("button", { type: "submit", text: `Queue ${spec.kind}` });
  const outcome = el("p", { class: "outcome", role: "status", "aria-live": "polite" });
  const form = el(
    "form",
    { class: "operation-form", id: prefix, novalidate: true, "aria-label": `${spec.label} ${track.title}` },
    el("p", { class: "cost", text: FACTS.costs?.[spec.kind] ?? "" }),
    ...fields.map((field) => fieldOf(field, `${prefix}-${field.name}`)),
    submit,
    outcome,
  );
  const key = newKey();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.state) return;
    form.dataset.state = "sending";
    submit.disabled = true;
    outcome.className = "outcome";
    outcome.textContent = "Sending…";
    try {
      const body = { operation: settingsOf(form, spec, fields), source: { trackId: track.id }, idempotencyKey: key };
      const answer = await api("/v1/operations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      // Sent once: this form stays spent; opening the operation again makes a new one.
      form.dataset.state = "queued";
      outcome.textContent = `Queued as job ${answer.jobId}.`;
      announce(`${spec.label} of ${track.title} queued as job ${answer.jobId}`);
      void refresh();
    } catch (error) {
      delete form.dataset.state;
      submit.disabled = false;
      outcome.className = "outcome error";
      outcome.textContent = problemText(error);
    }
  });
  return form;
}

/** The song's operation buttons, and the place their forms open in (one at a time; a second click closes it). */
function operationMenu(track) {
  const place = el("div", { class: "operation-place" });
  const buttons = OPERATIONS.map((spec) => {
    const button = el("button", {
      type: "button",
      text: spec.label,
      "data-operation": spec.kind,
      "aria-expanded": "false",
      "aria-controls": `op-${track.id}-${spec.kind}`,
    });
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") === "true";
      for (const other of buttons) other.setAttribute("aria-expanded", "false");
      if (open) return place.replaceChildren();
      button.setAttribute("aria-expanded", "true");
      const form = operationForm(track, spec);
      place.replaceChildren(form);
      form.querySelector("input, select, button")?.focus();
    });
    return button;
  });
  return [
    el("div", { class: "operations", role: "group", "aria-label": `Operations on ${track.title}` }, ...buttons),
    place,
  ];
}

/** "extend of <source>": a link to the source's row when the page shows it, else its track or clip id. */
function lineageParts(track, byId) {
  const derived = [...byId.values()].filter((other) => other.sourceTrackId === track.id).length;
  const parts = [];
  if (track.operation === "import") parts.push(`imported from the site's library (clip ${track.sourceClipId})`);
  else if (track.operation === "reference") parts.push(`a new song with clip ${track.sourceClipId} as its reference`);
  else if (track.operation) {
    const source = track.sourceTrackId ? byId.get(track.sourceTrackId) : undefined;
    parts.push(`${track.operation} of `);
    if (source) parts.push(el("a", { href: `#track-${source.id}`, text: source.title }));
    else parts.push(track.sourceTrackId ? `track ${track.sourceTrackId}` : `clip ${track.sourceClipId}`);
  }
  if (derived > 0) {
    if (parts.length > 0) parts.push(" · ");
    parts.push(`${derived} ${derived === 1 ? "song" : "songs"} made from it`);
  }
  return parts;
}

/** Keeps each song's lineage line current (a source may show up, or a song be made from it), rebuilt only on change. */
function renderLineage(container, tracks) {
  const byId = new Map(tracks.map((track) => [track.id, track]));
  for (const track of tracks) {
    const cell = container.querySelector(`[data-key="${CSS.escape(track.id)}"] [data-cell="lineage"]`);
    if (!cell) continue;
    const parts = lineageParts(track, byId);
    const text = parts.map((part) => (typeof part === "string" ? part : `[${part.textContent}]`)).join("");
    if (cell.dataset.text === text) continue;
    cell.dataset.text = text;
    cell.replaceChildren(...parts);
    cell.hidden = parts.length === 0;
  }
}

/** A job's prompt, led by its operation's kind for an operation job. */
function jobLabel(job) {
  const kind = job.input.operation?.kind;
  return kind ? [el("span", { class: "kind", text: kind }), " ", job.input.prompt] : [job.input.prompt];
}
