import type { ProducerConfig } from "@producer/config";
import { LocalStorage } from "./local-storage.js";
import { S3Storage } from "./s3-storage.js";
import type { Storage } from "./storage.js";

/** The storage the configuration asks for: S3 when a bucket is set (or `storage.driver` is `s3`), else local. */
export function createStorage(config: Pick<ProducerConfig, "storage">): Storage {
  const { storage } = config;
  if (storage.driver === "local") return new LocalStorage({ dir: storage.localDir });
  const { s3 } = storage;
  return new S3Storage({
    bucket: s3.bucket as string,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    checksums: s3.checksums,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : undefined,
  });
}
