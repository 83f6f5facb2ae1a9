import { FAST_SIMULATOR } from "./fast-simulator.js";
import { startS3Server, type S3Server } from "./s3-server.js";
import { createTeardown, type Teardown } from "./teardown.js";

// The stack is written against the shapes it uses, not the packages: they devDepend on test-utils, and a
// dependency back would make the package graph a cycle. Each package binds it to the real modules in its
// `test/stack.ts`, and the types callers see are inferred from those modules.

interface SiteShape {
  issueSession(email?: string): unknown;
  faults: { clear(): void };
  resetStats(): void;
  close(): Promise<void>;
}
interface ConfigShape {
  paths: { stateFile: string };
  accounts: ReadonlyArray<{ name: string; stateFile: string }>;
}
interface Closable {
  close(): Promise<void>;
}
interface ServiceShape {
  close(options: { graceMs: number }): Promise<void>;
}

/** The real modules a stack is built of: `start` of the simulator, `loadConfig`, `BrowserSession`, … */
export interface StackParts {
  startSite(options: never): Promise<SiteShape>;
  siteSettingsFor(site: never): object;
  loadConfig(options: never): { config: ConfigShape };
  writeLoginState(file: string, state: never): void;
  BrowserSession?: new (options: never) => Closable;
  AccountPool?: new (options: never) => Closable;
  ProducerService?: { create(options: never): Promise<ServiceShape> };
}

export interface StackOptions<SiteOptions = unknown, ConfigInput = unknown> {
  /** Names the data dir (`producer-<name>-…`) and the bucket (`producer-<name>`). */
  name?: string;
  /** A bucket of another name, where golden files name it. */
  bucket?: string;
  /** Simulator settings over `FAST_SIMULATOR`. */
  simulator?: SiteOptions;
  /** `s3` (the default): a bucket on an S3-protocol server of the stack's own; `local`: files in the data dir. */
  storage?: "s3" | "local";
  /** Accounts by name, each signed in as its email, run by an `AccountPool`; one default account when absent. */
  accounts?: Readonly<Record<string, string>>;
  /** The database's URL; SQLite in the data dir when absent. */
  database?: string;
  /** `false`: the service only queues; nothing runs its jobs. */
  generator?: boolean;
  /** `false`: no login state is written, as on a machine that never signed in. */
  signedIn?: boolean;
  /** Configuration over the stack's own, section by section. */
  config?: ConfigInput;
}

type SiteOf<P extends StackParts> = Awaited<ReturnType<P["startSite"]>>;
type SiteOptionsOf<P extends StackParts> = NonNullable<Parameters<P["startSite"]>[0]>;
type ConfigOf<P extends StackParts> = ReturnType<P["loadConfig"]>["config"];
type ConfigInputOf<P extends StackParts> = Parameters<P["loadConfig"]>[0] extends
  | { overrides?: infer Input }
  | undefined
  ? NonNullable<Input>
  : never;
type SessionOf<P> = P extends { BrowserSession: new (options: never) => infer Session } ? Session : undefined;
type PoolOf<P> = P extends { AccountPool: new (options: never) => infer Pool } ? Pool : undefined;
type ServiceOf<P> = P extends { ProducerService: { create(options: never): Promise<infer Service> } }
  ? Service
  : undefined;
type WithAccounts = { accounts: Readonly<Record<string, string>> };

/** What `createStack` starts, typed by the parts it was bound to and the options it was given. */
export interface Stack<P extends StackParts, O = Record<never, never>> {
  site: SiteOf<P>;
  s3: O extends { storage: "local" } ? undefined : S3Server;
  dataDir: string;
  config: ConfigOf<P>;
  /** The browser session that runs the jobs; none when an account pool does. */
  session: O extends WithAccounts ? undefined : SessionOf<P>;
  pool: O extends WithAccounts ? PoolOf<P> : undefined;
  service: ServiceOf<P>;
  /** The stack's own steps: what a test adds here runs before the stack's parts are closed. */
  teardown: Teardown;
  /**
   * This stack's own settings (site, storage, data dir, queue, database, accounts) with `overrides` over them;
   * the `config` option is left out, so a second service can run with a configuration set right.
   */
  overridesWith(overrides?: ConfigInputOf<P>): ConfigInputOf<P>;
  /** A configuration on the same site and storage, e.g. for a second service or a data dir of its own. */
  configWith(overrides?: ConfigInputOf<P>): ConfigOf<P>;
  /** Writes the login state of each account of `config`, issued for its email, or of its one default account. */
  signIn(config: ConfigOf<P>): void;
  /** Clears the site's faults and counters: one stack can serve a file's tests, each starting clean. */
  resetSite(): void;
  /** Closes everything, last started first; safe to call twice. */
  close(): Promise<void>;
}

/** Short retry and pause intervals, so that a test sees a back-off or a paused queue come back within seconds. */
const TEST_QUEUE = {
  pollIntervalMs: 100,
  backoffBaseMs: 200,
  backoffMaxMs: 1000,
  pauseRecheckMs: 500,
  pauseRecheckMaxMs: 2000,
};

type Sections = Record<string, Record<string, unknown> | undefined> & { accounts?: unknown };

/**
 * Binds the stack to a package's real modules, returning its `createStack`: the simulator, an S3-protocol
 * server, a data dir with a login state, and the session and service on them (each when its part is given).
 * `defaults` holds options every stack of the package shares (`name`, `bucket`).
 */
export function defineStack<P extends StackParts>(parts: P, defaults: Pick<StackOptions, "name" | "bucket"> = {}) {
  return async function createStack<O extends StackOptions<SiteOptionsOf<P>, ConfigInputOf<P>> = Record<never, never>>(
    options: O = {} as O,
  ): Promise<Stack<P, O>> {
    const teardown = createTeardown();
    try {
      // The one place the shapes meet the bound modules' own types.
      return (await build(parts, { ...defaults, ...options }, teardown)) as unknown as Stack<P, O>;
    } catch (error) {
      await teardown.run().catch(() => undefined);
      throw error;
    }
  };
}

async function build(parts: StackParts, options: StackOptions, teardown: Teardown) {
  const name = options.name ?? "test";
  const { accounts } = options;
  const site = await parts.startSite({ ...FAST_SIMULATOR, ...(options.simulator as object) } as never);
  teardown.add(() => site.close());
  const bucket = options.bucket ?? `producer-${name}`;
  const s3 = options.storage === "local" ? undefined : await startS3Server({ bucket });
  if (s3) teardown.add(() => s3.close());
  const dataDir = teardown.tempDir(`producer-${name}-`);

  const overridesWith = (input: unknown = {}) => {
    const extra = input as Sections;
    return {
      ...extra,
      site: { ...parts.siteSettingsFor(site as never), ...extra.site },
      // Each job loads the studio, so that what a test sets up for a page load meets the job it is for.
      browser: { pageCount: 1, studioReuseMs: 0, ...extra.browser },
      paths: { dataDir, ...extra.paths },
      storage: s3 ? { driver: "s3", s3: s3.s3Config, ...extra.storage } : { driver: "local", ...extra.storage },
      queue: { ...TEST_QUEUE, ...extra.queue },
      ...(options.database ? { database: { url: options.database, ...extra.database } } : {}),
      ...(accounts && !extra.accounts ? { accounts: Object.keys(accounts).map((name) => ({ name })) } : {}),
    };
  };
  const configWith = (input?: unknown) =>
    parts.loadConfig({ env: {}, configFile: false, overrides: overridesWith(input) } as never).config;
  const signIn = (signed: ConfigShape) => {
    if (!accounts) return parts.writeLoginState(signed.paths.stateFile, site.issueSession() as never);
    for (const account of signed.accounts) {
      parts.writeLoginState(account.stateFile, site.issueSession(accounts[account.name]) as never);
    }
  };

  const config = configWith(options.config);
  if (options.signedIn !== false) signIn(config);
  const pool = accounts && parts.AccountPool ? new parts.AccountPool({ config } as never) : undefined;
  const session = !accounts && parts.BrowserSession ? new parts.BrowserSession({ config } as never) : undefined;
  const generator = pool ?? session;
  if (generator) teardown.add(() => generator.close());
  const service = parts.ProducerService
    ? await parts.ProducerService.create({
        config,
        ...(options.generator !== false && generator ? { generator } : {}),
      } as never)
    : undefined;
  if (service) teardown.add(() => service.close({ graceMs: 1000 }));
  const resetSite = () => {
    site.faults.clear();
    site.resetStats();
  };
  return {
    site,
    s3,
    dataDir,
    config,
    session,
    pool,
    service,
    teardown,
    overridesWith,
    configWith,
    signIn,
    resetSite,
    close: teardown.run,
  };
}
