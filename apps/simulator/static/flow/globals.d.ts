// For the type check only (`tsc -p static/flow`): what the 2026 app's page scripts find on the page. The scripts
// are classic scripts sharing one global scope, loaded in this order: the server's `FLOW` and `PROMO_HTML`,
// common.js, menus.js, then the page's own (studio.js; song-row.js + library.js; `SONG` + song-row.js + song.js).

/** The app's settings for its scripts (`flow-pages.ts`). */
declare const FLOW: import("../../src/script-config.js").FlowScriptConfig;
/** The promo dialog's markup, for the `promo-later` fault. */
declare const PROMO_HTML: string;
/** A song page's own clip. */
declare const SONG: Clip;

/** A clip as `/__api/clips` and the listings answer it: the fields the scripts read. */
interface Clip {
  id: string;
  title: string;
  op_id: string;
  deleted_at: string | null;
  duration: { status: string; value: string | null };
}

/** An operation's status, as `/__api/audio-create-song-status/<op_id>` answers it. */
interface OperationStatus {
  status: string;
  error_message?: string;
}

/** An entry of a menu `openMenu` shows: a submenu, an action, or neither (an item that does nothing). */
interface MenuEntry {
  label: string;
  submenu?: MenuEntry[];
  action?: () => void;
}
