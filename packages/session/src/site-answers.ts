/**
 * The site's answers as the driver reads them, each from the shape its public clients see: a clip of
 * `/__api/clips` or a listing, the tool-return part of a message stream, and an operation's status. Pure
 * functions: every field is optional in what arrives, and nothing here assumes a field the site does not give.
 */

/** One song as `/__api/clips` (or a listing) describes it. */
export interface ClipState {
  id: string;
  title: string;
  opId: string | undefined;
  opType: string | undefined;
  /** `audio_url` set and `duration.status` completed. */
  done: boolean;
  /** Deleted, or its duration's status says it failed. */
  failed: boolean;
  audioUrl: string | undefined;
  wavUrl: string | undefined;
  durationSecs: number | undefined;
  soundPrompt: string | undefined;
  seed: number | undefined;
  /** Stems: the song they were split from (`operation.source_clip_id`). */
  sourceClipId: string | undefined;
  createdAt: number | undefined;
}

/** What one tool-return part of a message stream says. */
export interface ToolReturn {
  toolName: string | undefined;
  operationId: string | undefined;
  /** The songs it made, in order: `clip_id`, then `clip_id_b`; or the stems. */
  clipIds: string[];
  stems: Array<{ stemType: string; clipId: string }>;
  abTestId: string | undefined;
  estimatedSecs: number | undefined;
  /** The whole content the tool returned (parsed when it came as a JSON string): lyrics, an image, a caption. */
  content: Record<string, unknown>;
}

/** A failure the stream reported (`error` event). */
export interface StreamError {
  type: string | undefined;
  message: string | undefined;
}

export interface OperationState {
  opId: string;
  status: string;
  done: boolean;
  failed: boolean;
  /** *(may)*: some answers name the operation's clips. */
  clipIds: string[];
  errorType: string | undefined;
  errorMessage: string | undefined;
}

type Json = Record<string, unknown>;

export const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
export const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const object = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const FAILED = /fail|error/i;

export function parseClip(raw: unknown): ClipState | undefined {
  const clip = object(raw);
  const id = text(clip?.id);
  if (!clip || !id) return undefined;
  const duration = object(clip.duration);
  const durationStatus = text(duration?.status);
  const operation = object(clip.operation);
  const audioUrl = text(clip.audio_url);
  const seconds = Number(duration?.value);
  return {
    id,
    title: text(clip.title) ?? text(operation?.title) ?? "",
    opId: text(clip.op_id),
    opType: text(clip.op_type),
    done: audioUrl !== undefined && durationStatus === "completed" && !clip.deleted_at,
    failed: Boolean(clip.deleted_at) || (durationStatus !== undefined && FAILED.test(durationStatus)),
    audioUrl,
    wavUrl: text(clip.wav_url),
    durationSecs: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
    soundPrompt: text(operation?.sound_prompt),
    seed: num(operation?.seed),
    sourceClipId: text(operation?.source_clip_id) ?? text(operation?.parent_clip_id),
    createdAt: text(clip.created_at) ? Date.parse(clip.created_at as string) : undefined,
  };
}

/** The clips of a `/__api/clips` answer (`{ clips: { id: clip } }`) or of a listing (`{ clips: [ … ] }`). */
export function clipsOf(answer: unknown): ClipState[] {
  const json = object(answer);
  const raw = json?.clips ?? json?.data;
  const list = Array.isArray(raw) ? raw : Object.values(object(raw) ?? {});
  return list.map(parseClip).filter((clip): clip is ClipState => clip !== undefined);
}

/** A tool-return part (its content an object or a JSON string); undefined for any other part. */
export function parseToolReturn(rawPart: unknown): ToolReturn | undefined {
  const part = object(rawPart);
  if (part?.part_kind !== "tool-return") return undefined;
  let content: unknown = part.content;
  if (typeof content === "string") {
    try {
      content = JSON.parse(content) as unknown;
    } catch {
      content = undefined;
    }
  }
  const body = object(content) ?? {};
  const stems = (Array.isArray(body.stems) ? body.stems : [])
    .map(object)
    .filter((stem): stem is Json => stem !== undefined && text(stem.clip_id) !== undefined)
    .map((stem) => ({ stemType: text(stem.stem_type) ?? "other", clipId: stem.clip_id as string }));
  const outputs = (Array.isArray(body.clip_outputs) ? body.clip_outputs : []).map((output) =>
    text(object(output)?.clip_id),
  );
  const clipIds = [
    text(body.clip_id),
    text(body.clip_id_b),
    text(body.result_clip_id),
    ...outputs,
    ...stems.map((stem) => stem.clipId),
  ]
    .filter((id): id is string => id !== undefined)
    .filter((id, index, all) => all.indexOf(id) === index);
  return {
    toolName: text(part.tool_name),
    operationId: text(body.operation_id),
    clipIds,
    stems,
    abTestId: text(body.a_b_test_id),
    estimatedSecs: num(body.estimated_time),
    content: body,
  };
}

/**
 * The parts one stream event carries: a `part` event's part once it is final, or every part of a `message`
 * event. Other events carry none.
 */
export function partsOf(event: string, data: unknown): unknown[] {
  const json = object(data);
  if (!json) return [];
  if (event === "part") return json.status === "final" || json.status === undefined ? [json.part] : [];
  if (event === "message") return Array.isArray(json.parts) ? json.parts : [];
  return [];
}

export function parseStreamError(data: unknown): StreamError {
  const json = object(data) ?? {};
  return {
    type: text(json.type),
    message: text(json.message) ?? text(json.raw_error) ?? (typeof data === "string" ? data : undefined),
  };
}

/** An operation's status answer; the operation is named by the URL it was asked at (the answer names none). */
export function parseStatus(opId: string, answer: unknown): OperationState | undefined {
  const json = object(answer);
  if (!json) return undefined;
  const status = text(json.status) ?? text(json.state) ?? "unknown";
  const errorType = text(json.error_type);
  const errorMessage = text(json.error_message);
  return {
    opId,
    status,
    done: status === "complete" || status === "completed",
    failed: errorType !== undefined || errorMessage !== undefined || FAILED.test(status),
    clipIds: (Array.isArray(json.clip_ids) ? json.clip_ids : [])
      .map(text)
      .filter((id): id is string => id !== undefined),
    errorType,
    errorMessage,
  };
}
