// @ts-check
// The 2025 composer page (producerai-2025, and its renamed redesign): chat, song cards, the More options menu and
// on-demand export. Its words and class names come from `COMPOSER`, written by the server (pages.ts).
const chatHistory = document.getElementById("history");
const banners = document.getElementById("banners");
const input = /** @type {HTMLTextAreaElement} */ (document.getElementById("prompt"));
const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const toSignIn = () => {
  location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

input.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.shiftKey) return;
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send(text);
});

async function send(text) {
  const user = document.createElement("div");
  user.className = COMPOSER.userClass;
  user.textContent = text;
  chatHistory.append(user);
  const response = await fetch("/api/generate", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: text }),
  });
  if (response.status === 401) return toSignIn();
  if (response.status === 402) {
    banners.innerHTML = COMPOSER.quotaBanner;
    return;
  }
  if (!response.ok) {
    const failure = document.createElement("div");
    failure.className = "error-part";
    failure.textContent = "Something went wrong. Please try again.";
    chatHistory.append(failure);
    return;
  }
  const generation = await response.json();
  follow(generation.id, text);
}

async function follow(id, text) {
  let reply;
  for (;;) {
    const response = await fetch(`/api/generations/${id}`);
    if (response.status === 401) return toSignIn();
    if (response.ok) {
      const state = await response.json();
      if (state.replied && !reply) reply = renderReply(state, text);
      if (reply) updateCards(reply, state);
      if (reply && state.status === "ready") {
        if (state.overlay) showOverlay();
        return;
      }
    }
    await sleep(150);
  }
}

function renderReply(state, text) {
  const reply = document.createElement("div");
  reply.className = COMPOSER.replyClass;
  reply.innerHTML = `<p>Here are ${state.songs.length} takes on &ldquo;${escapeHtml(text)}&rdquo;.</p><div class=cards></div>`;
  const cards = reply.querySelector(".cards");
  for (const song of state.songs) {
    const card = document.createElement("div");
    card.className = `${COMPOSER.cardClass} ${COMPOSER.pendingClass} card waiting`;
    card.dataset.songId = song.id;
    card.dataset.state = "generating";
    card.innerHTML = `<div class="${COMPOSER.titleClass}">Generating&hellip;</div>`;
    cards.append(card);
  }
  chatHistory.append(reply);
  return reply;
}

function formatDuration(seconds) {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function updateCards(reply, state) {
  for (const song of state.songs) {
    const card = reply.querySelector(`[data-song-id="${song.id}"]`);
    if (!card || card.dataset.state === song.status || song.status === "generating") continue;
    card.dataset.state = song.status;
    if (song.status === "failed") {
      card.className = `${COMPOSER.cardClass} ${COMPOSER.failedClass} card`;
      card.innerHTML = `<div class="${COMPOSER.titleClass}">${escapeHtml(song.title)}</div><p>This song could not be generated.</p>`;
      continue;
    }
    card.className = `${COMPOSER.cardClass} card`;
    card.innerHTML =
      '<a class="song-link" href="' +
      COMPOSER.songPath +
      song.id +
      '"><span class="' +
      COMPOSER.titleClass +
      '">' +
      escapeHtml(song.title) +
      "</span></a>" +
      ' <span class="duration">' +
      formatDuration(song.durationSecs) +
      "</span>" +
      ' <button type="button" class="more" aria-label="' +
      COMPOSER.moreOptionsLabel +
      '" aria-haspopup="menu">&#8943;</button>';
    card.querySelector("button.more").addEventListener("click", (event) => {
      event.stopPropagation();
      openMenu(card, song);
    });
  }
}

function closeMenus() {
  // With menus that stay open, each card keeps its own open menu until the page reloads.
  if (COMPOSER.menusStayOpen) return;
  for (const menu of document.querySelectorAll(".menu")) menu.remove();
}
document.addEventListener("click", closeMenus);

function menuItem(label, onClick) {
  const item = document.createElement("button");
  item.type = "button";
  item.setAttribute("role", "menuitem");
  item.textContent = label;
  item.addEventListener("click", (event) => {
    event.stopPropagation();
    if (onClick) onClick(item);
    else closeMenus();
  });
  return item;
}

function openMenu(card, song) {
  closeMenus();
  const menu = document.createElement("div");
  menu.className = COMPOSER.menusStayOpen ? "menu inline" : "menu";
  if (!COMPOSER.bareMenus) menu.setAttribute("role", "menu");
  menu.append(
    menuItem("Remix"),
    menuItem("Details"),
    menuItem(COMPOSER.downloadLabel, () => openDownloadMenu(menu, song)),
    menuItem("Share\u2026"),
    menuItem("Add to\u2026"),
    menuItem("Report"),
  );
  card.append(menu);
}

function openDownloadMenu(menu, song) {
  if (menu.querySelector(".submenu")) return;
  const submenu = document.createElement("div");
  submenu.className = "menu submenu";
  if (!COMPOSER.bareMenus) submenu.setAttribute("role", "menu");
  const pick = (format) => () => {
    closeMenus();
    exportAndDownload(song, format);
  };
  submenu.append(
    menuItem(COMPOSER.formatLabels.mp3, pick("mp3")),
    menuItem(COMPOSER.formatLabels.m4a, pick("m4a")),
    menuItem(COMPOSER.formatLabels.wav, pick("wav")),
    menuItem("Get stems"),
    menuItem("Download video"),
  );
  menu.append(submenu);
}

async function exportAndDownload(song, format) {
  const response = await fetch(`/api/songs/${song.id}/export?format=${format}`, { method: "POST" });
  if (response.status === 401) return toSignIn();
  if (!response.ok) return;
  const { url } = await response.json();
  const link = document.createElement("a");
  link.href = url;
  link.download = "";
  document.body.append(link);
  link.click();
  link.remove();
}

// A song's own page shows its card on load.
const PRELOAD = COMPOSER.preload;
if (PRELOAD.length > 0) updateCards(renderReply({ songs: PRELOAD }, PRELOAD[0].title), { songs: PRELOAD });

function showOverlay() {
  const overlay = document.createElement("div");
  overlay.className = "overlay";
  overlay.setAttribute("role", "dialog");
  overlay.setAttribute("aria-modal", "true");
  overlay.innerHTML = `<div class="dialog"><h2>What\u2019s new</h2><p>Stems are here! Split any song into parts.</p><button type="button" aria-label="${COMPOSER.closeLabel}">&times;</button></div>`;
  overlay.querySelector("button").addEventListener("click", () => overlay.remove());
  document.body.append(overlay);
}
