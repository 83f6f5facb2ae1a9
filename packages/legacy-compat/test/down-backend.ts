import type { ProducerBackend } from "@producer/core";

/** A backend that is down: every call fails as the daemon client does when nothing listens. */
export const downBackend: ProducerBackend = (() => {
  const down = async () =>
    Promise.reject(Object.assign(new Error("The producer daemon is not running."), { code: "UNAVAILABLE" }));
  return {
    generateMusic: down,
    operate: down,
    library: down,
    runTask: down,
    getJob: down,
    waitForJob: down,
    cancel: down,
    retry: down,
    listJobs: down,
    status: down,
    listTracks: down,
    getTrack: down,
    openTrackAudio: down,
    session: down,
    upNext: down,
    // biome-ignore lint/correctness/useYield: a feed of a daemon that is down ends before its first event
    watchJob: async function* () {
      await down();
    },
  };
})();
