/** Every producer error in one place to import from: the base, one class per code, and the JSON round trip. */
export * from "./errors/producer-error.js";
export * from "./errors/coded-errors.js";
export * from "./errors/error-json.js";
