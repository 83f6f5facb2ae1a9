/** What can go wrong on the simulated site, switched on through the admin API. */
export const FAULTS = [
  /** Every session is treated as expired: pages redirect to sign-in, the API answers 401, refreshes are refused. */
  "logged-out",
  /** A bot-challenge interstitial is served instead of any page. */
  "challenge",
  /** 2026 app: the generation call (and an edit, effect or conversion call) answers 402 "Not enough credits"; 2025 page: the out-of-credits banner. */
  "quota-exhausted",
  /** 2025 page: the prompt is accepted but the assistant never replies. */
  "reply-never",
  /** 2025 page: picking a download format exports forever: no download event. */
  "download-never",
  /** The first song of a generation finishes without audio (2026: `audio_url` null, `duration.status` "failed"). */
  "song-without-audio",
  /** Every export takes `slowExportMs` (2026: the `/__api/download/audio/…` endpoint). */
  "slow-export",
  /** 2025 page: a dialog covering the page appears once the songs are ready. */
  "overlay",
  /** Pages answer HTTP 500. */
  "http-500",
  /** 2026 app: the generation call is taken and answered with a job_id, but its stream never gives a tool-return and nothing is charged; a second call works. */
  "no-start",
  /** 2026 app: the generation call (or an edit, effect or conversion call) is taken and charged, then the connection drops before its answer reaches the page. */
  "reply-lost",
  /** 2026 app: the generation fails: its status carries `error_type` / `error_message`, its clips `duration.status` "failed". */
  "song-failed",
  /** 2026 app: the upload-consent notice ("I agree", "necessary rights") covers the page on load; the app is aria-hidden. */
  "consent-notice",
  /** 2026 app: a promo dialog (role dialog: "Maybe later", "Close"; Escape) covers the page on load; the app is aria-hidden. */
  "promo-dialog",
  /** 2026 app: the promo dialog appears `promoDelayMs` after a page load. */
  "promo-later",
  /** 2026 app: the second song of a generation is served with the first song's audio (the same bytes). */
  "duplicate-audio",
  /** 2026 app: downloads and audio links serve MP3 bytes whatever format was asked. */
  "wrong-format",
  /** 2026 app: the generation call (or any direct tool call) answers 429 with `retry-after` and "Producer is busy helping others"; not taken. */
  "busy",
  /** 2026 app: the call is taken but its stream sends an `error` event (type "moderation") and no tool-return; nothing charged. */
  "stream-error",
  /** 2026 app: every `wav_url` answers 404 (as stems' wav links may). */
  "wav-missing",
  /** 2026 app: the refresh-token grant is refused (400 invalid_grant), in the page's refresh and on page loads. */
  "refresh-fails",
  /** 2026 app: `POST /__api/recipes/create` answers FastAPI's 422 `{ detail: [{ type: "missing", msg: "Field required", … }] }`. */
  "recipe-refused",
  /** 2026 app: an edit's render (`audio__render_edit`) is charged, then fails: its status carries `error_type` / `error_message`. */
  "edit-failed",
  /** 2026 app: an edit or effect call is taken (a job_id) but its stream never gives a tool-return; nothing charged. */
  "edit-stalled",
  /** 2026 app: an edit's render is charged and named in its tool-return, but its operation never completes. */
  "edit-never-done",
  /** 2025 page: a song card's menu stays open inside the card after a pick, so earlier songs' menus pile up. */
  "menu-stays-open",
  /**
   * 2026 app: answers drift from the facts' shapes, as a site update would: a tool-return's content (under
   * `/__api/messages/`) gains `drift_field` and loses `estimated_time`; a library listing's clips (under
   * `/__api/clips/`) gain `drift_field` and lose `video_url`. Nothing the driver needs goes.
   */
  "answer-drift",
  /** 2026 app: an uploaded file's check finds protected content (`has_cid_match: true`): refused. */
  "upload-protected",
  /** 2026 app: an uploaded file's check finds vocals (`has_vocals: true`): kept only once removed or confirmed. */
  "upload-vocals",
  /** 2026 app: an uploaded file's check fails lyrics moderation (`lyrics_moderation_failed: true`): refused. */
  "upload-lyrics-moderation",
  /** 2026 app: keeping an upload's vocals is refused: its confirm answers 422 (facts: vocals "refused there *(may)* confirmable"). */
  "upload-confirm-refused",
  /**
   * 2026 app: a chat's agent answers in words and makes no song (facts: "the agent may use other tools or make
   * none"): its stream ends with no tool-return; nothing charged.
   */
  "chat-no-song",
  /** 2026 app: an uploaded file's check ends in a failing status (`status: "failed"`; facts: "until `complete` or fail/error"). */
  "upload-check-failed",
] as const;

export type Fault = (typeof FAULTS)[number];

interface ArmedFault {
  /** How many more times it fires; undefined for until cleared. */
  remaining: number | undefined;
  /** Only requests to these path prefixes trigger it; undefined for every request. */
  paths: string[] | undefined;
  /** Matching requests to let through before it starts firing. */
  skip: number;
}

export class FaultSwitchboard {
  private readonly armed = new Map<Fault, ArmedFault>();

  set(fault: Fault, options: { times?: number; paths?: string[]; skip?: number } = {}): void {
    if (!FAULTS.includes(fault)) throw new Error(`unknown fault ${fault}`);
    this.armed.set(fault, { remaining: options.times, paths: options.paths, skip: options.skip ?? 0 });
  }

  clear(fault?: Fault): void {
    if (fault) this.armed.delete(fault);
    else this.armed.clear();
  }

  /** Whether the fault is on, without using up one of its times. */
  isOn(fault: Fault): boolean {
    return this.armed.has(fault);
  }

  /** Whether the fault fires now (for a request to `path`); a fault set for N times fires N times, then clears itself. */
  fire(fault: Fault, path?: string): boolean {
    const state = this.armed.get(fault);
    if (!state) return false;
    if (state.paths && !(path !== undefined && state.paths.some((prefix) => path.startsWith(prefix)))) return false;
    if (state.skip > 0) {
      state.skip -= 1;
      return false;
    }
    if (state.remaining !== undefined) {
      state.remaining -= 1;
      if (state.remaining <= 0) this.armed.delete(fault);
    }
    return true;
  }

  list(): Array<{ fault: Fault; remaining: number | null; paths: string[] | null }> {
    return [...this.armed].map(([fault, state]) => ({
      fault,
      remaining: state.remaining ?? null,
      paths: state.paths ?? null,
    }));
  }
}
