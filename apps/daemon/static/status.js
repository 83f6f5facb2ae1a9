// The daemon's status page: reads the daemon's own API (same origin; the token cookie or no token), refreshes every
// few seconds, follows each running job's event stream for its live step, and never re-renders a row it already
// shows (a playing song keeps playing, a focused button keeps its focus).
"use strict";

const REFRESH_MS = 2000;
const RUNNING = new Set(["generating", "downloading", "uploading", "recording"]);
const DONE = new Set(["succeeded", "failed", "cancelled"]);
const streams = new Map();
let refreshing = false;

/** What a job is doing, in words. */
function stepOf(job) {
  if (job.status === "queued") return job.waiting ? `waiting: ${job.waiting.reason}` : "queued";
  const progress = job.progress;
  if (!progress || DONE.has(job.status)) return job.status;
  const song =
    progress.songNumber && progress.songCount ? `, song ${progress.songNumber} of ${progress.songCount}` : "";
  return progress.stage === job.status ? `${job.status}${song}` : `${job.status}: ${progress.stage}${song}`;
}

/** `/v1/artifacts/<folder>/<file>` for a path the daemon saved under its artifacts folder. */
function artifactLink(file, label) {
  if (typeof file !== "string") return null;
  const parts = file.split(/[\\/]/).slice(-2).map(encodeURIComponent);
  return el("a", { href: `/v1/artifacts/${parts.join("/")}`, text: label, target: "_blank", rel: "noopener" });
}

/**
 * A button that asks the API once: disabled while it does, it says how that went, then the page refreshes. A
 * failure gives the button back, to try again.
 */
function requestButton(attributes, path, init, said) {
  const button = el("button", { type: "button", ...attributes });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api(path, init);
      announce(said.done);
    } catch (error) {
      announce(`${said.failed}: ${error.message}`);
      button.disabled = false;
    }
    void refresh();
  });
  return button;
}

/** A recoverable job's songs are on the site, paid for: Retry fetches them, never submitting again. */
function retryButton(job) {
  return requestButton(
    {
      text: "Retry (free)",
      "aria-label": `Retry job without paying again: ${job.input.prompt}`,
      title: job.recovery ? job.recovery.message : "",
      "data-retry": job.id,
    },
    `/v1/jobs/${encodeURIComponent(job.id)}/retry`,
    { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
    { done: `Fetching the songs of: ${job.input.prompt}`, failed: "Could not retry" },
  );
}

/** The action a job's row offers: Cancel while it runs, Retry once it ended recoverable. */
function actionFor(job) {
  if (!DONE.has(job.status)) return cancelButton(job);
  return job.recoverable ? retryButton(job) : null;
}

function cancelButton(job) {
  return requestButton(
    { text: "Cancel", "aria-label": `Cancel job: ${job.input.prompt}`, "data-cancel": job.id },
    `/v1/generations/${encodeURIComponent(job.id)}`,
    { method: "DELETE" },
    { done: `Job cancelled: ${job.input.prompt}`, failed: "Could not cancel" },
  );
}

function renderQueue(queue, upNext) {
  const summary = $("summary");
  const counts = queue.jobsByStatus;
  summary.replaceChildren(
    queue.paused ? el("span", { class: "paused", text: `Paused: ${queue.paused.reason} ` }) : "",
    `${queue.queueDepth} queued · ${queue.activeJobs} running · ${counts.succeeded ?? 0} succeeded · ${counts.failed ?? 0} failed`,
  );
  syncRows(
    $("queue-rows"),
    upNext,
    (job) => job.id,
    (job) =>
      el(
        "tr",
        {},
        el("td", { "data-label": "Position", "data-cell": "position", text: job.position }),
        el("td", { "data-label": "Prompt", class: "prompt" }, ...jobLabel(job)),
        el("td", { "data-label": "State", "data-cell": "state", text: stepOf(job) }),
        el("td", { "data-label": "Queued at", text: when(job.createdAt) }),
        el("td", { "data-label": "Cancel" }, cancelButton(job)),
      ),
    (row, job) => {
      setCell(row, "position", String(job.position));
      setCell(row, "state", stepOf(job));
    },
  );
}

function renderRunning(jobs) {
  const running = jobs.filter((job) => RUNNING.has(job.status));
  syncRows(
    $("running-rows"),
    running,
    (job) => job.id,
    (job) => {
      follow(job.id);
      return el(
        "li",
        { "data-job": job.id },
        el("div", { class: "prompt" }, ...jobLabel(job)),
        el(
          "div",
          {},
          el("span", { class: "step", "data-cell": "step", text: stepOf(job) }),
          ` · attempt ${job.attempts} · started ${when(job.startedAt)} `,
          cancelButton(job),
        ),
      );
    },
    (row, job) => setCell(row, "step", stepOf(job)),
  );
}

/** Follows one running job's event stream: its step changes live, and its end refreshes the page. */
function follow(id) {
  if (streams.has(id)) return;
  const source = new EventSource(`/v1/generations/${encodeURIComponent(id)}/events`);
  streams.set(id, source);
  source.addEventListener("job", (event) => {
    const job = JSON.parse(event.data);
    const row = document.querySelector(`#running-rows [data-key="${CSS.escape(id)}"]`);
    if (row) setCell(row, "step", stepOf(job));
    const recent = document.querySelector(`#job-rows [data-key="${CSS.escape(id)}"]`);
    if (recent) updateJobRow(recent, job);
    if (DONE.has(job.status)) {
      source.close();
      streams.delete(id);
      void refresh();
    }
  });
  source.onerror = () => {
    source.close();
    streams.delete(id);
  };
}

function errorCell(job) {
  if (!job.error) return [];
  const artifacts = job.error.details?.artifacts ?? {};
  const links = [artifactLink(artifacts.screenshot, "screenshot"), artifactLink(artifacts.html, "page HTML")].filter(
    Boolean,
  );
  const parts = [el("span", { class: "error", text: `${job.error.code}: ${job.error.message}` })];
  for (const link of links) parts.push(" ", link);
  return parts;
}

function updateJobRow(row, job) {
  setCell(row, "status", stepOf(job));
  row.querySelector('[data-cell="status"]').className = `status-${job.status}`;
  setCell(row, "attempts", String(job.attempts));
  setCell(row, "finished", when(job.finishedAt));
  if (row.dataset.error !== String(job.error?.code ?? "")) {
    row.dataset.error = String(job.error?.code ?? "");
    setCell(row, "error", errorCell(job));
  }
  const action = row.querySelector('[data-cell="action"]');
  const wanted = !DONE.has(job.status) ? "cancel" : job.recoverable ? "retry" : "";
  if ((action.dataset.action ?? "") !== wanted) {
    action.dataset.action = wanted;
    const button = actionFor(job);
    if (button) action.replaceChildren(button);
    else action.replaceChildren();
  }
}

function renderJobs(jobs) {
  syncRows(
    $("job-rows"),
    jobs,
    (job) => job.id,
    (job) => {
      const row = el(
        "tr",
        { "data-job": job.id },
        el("td", { "data-label": "Prompt", class: "prompt" }, ...jobLabel(job)),
        el("td", { "data-label": "Status", "data-cell": "status", class: `status-${job.status}`, text: stepOf(job) }),
        el("td", { "data-label": "Attempts", "data-cell": "attempts", text: job.attempts }),
        el("td", { "data-label": "Error", "data-cell": "error" }),
        el("td", { "data-label": "Finished", "data-cell": "finished", text: when(job.finishedAt) }),
        el(
          "td",
          {
            "data-label": "Action",
            "data-cell": "action",
            "data-action": !DONE.has(job.status) ? "cancel" : job.recoverable ? "retry" : "",
          },
          actionFor(job),
        ),
      );
      row.dataset.error = "";
      updateJobRow(row, job);
      return row;
    },
    updateJobRow,
  );
}

function renderTracks(tracks) {
  syncRows(
    $("track-rows"),
    tracks,
    (track) => track.id,
    (track) => {
      const audioUrl = `/v1/tracks/${encodeURIComponent(track.id)}/audio`;
      return el(
        "li",
        { "data-track": track.id, id: `track-${track.id}` },
        // The cover made with the song's generation (image: true), when it has one.
        track.imageKey
          ? el("img", {
              class: "cover",
              src: `/v1/tracks/${encodeURIComponent(track.id)}/image`,
              alt: `Cover of ${track.title}`,
              width: 64,
              height: 64,
              loading: "lazy",
            })
          : undefined,
        el("div", { class: "song-title", text: track.title }),
        el("div", { class: "lineage", "data-cell": "lineage", hidden: true }),
        el("div", {
          class: "facts",
          text: `${seconds(track.durationSecs)} · ${track.format} · ${track.sampleRate} Hz · ${Math.round(track.sizeBytes / 1024)} KiB · ${when(track.createdAt)}${track.account ? ` · ${track.account}` : ""}`,
        }),
        el("audio", { controls: true, preload: "metadata", src: audioUrl, "aria-label": `Play ${track.title}` }),
        el("a", { href: audioUrl, download: true, text: "Download" }),
        ...operationMenu(track),
      );
    },
  );
  renderLineage($("track-rows"), tracks);
}

/** Which daemon of a fleet owns the account; "—" for a daemon alone on its database. */
function ownerText(owner) {
  if (owner === undefined) return "—";
  if (owner === null) return "no daemon now";
  return `${owner.self ? "this daemon" : `${owner.instance} on ${owner.host}`} since ${when(owner.since)}`;
}

function renderAccounts(accounts) {
  syncRows(
    $("account-rows"),
    accounts,
    (account) => account.name,
    (account) =>
      el(
        "tr",
        {},
        el("td", { "data-label": "Account", text: account.name }),
        el("td", { "data-label": "State", "data-cell": "state" }),
        el("td", { "data-label": "Balance", "data-cell": "credits" }),
        el("td", { "data-label": "Session", "data-cell": "session" }),
        el("td", { "data-label": "Owner", "data-cell": "owner" }),
        el("td", { "data-label": "Running", "data-cell": "running" }),
      ),
    () => undefined,
  );
  for (const account of accounts) {
    const row = $("account-rows").querySelector(`[data-key="${CSS.escape(account.name)}"]`);
    const state = account.notOwnedReason
      ? `not run here: ${account.notOwnedReason}`
      : account.paused
        ? "paused"
        : account.wall
          ? `walled: ${account.wall.code} (${account.wall.reason})`
          : account.signedIn
            ? "ready"
            : "signed out";
    setCell(row, "state", state);
    setCell(
      row,
      "credits",
      account.credits === null
        ? "unknown"
        : `${account.credits} credits${account.creditsReadAt ? ` (read ${when(account.creditsReadAt)})` : ""}`,
    );
    setCell(
      row,
      "session",
      account.sessionExpiresAt ? `until ${new Date(account.sessionExpiresAt).toLocaleString()}` : "—",
    );
    setCell(row, "owner", ownerText(account.owner));
    setCell(row, "running", String(account.running));
  }
}

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const [queue, upNext, recent, tracks, accounts] = await Promise.all([
      api("/v1/queue"),
      api("/v1/queue/jobs?limit=50"),
      api("/v1/generations?limit=30"),
      api("/v1/tracks?limit=30"),
      api("/v1/accounts").catch((error) => (error.status === 404 ? { accounts: [] } : Promise.reject(error))),
    ]);
    renderQueue(queue, upNext.jobs);
    renderRunning(recent.jobs);
    renderJobs(recent.jobs);
    renderTracks(tracks.tracks);
    renderAccounts(accounts.accounts);
    $("updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $("updated").textContent = `Could not reach the daemon: ${error.message}`;
  } finally {
    refreshing = false;
  }
}

void refresh();
setInterval(() => void refresh(), REFRESH_MS);
