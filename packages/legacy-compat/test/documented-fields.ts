/**
 * The fields `LEGACY-API.md` documents for each earlier shape, with their types and enums: each golden fixture
 * is checked against these, so a fixture can never drift from the documented surface.
 */
type FieldType = "string" | "number" | "boolean" | "array" | "object" | "string|null" | "number|null" | "object|null";
export type FieldSpec = Record<string, FieldType | readonly (string | boolean)[]>;

export const DOCUMENTED: Record<string, FieldSpec> = {
  "automation-success": {
    success: [true],
    song_id: "string",
    title: "string|null",
    prompt: "string",
    method: ["producer_ai_automation"],
    timestamp: "number",
    download_path: "string|null",
    downloaded_files: "array",
    generation_completed: "boolean",
    download_success: "boolean",
    network_urls: "array",
  },
  "automation-failure": {
    success: [false],
    error: "string",
    method: ["producer_ai_automation"],
    timestamp: "number",
    prompt: "string",
  },
  "available-file": {
    filename: "string",
    path: "string",
    size: "number",
    created: "number",
    modified: "number",
    url: "string",
  },
  "unified-success": {
    success: [true],
    message: ["Music generation completed successfully"],
    timestamp: "number",
    song_id: "string",
    title: "string|null",
    prompt: "string",
    method: ["producer_ai_queue", "producer_ai_direct"],
    is_instrumental: "boolean",
    lyrics: "string|null",
    project_id: "string|null",
    generation_id: "string",
    uploaded_files: "array",
    generation_completed: "boolean",
    download_success: "boolean",
  },
  "unified-success-queue-only": { request_id: "string", tab_id: "string" },
  "uploaded-file": {
    local_path: "string|null",
    s3_url: "string",
    filename: "string",
    size: "number",
    track_record: "object",
  },
  "unified-failure": {
    success: [false],
    error: "string",
    error_type: [
      "GenerationError",
      "QueueError",
      "QueueGenerationError",
      "DirectGenerationError",
      "CancellationError",
      "TimeoutError",
    ],
    timestamp: "number",
  },
  "unified-failure-method": { method: ["producer_ai_unified", "producer_ai_queue", "producer_ai_direct"] },
  "session-status-error": { error: "string", is_authenticated: [false] },
  "session-status": { is_authenticated: "boolean" },
  "request-status-found": { success: [true], status: "object" },
  "request-status-missing": { success: [false], error: ["Request not found"] },
  "request-status-object": {
    request_id: "string",
    status: ["pending", "processing", "completed", "failed", "cancelled"],
  },
  "session-manager-direct": {
    success: "boolean",
    generation_id: "string",
    window_id: "string",
    prompt: "string",
    title: "string|null",
    message: "string",
    uploaded_files: "array",
  },
  "session-manager-file": {
    filename: "string",
    s3_url: "string",
    s3_key: "string",
    file_size: "number",
    file_metadata: "object",
  },
  "session-manager-metadata": { duration: "number", format: "string", size_mb: "number" },
  "queue-add": {
    success: "boolean",
    request_id: "string",
    status: ["queued", "queued_global"],
    assigned_window_id: "string",
    queue_position: "number",
    estimated_wait_time: "number",
  },
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Every problem of `value` against the documented fields of `shape`; empty when it matches. */
export function checkDocumented(shape: string, value: unknown): string[] {
  const spec = DOCUMENTED[shape];
  if (!spec) return [`no documented shape ${shape}`];
  if (typeOf(value) !== "object") return [`${shape}: not an object`];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, expected] of Object.entries(spec)) {
    if (!(field in record)) {
      problems.push(`${shape}.${field}: missing`);
      continue;
    }
    const actual = record[field];
    if (Array.isArray(expected)) {
      if (!expected.includes(actual as string | boolean))
        problems.push(`${shape}.${field}: ${JSON.stringify(actual)} is not one of ${expected.join(", ")}`);
    } else if (!(expected as string).split("|").includes(typeOf(actual))) {
      problems.push(`${shape}.${field}: ${typeOf(actual)} is not ${expected}`);
    }
  }
  return problems;
}
