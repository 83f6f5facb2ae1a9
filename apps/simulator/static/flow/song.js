// @ts-check
// A song's own page: its row, with the same menu. Needs `SONG` and song-row.js.
document.getElementById("songs").append(songRow(SONG, "div"));
