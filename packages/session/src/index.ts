/**
 * A warm Chromium signed in to ProducerAI, and the site driver that generates and downloads songs through a
 * selectors profile.
 *
 * @example
 * ```ts
 * import { loadConfig } from "@producer/config";
 * import { BrowserSession } from "@producer/session";
 *
 * const session = new BrowserSession({ config: loadConfig().config });
 * await session.start();
 * const songs = await session.generate({ prompt: "a happy pop song", format: "wav" });
 * await session.close();
 * ```
 */
export { BrowserSession } from "./browser-session.js";
export type { BrowserSessionOptions } from "./browser-session.js";
export { BrowserPool } from "./browser-pool.js";
export { AccountPool } from "./account-pool.js";
export type { AccountPoolOptions } from "./account-pool.js";
export { ChromiumHost } from "./chromium-host.js";
export type { ChromiumHostOptions } from "./chromium-host.js";
export type { BrowserPoolOptions, PooledPage } from "./browser-pool.js";
export { SiteDriver } from "./site-driver.js";
export type { SiteDriverOptions, StudioStatus } from "./site-driver.js";
export { composeMessage } from "./chat-flow.js";
export { PageTraffic } from "./page-traffic.js";
export type { GenerationCall, StreamState } from "./page-traffic.js";
export { clipsOf, parseClip, parseStatus, parseToolReturn } from "./site-answers.js";
export type { ClipState, OperationState, ToolReturn } from "./site-answers.js";
export { classifySubmitAnswer } from "./submit-answer.js";
export type { SubmitAnswer } from "./submit-answer.js";
export { describeLocator, locate, sitePath, siteUrl, toLocator } from "./locators.js";
export type { Site } from "./site.js";
export { SignInCoordinator } from "./sign-in.js";
export type { Credentials } from "./sign-in.js";
export { SubmissionPacer } from "./submission-pacer.js";
export { artifactHoldsSecret, saveFailureArtifacts } from "./failure-artifacts.js";
export type { FailureArtifactOptions, FailureArtifacts } from "./failure-artifacts.js";
export { ArtifactScrubber, MIN_SECRET_CHARS, REDACTED, redactByName } from "./artifact-scrubber.js";
export { secretsOfLoginStates } from "./login-secrets.js";
export {
  AUTH_COOKIE_PATTERN,
  authCookieOf,
  normalizeLoginState,
  readLoginState,
  refreshTokenOf,
  sessionIdOf,
  writeLoginState,
} from "./login-state.js";
export type { AuthCookieFacts, LoginState, StateCookie } from "./login-state.js";
export { checkLoginState, importLoginState, initLoginState } from "./login-state-commands.js";
export type { LoginStateSummary } from "./login-state-commands.js";
export { findPoolProcesses } from "./chromium-processes.js";
export { SiteChecker } from "./site-check.js";
export type { LocatorCheck, SiteCheckReport } from "./site-check.js";
export {
  ANSWERS_LOOKED_AT,
  driftSince,
  ShapeDriftRecorder,
  shapeDriftOf,
  sumDrift,
  type ShapeDrift,
} from "./shape-drift.js";
export { shapeDifferences, type ShapeDifference } from "./answer-shape-check.js";
export { formatDuration } from "./format-duration.js";
