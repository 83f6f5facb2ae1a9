/** A command line the CLI cannot run as given: its message is printed and the CLI exits with 2. */
export class UsageError extends Error {}
