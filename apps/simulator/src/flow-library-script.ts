/** A song row, as browser script: "Open details for <title>", the link named <title>, its state, "More options for <title>". */
const ROW_SCRIPT = String.raw`
function songRow(clip, tag) {
  const row = document.createElement(tag);
  row.className = "song-row";
  row.dataset.row = clip.id;
  const title = escapeHtml(clip.title);
  row.innerHTML = '<button type="button" aria-label="Open details for ' + title + '"><svg aria-hidden="true" width="10" height="10" viewBox="0 0 10 10"><path d="M2 1l6 4-6 4z" fill="currentColor"/></svg></button>'
    + '<a href="/song/' + clip.id + '">' + title + '</a><span class="state">' + clipState(clip) + "</span>"
    + '<button type="button" aria-label="More options for ' + title + '" aria-haspopup="menu" aria-expanded="false"><svg aria-hidden="true" width="14" height="4" viewBox="0 0 14 4"><circle cx="2" cy="2" r="1.5"/><circle cx="7" cy="2" r="1.5"/><circle cx="12" cy="2" r="1.5"/></svg></button>';
  const [details, more] = row.querySelectorAll("button");
  details.addEventListener("click", () => { location.href = "/song/" + clip.id; });
  more.addEventListener("click", (event) => {
    event.stopPropagation();
    if (more.getAttribute("aria-expanded") === "true") closeMenus(); else songMenu(more, clip);
  });
  return row;
}
`;

/**
 * The library, as browser script: rows (not list items unless `libraryRows` is "li") rendered from
 * `GET /__api/clips/auth-user`, 50 at a time — the next page loads when the end of the list scrolls into view —
 * and the first page asked again while a song is still generating.
 */
export function flowLibraryScript(): string {
  return `${ROW_SCRIPT}${String.raw`
const PAGE_SIZE = 50;
const songs = document.getElementById("songs");
const rowTag = FLOW.libraryRows === "li" ? "li" : "div";
let offset = 0;
let exhausted = false;
let loading = null;
function place(clip, atTop) {
  const existing = songs.querySelector('[data-row="' + clip.id + '"]');
  if (existing) { existing.querySelector(".state").textContent = clipState(clip); return; }
  const row = songRow(clip, rowTag);
  if (atTop) songs.prepend(row); else songs.append(row);
}
function loadPage() {
  if (exhausted) return Promise.resolve();
  loading = loading || (async () => {
    const { clips } = await (await api("/__api/clips/auth-user?limit=" + PAGE_SIZE + "&offset=" + offset + "&filter=generations")).json();
    for (const clip of clips) place(clip, false);
    offset += clips.length;
    if (clips.length < PAGE_SIZE) exhausted = true;
  })().finally(() => {
    loading = null;
    // A tall window may still show the end of the list: keep loading until it does not.
    if (!exhausted && document.getElementById("more").getBoundingClientRect().top < innerHeight) setTimeout(() => loadPage().catch(() => {}), 0);
  });
  return loading;
}
// New songs (stems, or songs still generating) show up at the top as they settle.
function showClips(clips) { for (const clip of [...clips].reverse()) place(clip, true); }
async function watchPending() {
  for (;;) {
    await sleep(Math.max(1000, FLOW.statusPollMs));
    if (!songs.querySelector(".state") || ![...songs.querySelectorAll(".state")].some((state) => state.textContent === "Generating…")) continue;
    const { clips } = await (await api("/__api/clips/auth-user?limit=" + PAGE_SIZE + "&offset=0&filter=generations")).json();
    for (const clip of clips) place(clip, false);
  }
}
new IntersectionObserver((entries) => { if (entries.some((entry) => entry.isIntersecting)) loadPage().catch(() => {}); }).observe(document.getElementById("more"));
loadPage().catch(() => {});
watchPending().catch(() => {});
`}`;
}

/** A song's own page: its row, with the same menu. */
export function flowSongScript(): string {
  return `${ROW_SCRIPT}
document.getElementById("songs").append(songRow(SONG, "div"));
function showClips() {}
`;
}
