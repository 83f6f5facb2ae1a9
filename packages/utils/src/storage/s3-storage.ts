import fs from "node:fs";
import { type Readable, Transform } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { StorageError } from "../errors.js";
import { abortReason } from "../retry.js";
import {
  decodeMetadata,
  encodeMetadata,
  fitMetadata,
  type ByteRange,
  type ObjectHead,
  type PutOptions,
  type Storage,
  type StoredObject,
} from "./storage.js";
import { assertSafeKey } from "./storage-key.js";

export interface S3StorageOptions {
  bucket: string;
  region?: string;
  /** An S3-compatible endpoint; AWS when unset. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** `when-required` for servers that do not understand the SDK's default checksum framing. */
  checksums?: "when-supported" | "when-required";
  /** Explicit credentials; the standard AWS chain is used when unset. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Multipart part size; memory use is about partSizeBytes × queueSize whatever the object's size. */
  partSizeBytes?: number;
  queueSize?: number;
  /** For tests and special set-ups: a client built elsewhere. */
  client?: S3Client;
}

const MIB = 1024 * 1024;
/** Errors no retry can fix: wrong bucket, wrong keys, no permission. */
const PERMANENT_S3_ERRORS = new Set([
  "NoSuchBucket",
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidBucketName",
  "AllAccessDisabled",
]);

/** Streaming multipart uploads to S3 or any S3-compatible server. */
export class S3Storage implements Storage {
  readonly kind = "s3" as const;
  readonly bucket: string;
  readonly client: S3Client;
  private readonly endpoint: string | undefined;
  private readonly region: string;
  private readonly forcePathStyle: boolean;
  private readonly partSizeBytes: number;
  private readonly queueSize: number;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.endpoint = options.endpoint?.replace(/\/+$/, "");
    this.region = options.region ?? "us-east-1";
    this.forcePathStyle = options.forcePathStyle ?? false;
    this.partSizeBytes = Math.max(5 * MIB, options.partSizeBytes ?? 8 * MIB);
    this.queueSize = options.queueSize ?? 4;
    const config: S3ClientConfig = { region: this.region, forcePathStyle: this.forcePathStyle };
    if (this.endpoint) config.endpoint = this.endpoint;
    if (options.credentials) config.credentials = options.credentials;
    if (options.checksums === "when-required") {
      config.requestChecksumCalculation = "WHEN_REQUIRED";
      config.responseChecksumValidation = "WHEN_REQUIRED";
    }
    this.client = options.client ?? new S3Client(config);
  }

  urlFor(key: string): string {
    const encodedKey = key.split("/").map(encodeURIComponent).join("/");
    if (this.endpoint) {
      return this.forcePathStyle
        ? `${this.endpoint}/${this.bucket}/${encodedKey}`
        : `${this.endpoint.replace("://", `://${this.bucket}.`)}/${encodedKey}`;
    }
    return `https://${this.bucket}.s3.${this.region}.amazonaws.com/${encodedKey}`;
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<StoredObject> {
    assertSafeKey(key);
    if (options.signal?.aborted) throw abortReason(options.signal);
    let size = body instanceof Uint8Array ? body.byteLength : 0;
    const counted =
      body instanceof Uint8Array
        ? body
        : body.pipe(
            new Transform({
              transform(chunk: Buffer, _encoding, callback) {
                size += chunk.length;
                callback(null, chunk);
              },
            }),
          );
    if (!(body instanceof Uint8Array)) body.once("error", (error) => (counted as Transform).destroy(error));
    const upload = new Upload({
      client: this.client,
      partSize: this.partSizeBytes,
      queueSize: this.queueSize,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: counted,
        ContentType: options.contentType,
        Metadata: encodeMetadata(fitMetadata(options.metadata ?? {})),
      },
    });
    const onAbort = () => void upload.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await upload.done();
      return {
        key,
        bucket: this.bucket,
        url: this.urlFor(key),
        location: `s3://${this.bucket}/${key}`,
        etag: result.ETag?.replaceAll('"', ""),
        size,
      };
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      throw this.storageError(`Could not upload ${key} to bucket ${this.bucket}`, error);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  putFile(key: string, filePath: string, options: PutOptions): Promise<StoredObject> {
    return this.put(key, fs.createReadStream(filePath, { highWaterMark: MIB }), options);
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    assertSafeKey(key);
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: result.ContentLength ?? 0,
        contentType: result.ContentType,
        etag: result.ETag?.replaceAll('"', ""),
        metadata: decodeMetadata(result.Metadata),
      };
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === "NotFound" || (error as Error).name === "NoSuchKey") {
        return undefined;
      }
      throw this.storageError(`Could not read ${key} in bucket ${this.bucket}`, error);
    }
  }

  async open(key: string, options: { range?: ByteRange } = {}): Promise<Readable | undefined> {
    assertSafeKey(key);
    const range = options.range ? { Range: `bytes=${options.range.start}-${options.range.end}` } : {};
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...range }));
      return result.Body as Readable | undefined;
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === "NoSuchKey" || (error as Error).name === "NotFound")
        return undefined;
      throw this.storageError(`Could not read ${key} in bucket ${this.bucket}`, error);
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw this.storageError(`Could not delete ${key} in bucket ${this.bucket}`, error);
    }
  }

  private storageError(message: string, error: unknown): StorageError {
    const name = (error as Error).name ?? "Error";
    const status = (error as S3ServiceException).$metadata?.httpStatusCode;
    return new StorageError(`${message}: ${name}${status ? ` (HTTP ${status})` : ""}: ${(error as Error).message}`, {
      cause: error,
      retryable: !PERMANENT_S3_ERRORS.has(name),
      details: { bucket: this.bucket, s3Error: name, httpStatus: status },
    });
  }
}
