/** Helpers for producer's own tests and the simulator. Not published. */
export { synthesizeMp3, synthesizePcm, synthesizeWav } from "./audio.js";
export { synthesizeM4a } from "./m4a.js";
export type { SynthesisOptions } from "./audio.js";
export { startS3Server } from "./s3-server.js";
export type { S3Server } from "./s3-server.js";
export { postgresUrl } from "./postgres.js";
export { golden, normalize } from "./golden.js";
