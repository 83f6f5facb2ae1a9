/**
 * The earlier service's exception classes, kept so existing imports and `instanceof` checks compile and run. Its
 * methods answered failures as values (`success: false`), and so do these: none of them throws.
 */
export class ProducerAIError extends Error {
  override name = "ProducerAIError";
}

/** Storing a song failed. */
export class S3UploadError extends ProducerAIError {
  override name = "S3UploadError";
}

/** A generation could not be made. */
export class GenerationError extends ProducerAIError {
  override name = "GenerationError";
}
