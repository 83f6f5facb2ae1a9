import type { ProducerConfig } from "@producer/config";
import { type KeyField, renderStorageKey } from "@producer/utils";

/** Whose an object is: the audio template applies only when both are known. */
export interface StorageOwner {
  userId?: string;
  projectId?: string;
}

/**
 * The storage key of an object made for a job or an image: the audio template when the user and project are known,
 * the generic one otherwise, under the s3 prefix when the driver is s3, dated today.
 */
export function storageKeyFor(
  config: ProducerConfig,
  owner: StorageOwner,
  vars: Partial<Record<Exclude<KeyField, "user_id" | "project_id" | "date">, string | number>>,
): string {
  const withUser = owner.userId !== undefined && owner.projectId !== undefined;
  return renderStorageKey(
    withUser ? config.storage.keyTemplates.audio : config.storage.keyTemplates.generic,
    { ...vars, user_id: owner.userId, project_id: owner.projectId, date: new Date().toISOString().slice(0, 10) },
    config.storage.driver === "s3" ? config.storage.s3.prefix : "",
  );
}
