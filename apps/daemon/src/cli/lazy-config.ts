/**
 * The configuration package, loaded on first use: its schema is most of what a command costs to start, and
 * `--help` or bad usage never needs it.
 */
export const configModule = () => import("@producer/config");
