import type { AudioCache } from "./catalog.js";
import type { FaultSwitchboard } from "./faults.js";
import type { FlowAuth } from "./flow-auth.js";
import type { FlowClip, FlowClipJson, FlowStats, FlowStore, ServedAudio } from "./flow-store.js";
import type { FlowJob } from "./flow-stream.js";

/** The settings the 2026 app reads (live: the admin API may change them between requests). */
export interface FlowSettings {
  generationMs: number;
  songsPerGeneration: number;
  songDurationSecs: readonly [number, number];
  sessionTtlSecs: number;
  slowExportMs: number;
  statusPollMs: number;
  creditsPerSong: number;
  startingCredits: number;
  accessTokenTtlSecs: number;
  refreshReuseSecs: number;
  toolReturnDelayMs: number;
  streamParts: "part" | "message" | "both";
  toolReturnContent: "object" | "string";
  directStreamStaysOpen: boolean;
  songPairs: "one-operation" | "ab-test" | "ab-test-returns";
  statusExtras: boolean;
  statusFailure: "both" | "status" | "fields";
  clipFailure: "duration" | "deleted";
  wavDelayMs: number;
  libraryRows: "div" | "li";
  menuShape: "portal" | "inline";
  pageCostMs: number;
  promoDelayMs: number;
  maxAudioSecs: number;
  busyRetryAfterSecs: number;
  renderReturn: "clip_outputs" | "clip_id" | "both";
  creditsPerEffect: number;
  uploadCheckMs: number;
  uploadReturn: "clip_id" | "id" | "both";
  newModels: readonly string[];
  removeVocalsReturn: "new-clip" | "none";
}

/** What the parts of the 2026 app share. */
export interface FlowContext {
  settings: FlowSettings;
  faults: FaultSwitchboard;
  audio: AudioCache;
  store: FlowStore;
  auth: FlowAuth;
  jobs: Map<string, FlowJob>;
  stats: () => FlowStats;
  heldRequests: Set<() => void>;
  pageLoad: (path: string) => void;
  recordServed: (entry: ServedAudio) => void;
  /** Counts a generation request in the simulator-wide counters (every variant's submissions). */
  recordSubmission: (prompt: string) => void;
  /** The public storage listener's origin, where `audio_url` / `wav_url` point. */
  storageOrigin: () => string;
}

/** A clip as the app's answers show it, with the storage links and failure shape of the moment. */
export function clipAnswer(context: FlowContext, clip: FlowClip): FlowClipJson {
  return context.store.clipJson(clip, {
    storageOrigin: context.storageOrigin(),
    clipFailure: context.settings.clipFailure,
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
