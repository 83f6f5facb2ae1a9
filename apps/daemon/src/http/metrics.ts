import type { ProducerService } from "@producer/core";
import { JOB_STATUSES } from "@producer/core";
import type { AccountReport, StepTotal } from "@producer/utils";

export interface BrowserStats {
  up: boolean;
  restarts: number;
  pagesInUse: number;
  pagesOpen: number;
  /** Each page step's summed time over finished generations, and how many there were. */
  pageSteps: ReadonlyMap<string, StepTotal>;
  /** Answers of the site that differed from the profile's shapes: each endpoint's field, and in how many answers. */
  shapeDrift?: ReadonlyArray<{ endpoint: string; field: string; seen: number }>;
}

const line = (name: string, labels: Record<string, string>, value: number) => {
  const text = Object.entries(labels)
    .map(([key, label]) => `${key}="${label.replace(/["\\\n]/g, "_")}"`)
    .join(",");
  return `${name}${text ? `{${text}}` : ""} ${Number.isFinite(value) ? value : 0}`;
};

/** The daemon's state in Prometheus text format. */
export async function renderMetrics(
  service: ProducerService,
  browser: BrowserStats | undefined,
  http: ReadonlyMap<string, number>,
  accounts: readonly AccountReport[] = [],
): Promise<string> {
  const status = await service.status();
  const out: string[] = [];
  const metric = (name: string, type: string, help: string) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  metric("producer_jobs", "gauge", "Jobs in the store by status.");
  for (const jobStatus of JOB_STATUSES)
    out.push(line("producer_jobs", { status: jobStatus }, status.jobsByStatus[jobStatus] ?? 0));
  metric("producer_queue_depth", "gauge", "Jobs waiting to run.");
  out.push(line("producer_queue_depth", {}, status.queueDepth));
  metric("producer_jobs_active", "gauge", "Jobs this daemon is running.");
  out.push(line("producer_jobs_active", {}, status.activeJobs));
  metric("producer_queue_paused", "gauge", "1 while a session problem pauses the queue.");
  out.push(line("producer_queue_paused", {}, status.paused ? 1 : 0));
  const steps = (name: string, help: string, totals: ReadonlyMap<string, StepTotal>) => {
    metric(name, "summary", help);
    for (const [step, { totalMs, count }] of totals) {
      out.push(line(`${name}_sum`, { step }, totalMs / 1000));
      out.push(line(`${name}_count`, { step }, count));
    }
  };
  steps("producer_step_duration_seconds", "Time spent in each step of a job.", service.stepDurations());
  if (browser) {
    metric("producer_browser_up", "gauge", "1 while Chromium runs.");
    out.push(line("producer_browser_up", {}, browser.up ? 1 : 0));
    metric("producer_browser_restarts_total", "counter", "Chromium relaunches after a crash.");
    out.push(line("producer_browser_restarts_total", {}, browser.restarts));
    metric("producer_browser_pages_in_use", "gauge", "Pages running a generation.");
    out.push(line("producer_browser_pages_in_use", {}, browser.pagesInUse));
    metric("producer_browser_pages_open", "gauge", "Pages open.");
    out.push(line("producer_browser_pages_open", {}, browser.pagesOpen));
    steps(
      "producer_page_step_duration_seconds",
      "Time spent on the page in each step of a generation.",
      browser.pageSteps,
    );
    metric(
      "producer_site_shape_drift_total",
      "counter",
      "Answers of the site with a field the profile does not know, or without one it expects.",
    );
    for (const { endpoint, field, seen } of browser.shapeDrift ?? [])
      out.push(line("producer_site_shape_drift_total", { endpoint, field }, seen));
  }
  if (accounts.length > 0) {
    const each = (name: string, type: string, help: string, value: (account: AccountReport) => number) => {
      metric(name, type, help);
      for (const account of accounts) out.push(line(name, { account: account.name }, value(account)));
    };
    each(
      "producer_account_usable",
      "gauge",
      "1 while the account can take jobs (signed in, not walled, not paused).",
      (account) => (account.signedIn !== false && !account.wall && !account.paused ? 1 : 0),
    );
    each("producer_account_walled", "gauge", "1 while the account is behind a wall.", (account) =>
      account.wall ? 1 : 0,
    );
    each(
      "producer_account_credits",
      "gauge",
      "The account's last known credit balance (-1 when unknown).",
      (account) => account.credits ?? -1,
    );
    each("producer_account_jobs_running", "gauge", "Generations running on the account.", (account) => account.running);
    each(
      "producer_account_generations_total",
      "counter",
      "Generations the account finished.",
      (account) => account.generations,
    );
    each(
      "producer_account_credits_spent_total",
      "counter",
      "Credits the account's finished generations cost.",
      (account) => account.creditsSpent,
    );
    metric("producer_account_failures_total", "counter", "Failed generations on the account, by error code.");
    for (const account of accounts) {
      for (const [code, count] of Object.entries(account.failures))
        out.push(line("producer_account_failures_total", { account: account.name, code }, count));
    }
  }
  metric("producer_http_responses_total", "counter", "HTTP responses by status code.");
  for (const [code, count] of http) out.push(line("producer_http_responses_total", { code }, count));
  return `${out.join("\n")}\n`;
}
