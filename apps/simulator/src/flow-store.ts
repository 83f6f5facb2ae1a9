import type { SimulatedFormat } from "./catalog.js";
import type { FlowRecipe } from "./flow-recipe.js";

/** The models the app offers; `public_name` is what travels as `client_context.selected_model`. */
export const FLOW_MODELS = [
  { public_name: "Lyria 3.5", is_default: true, blurb: "Fast, full songs" },
  { public_name: "Lyria 3 Pro", is_default: false, blurb: "Best vocals, slower" },
] as const;
/** The models the site lists: its own two, then the newer ones a test adds (`newModels`). */
export function siteModels(newModels: readonly string[]): ReadonlyArray<{
  public_name: string;
  is_default: boolean;
  blurb: string;
}> {
  return [...FLOW_MODELS, ...newModels.map((name) => ({ public_name: name, is_default: false, blurb: "New" }))];
}
export const STEM_PARTS = ["vocals", "drums", "bass", "other"] as const;

export type FlowOpType = "audio__create_song" | "audio__split_stems" | "audio__render_edit";
/** Who may see a song (`PATCH /clips/<id> { privacy }`); new songs are unlisted. */
export const FLOW_PRIVACY = ["public", "unlisted", "private"] as const;
export type FlowPrivacy = (typeof FLOW_PRIVACY)[number];

export interface FlowClip {
  id: string;
  title: string;
  opId: string;
  opType: FlowOpType;
  account: string;
  /** The length the clip reports (`duration.value`). */
  durationSecs: number;
  /** The length of the audio actually synthesized (capped by `maxAudioSecs` so tests stay fast). */
  audioSecs: number;
  hasAudio: boolean;
  soundPrompt: string;
  lyricsId: string | null;
  lyricsText: string;
  seed: number;
  createdAt: number;
  /** The clip it was made from (stems, edits, effects): its `operation.source_clip_id`. */
  parentId?: string;
  /** Made by `audio__apply_effect`: `audio__convert_format` refuses such a clip, as the facts say. */
  effectMade?: boolean;
  /** The model it was made with (`client_context.selected_model`), when the call said. */
  model?: string;
  /** Whose audio this clip serves (itself unless the duplicate-audio fault gave it another's). */
  audioOf?: { id: string; title: string; durationSecs: number };
  /** Set by `PATCH /clips/<id> { privacy }`; "unlisted" until then. */
  privacy?: FlowPrivacy;
  /** When `POST /clips/delete` removed it (final): gone from the listings. */
  deletedAt?: number;
}

export interface FlowOperation {
  opId: string;
  opType: FlowOpType;
  account: string;
  createdAt: number;
  /** When its tool-return is sent: the operation shows as running from then. */
  startedAt: number;
  readyAt: number;
  clipIds: string[];
  failure?: { error_type: string; error_message: string };
}

/** One file the site served: the song, the format asked, the bytes' sha256, and whether storage or the API served it. */
export interface ServedAudio {
  clipId: string;
  format: SimulatedFormat;
  sha256: string;
  via: "storage" | "endpoint";
}

/** A create-song call as received, with its lyrics resolved from `lyrics_id_map`. */
export interface ComposeRequest {
  body: unknown;
  soundPrompt: string;
  lyrics: string;
  title: string;
  seed: number | null;
  selectedModel: string;
}

export interface FlowStats {
  /** Generation calls taken (compose create_song and chat), by account: 402-refused ones too, 429-busy ones not. */
  generationCalls: Record<string, number>;
  /** Generations that started and were charged, by account. */
  generationsStarted: Record<string, number>;
  /** Generation calls refused with 429 "Producer is busy helping others". */
  busyRefusals: number;
  stemSplits: number;
  creditsCharged: number;
  refusedForCredits: number;
  /** `/__api/*` calls refused with 401. */
  unauthorized: number;
  /** Refresh-token grants: answered with a new session, or refused. */
  refreshes: { granted: number; refused: number };
  /** Sessions revoked because a rotated refresh token was used again past the reuse window (every holder signed out). */
  revokedSessions: number;
  /** Connections to a message stream. */
  streamReaders: number;
  composeRequests: ComposeRequest[];
  chatMessages: string[];
  /** Chat messages about a song of the library (`client_context.current_song_id`), with that song's id. */
  chatsAboutSongs: Array<{ content: string; clipId: string; songQueue: string[] }>;
  /** Library listing calls (`clips/auth-user`, `clips/user/<id>`). */
  libraryListings: number;
  /** `POST /__api/clips` calls. */
  clipsLookups: number;
  /** `GET /__api/billing/credits` calls (the page asks on every load; a check may ask from inside a page). */
  creditsReads: number;
  /** Direct tool calls received, by `tool_name`, whatever their answer (429, 402 and failed ones too). */
  toolCalls: Record<string, number>;
  /** Tool calls that were charged or started an operation, by `tool_name`: the paid (or free) work done. */
  toolRuns: Record<string, number>;
  /** Recipes made by `POST /__api/recipes/create`, and those refused with 422. */
  recipes: number;
  recipesRefused: number;
  /** Edit and effect calls that ended in the stream's `tool_call_failure` error (bad args or a clip the tool can't take). */
  toolFailures: Record<string, number>;
  /** Faults fired on the song operations (recipes, edits, effects, conversions), by fault name. */
  operationFaults: Record<string, number>;
  /** The library's upkeep: `PATCH /clips/<id>` renames and privacy changes, clips deleted, conversations deleted. */
  library: { renames: number; privacyChanges: number; deletes: number; conversationsDeleted: number };
  /** Images served from public storage (made by `image__create_image`), in order: what a stored image must equal. */
  imagesServed: Array<{ imageId: string; sha256: string }>;
  /** Files taken by `POST /__api/producer/upload-audio`, reads of their check, vocals removed, vocals confirmed. */
  uploads: number;
  uploadChecks: number;
  vocalRemovals: number;
  uploadConfirms: number;
}

export const emptyFlowStats = (): FlowStats => ({
  generationCalls: {},
  generationsStarted: {},
  busyRefusals: 0,
  stemSplits: 0,
  creditsCharged: 0,
  refusedForCredits: 0,
  unauthorized: 0,
  refreshes: { granted: 0, refused: 0 },
  revokedSessions: 0,
  streamReaders: 0,
  composeRequests: [],
  chatMessages: [],
  chatsAboutSongs: [],
  libraryListings: 0,
  clipsLookups: 0,
  creditsReads: 0,
  toolCalls: {},
  toolRuns: {},
  recipes: 0,
  recipesRefused: 0,
  toolFailures: {},
  operationFaults: {},
  library: { renames: 0, privacyChanges: 0, deletes: 0, conversationsDeleted: 0 },
  imagesServed: [],
  uploads: 0,
  uploadChecks: 0,
  vocalRemovals: 0,
  uploadConfirms: 0,
});

/** Everything the 2026 app knows: operations, clips, credits and conversations. */
export class FlowStore {
  readonly operations = new Map<string, FlowOperation>();
  readonly clips = new Map<string, FlowClip>();
  readonly conversations = new Map<string, string>();
  /** Recipes made by `POST /__api/recipes/create`, by `recipe_id`. */
  readonly recipes = new Map<string, FlowRecipe>();
  private readonly balances = new Map<string, number>();

  constructor(private readonly startingCredits: () => number) {}

  balance(account: string): number {
    return this.balances.get(account) ?? this.startingCredits();
  }

  setBalance(account: string, credits: number): void {
    this.balances.set(account, credits);
  }

  addOperation(operation: FlowOperation, clips: FlowClip[]): void {
    for (const clip of clips) {
      this.clips.set(clip.id, clip);
      operation.clipIds.push(clip.id);
    }
    this.operations.set(operation.opId, operation);
  }

  /** The account's clips, newest first (the library's order). */
  clipsOf(account: string): FlowClip[] {
    return [...this.clips.values()]
      .filter((clip) => clip.account === account && clip.deletedAt === undefined)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Whether a clip's audio exists now: its operation is done, did not fail, and the clip has audio. */
  isDone(clip: FlowClip, now = Date.now()): boolean {
    const operation = this.operations.get(clip.opId);
    return operation !== undefined && now >= operation.readyAt && !operation.failure && clip.hasAudio;
  }

  /**
   * A clip in the shape `POST /__api/clips` and the listings answer. A failed song says so by its
   * `duration.status`, or (`clipFailure: "deleted"`) by `deleted_at` alone, its duration reported as if done.
   */
  clipJson(clip: FlowClip, shown: { storageOrigin: string; clipFailure: "duration" | "deleted" }, now = Date.now()) {
    const { storageOrigin } = shown;
    const operation = this.operations.get(clip.opId);
    const finished = operation !== undefined && now >= operation.readyAt;
    const failed = finished && (operation.failure !== undefined || !clip.hasAudio);
    const done = finished && !failed;
    const deleted = failed && shown.clipFailure === "deleted";
    const status = done || deleted ? "completed" : failed ? "failed" : "pending";
    return {
      id: clip.id,
      title: clip.title,
      op_id: clip.opId,
      op_type: clip.opType,
      duration: { status, value: done || deleted ? clip.durationSecs.toFixed(1) : null },
      lyrics: {
        status: finished ? "completed" : "pending",
        value: clip.lyricsId ? { id: clip.lyricsId, text: clip.lyricsText } : null,
      },
      operation: {
        sound_prompt: clip.soundPrompt,
        title: clip.title,
        seed: clip.seed,
        lyrics_id: clip.lyricsId,
        ...(clip.parentId ? { source_clip_id: clip.parentId } : {}),
      },
      audio_url: done ? `${storageOrigin}/clips/${clip.id}.m4a` : null,
      wav_url: done ? `${storageOrigin}/clips/${clip.id}.wav` : null,
      image_url: `${storageOrigin}/images/${clip.id}.svg`,
      video_url: null,
      privacy: clip.privacy ?? "unlisted",
      deleted_at: deleted
        ? new Date(operation.readyAt).toISOString()
        : clip.deletedAt !== undefined
          ? new Date(clip.deletedAt).toISOString()
          : null,
      created_at: new Date(clip.createdAt).toISOString(),
    };
  }
}

export type FlowClipJson = ReturnType<FlowStore["clipJson"]>;
