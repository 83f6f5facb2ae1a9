import type { DomVariant } from "./variants.js";

/**
 * What the server writes into a page before its scripts (`static/**.js`): the values the scripts once took as
 * template parameters. The scripts' own type checks read these interfaces too (`static/*\/globals.d.ts`).
 */

/** `FLOW`, before the 2026 app's scripts. */
export interface FlowScriptConfig {
  /** The login cookie's name before its `.0`, `.1`, … chunk suffix. */
  cookieBase: string;
  cookieChunkChars: number;
  cookieMaxAgeSecs: number;
  statusPollMs: number;
  /** Shows the promo dialog this long after load; null for never. */
  promoLaterMs: number | null;
  libraryRows: "div" | "li";
  menuShape: "portal" | "inline";
  models: Array<{ publicName: string; blurb: string }>;
}

/** `COMPOSER`, before the 2025 composer's script: the variant's words and class names, and what the page shows. */
export interface ComposerScriptConfig
  extends Pick<
    DomVariant,
    | "replyClass"
    | "cardClass"
    | "pendingClass"
    | "failedClass"
    | "titleClass"
    | "songPath"
    | "moreOptionsLabel"
    | "downloadLabel"
    | "formatLabels"
    | "closeLabel"
  > {
  /** The class of the user's own messages. */
  userClass: string;
  /** The out-of-credits banner, as HTML. */
  quotaBanner: string;
  /** Each card keeps its own open menu (the `menu-stays-open` fault). */
  menusStayOpen: boolean;
  /** The card's menu as a plain list of menu items: no `role="menu"` element around them. */
  bareMenus: boolean;
  /** Songs shown on load (a song's own page). */
  preload: Array<{ id: string; title: string; durationSecs: number; status: string }>;
}
