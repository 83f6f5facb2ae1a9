/** What can go wrong on the simulated site, switched on through the admin API. */
export const FAULTS = [
  /** Every session is treated as expired: pages redirect to sign-in, the API answers 401. */
  "logged-out",
  /** A bot-challenge interstitial is served instead of any page. */
  "challenge",
  /** Submitting shows the out-of-credits banner instead of generating. */
  "quota-exhausted",
  /** The prompt is accepted but the assistant never replies. */
  "reply-never",
  /** Picking a download format exports forever: no download event. */
  "download-never",
  /** The first song of a generation finishes without audio. */
  "song-without-audio",
  /** Every export takes `slowExportMs` (default 3 s). */
  "slow-export",
  /** A dialog covering the page appears once the songs are ready. */
  "overlay",
  /** Pages answer HTTP 500. */
  "http-500",
  /** 2026 app: the generation call is taken, but no song starts (and nothing is charged) until Generate is pressed again. */
  "no-start",
  /** 2026 app: the generation call is taken and charged, then the connection drops before its answer reaches the page. */
  "reply-lost",
  /** 2026 app: the generation fails; its status carries `error_type` / `error_message`. */
  "song-failed",
  /** 2026 app: the upload-consent notice ("I agree") covers the page. */
  "consent-notice",
  /** 2026 app: a promo dialog covers the page. */
  "promo-dialog",
  /** 2026 app: the second song of a generation is served with the first song's audio (the same bytes). */
  "duplicate-audio",
  /** 2026 app: downloads and audio URLs serve MP3 bytes whatever format was asked. */
  "wrong-format",
  /** 2025 page: a song card's menu stays open inside the card after a pick, so earlier songs' menus pile up. */
  "menu-stays-open",
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
