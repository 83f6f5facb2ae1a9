// @ts-check
// A song row, as the library and a song's own page show it: "Open details for <title>", the link named <title>,
// its state, and "More options for <title>" (the song's menu, menus.js).

/**
 * @param {Clip} clip
 * @param {"div" | "li"} tag
 */
function songRow(clip, tag) {
  const row = document.createElement(tag);
  row.className = "song-row";
  row.dataset.row = clip.id;
  const title = escapeHtml(clip.title);
  row.innerHTML =
    '<button type="button" aria-label="Open details for ' +
    title +
    '"><svg aria-hidden="true" width="10" height="10" viewBox="0 0 10 10"><path d="M2 1l6 4-6 4z" fill="currentColor"/></svg></button>' +
    '<a href="/song/' +
    clip.id +
    '">' +
    title +
    '</a><span class="state">' +
    clipState(clip) +
    "</span>" +
    '<button type="button" aria-label="More options for ' +
    title +
    '" aria-haspopup="menu" aria-expanded="false"><svg aria-hidden="true" width="14" height="4" viewBox="0 0 14 4"><circle cx="2" cy="2" r="1.5"/><circle cx="7" cy="2" r="1.5"/><circle cx="12" cy="2" r="1.5"/></svg></button>';
  const [details, more] = row.querySelectorAll("button");
  details.addEventListener("click", () => {
    location.href = `/song/${clip.id}`;
  });
  more.addEventListener("click", (event) => {
    event.stopPropagation();
    if (more.getAttribute("aria-expanded") === "true") closeMenus();
    else songMenu(more, clip);
  });
  return row;
}
