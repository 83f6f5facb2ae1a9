// @ts-check
// The library: rows (not list items unless `FLOW.libraryRows` is "li") rendered from `GET /__api/clips/auth-user`,
// 50 at a time — the next page loads when the end of the list scrolls into view — and the first page asked again
// while a song is still generating. Needs song-row.js.

const PAGE_SIZE = 50;
const songs = document.getElementById("songs");
const rowTag = FLOW.libraryRows === "li" ? "li" : "div";
let offset = 0;
let exhausted = false;
let loading = null;
function place(clip, atTop) {
  const existing = songs.querySelector(`[data-row="${clip.id}"]`);
  if (existing) {
    existing.querySelector(".state").textContent = clipState(clip);
    return;
  }
  const row = songRow(clip, rowTag);
  if (atTop) songs.prepend(row);
  else songs.append(row);
}
function loadPage() {
  if (exhausted) return Promise.resolve();
  loading =
    loading ||
    (async () => {
      const { clips } = await (
        await api(`/__api/clips/auth-user?limit=${PAGE_SIZE}&offset=${offset}&filter=generations`)
      ).json();
      for (const clip of clips) place(clip, false);
      offset += clips.length;
      if (clips.length < PAGE_SIZE) exhausted = true;
    })().finally(() => {
      loading = null;
      // A tall window may still show the end of the list: keep loading until it does not.
      if (!exhausted && document.getElementById("more").getBoundingClientRect().top < innerHeight)
        setTimeout(() => loadPage().catch(() => {}), 0);
    });
  return loading;
}
// New songs (stems, or songs still generating) show up at the top as they settle.
function showAtTop(clips) {
  for (const clip of [...clips].reverse()) place(clip, true);
}
showNewClips = showAtTop;
async function watchPending() {
  for (;;) {
    await sleep(Math.max(1000, FLOW.statusPollMs));
    if (
      !songs.querySelector(".state") ||
      ![...songs.querySelectorAll(".state")].some((state) => state.textContent === "Generating…")
    )
      continue;
    const { clips } = await (await api(`/__api/clips/auth-user?limit=${PAGE_SIZE}&offset=0&filter=generations`)).json();
    for (const clip of clips) place(clip, false);
  }
}
new IntersectionObserver((entries) => {
  if (entries.some((entry) => entry.isIntersecting)) loadPage().catch(() => {});
}).observe(document.getElementById("more"));
loadPage().catch(() => {});
watchPending().catch(() => {});
