import { z } from "zod";
import { setting } from "../setting.js";
import { localPath, secretText } from "./setting-shapes.js";

/** Placeholders a storage key template may use. */
export const KEY_TEMPLATE_FIELDS = [
  "user_id",
  "project_id",
  "generation_id",
  "job_id",
  "song_index",
  "filename",
  "format",
  "date",
] as const;

const keyTemplate = (defaultTemplate: string, doc: string) =>
  setting(
    z
      .string()
      .min(1)
      .max(512)
      .refine((template) => !template.startsWith("/") && !template.split("/").includes(".."), {
        message: "a relative key without '..' segments",
      })
      .refine(
        (template) =>
          [...template.matchAll(/\{([^}]*)\}/g)].every((match) =>
            (KEY_TEMPLATE_FIELDS as readonly string[]).includes(match[1] ?? ""),
          ),
        { message: `a template using only {${KEY_TEMPLATE_FIELDS.join("}, {")}}` },
      )
      .refine((template) => template.includes("{filename}"), { message: "a template containing {filename}" })
      .default(defaultTemplate),
    { doc },
  );

const s3Schema = z.strictObject({
  bucket: setting(z.string().min(3).max(63).optional(), {
    doc: "Bucket for generated audio; setting it selects S3 storage.",
  }),
  region: setting(z.string().min(1).default("us-east-1"), { doc: "Bucket region." }),
  endpoint: setting(z.url({ protocol: /^https?$/ }).optional(), {
    doc: "S3-compatible endpoint (MinIO, R2, a local server); AWS when unset.",
  }),
  forcePathStyle: setting(z.boolean().default(false), {
    doc: "Path-style URLs (needed by most S3-compatible servers).",
  }),
  checksums: setting(z.enum(["when-supported", "when-required"]).default("when-supported"), {
    doc: "Request checksums; 'when-required' for servers that do not understand the SDK's default framing.",
  }),
  prefix: setting(z.string().max(256).default(""), { doc: "Prefix put before every key." }),
  accessKeyId: secretText(1, "Access key id; the standard AWS credential chain is used when unset."),
  secretAccessKey: secretText(1, "Secret access key; the standard AWS credential chain is used when unset."),
});

export const storageSchema = z.strictObject({
  driver: setting(z.enum(["auto", "s3", "local"]).default("auto"), {
    doc: "'auto' is S3 when a bucket is set, local otherwise.",
  }),
  s3: s3Schema.prefault({}),
  localDir: localPath("Folder of the local storage driver.", "<dataDir>/storage"),
  localShared: setting(z.boolean().default(false), {
    doc: "Says the local storage folder is one every daemon on the database reads and writes (a shared mount, or daemons on one machine); without it, local storage with PostgreSQL is refused at start, since another daemon would answer 404 for a track's audio.",
  }),
  keyTemplates: z
    .strictObject({
      audio: keyTemplate(
        "users/{user_id}/projects/music-clip/{project_id}/audio/{filename}",
        "Key of a song when the user and project are known.",
      ),
      generic: keyTemplate(
        "music/generated/{generation_id}/{filename}",
        "Key of a song when the user or project is missing.",
      ),
      tracks: keyTemplate(
        "users/{user_id}/projects/music-clip/{project_id}/tracks/{filename}",
        "Key of a track exported into a project.",
      ),
    })
    .prefault({}),
});
