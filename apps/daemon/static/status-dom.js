// The status page's DOM and API helpers, shared by status.js (loaded after this file, in the same global scope).
"use strict";

const $ = (id) => document.getElementById(id);

/** An element with text and attributes; text always goes in as text, never as markup. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

async function api(path, init) {
  const response = await fetch(path, { credentials: "same-origin", ...init });
  if (response.status === 401) {
    location.reload();
    throw new Error("signed out");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok)
    throw Object.assign(new Error(body?.error?.message ?? `HTTP ${response.status}`), {
      status: response.status,
      body,
    });
  return body;
}

const when = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");
const seconds = (value) => `${Number(value).toFixed(1)} s`;

function announce(text) {
  $("announce").textContent = text;
}

/**
 * Keeps the rows of `container` in the order of `items`, one per key: rows already shown are only updated
 * (`update`), new ones are built (`build`), and rows whose item is gone are removed.
 */
function syncRows(container, items, key, build, update) {
  const existing = new Map(
    [...container.children].filter((row) => row.dataset.key).map((row) => [row.dataset.key, row]),
  );
  let previous = null;
  for (const item of items) {
    const id = key(item);
    let row = existing.get(id);
    if (row) {
      existing.delete(id);
      update?.(row, item);
    } else {
      row = build(item);
      row.dataset.key = id;
    }
    const next = previous ? previous.nextSibling : container.firstChild;
    if (row !== next) container.insertBefore(row, next);
    previous = row;
  }
  for (const row of existing.values()) row.remove();
  const empty = container.closest("section")?.querySelector(".empty");
  if (empty) empty.hidden = items.length > 0;
}

function setCell(row, name, content) {
  const cell = row.querySelector(`[data-cell="${name}"]`);
  if (!cell) return;
  if (typeof content === "string") {
    if (cell.textContent !== content) cell.textContent = content;
  } else {
    cell.replaceChildren(...content);
  }
}
