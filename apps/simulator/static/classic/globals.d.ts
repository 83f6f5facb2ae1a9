// For the type check only (`tsc -p static/classic`): what the 2025 page's scripts find on the page. sign-in.js
// stands alone; composer.js follows the server's `COMPOSER`.

/** The variant's words and class names, and the songs the page shows on load (`pages.ts`). */
declare const COMPOSER: import("../../src/script-config.js").ComposerScriptConfig;
