// A generation must cost the same whatever the account's library holds: three sites whose libraries hold 0,
// 1,000 and 5,000 songs, a daemon on each, generations interleaved round by round.
import { startSignedInDaemon, startSite, stopProcess, summary } from "../lib.mjs";

export async function librarySize({ rounds, sizes }) {
  const setups = [];
  try {
    for (const size of sizes) {
      const site = await startSite();
      if (size > 0) site.seedLibrary(undefined, size);
      const { child, client } = await startSignedInDaemon(site, `library-${size}`);
      setups.push({ size, site, child, client });
    }
    const generate = async (setup, prompt) => {
      const result = await setup.client.generateMusic({ prompt, useQueue: false });
      if (result.job.status !== "succeeded" || result.tracks.length !== 2)
        throw new Error(`library ${setup.size}: job ${result.job.status}`);
    };
    for (const setup of setups) await generate(setup, `warm-up ${setup.size}`);
    const times = Object.fromEntries(sizes.map((size) => [size, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (let index = 0; index < setups.length; index += 1) {
        const setup = setups[(index + round) % setups.length];
        const started = performance.now();
        await generate(setup, `round ${round} at ${setup.size}`);
        times[setup.size].push(performance.now() - started);
      }
    }
    const biggest = sizes[sizes.length - 1];
    return {
      sizes,
      ms: Object.fromEntries(sizes.map((size) => [size, summary(times[size])])),
      ratio5000: summary(times[biggest].map((value, index) => value / times[0][index])),
    };
  } finally {
    for (const setup of setups) {
      await stopProcess(setup.child);
      await setup.site.close();
    }
  }
}
