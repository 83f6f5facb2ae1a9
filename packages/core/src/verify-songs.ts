import {
  AudioInvalidError,
  checkAudioSignature,
  DuplicateAudioError,
  readAudioFacts,
  type AudioFacts,
} from "@producer/utils";
import type { DownloadedSong } from "./store/job-row.js";

/** A song that passed the checks, with what its file says of itself. */
export interface CheckedSong {
  song: DownloadedSong;
  facts: AudioFacts;
}

/**
 * Checks every song before anything is stored: its first bytes are the asked format, its audio can be read as
 * that format, and no two songs of the job are the same bytes (the site gave one song twice, or the driver took
 * one twice). A failure stores nothing and is never retried by itself.
 */
export async function verifySongs(songs: DownloadedSong[]): Promise<CheckedSong[]> {
  const bySha = new Map<string, DownloadedSong>();
  // Each song's file is read once, all of them at the same time; the checks between them come after.
  const read = await Promise.all(
    songs.map(async (song) => {
      const where = { step: "verify", songNumber: song.index + 1, ...(song.clipId ? { clipId: song.clipId } : {}) };
      await checkAudioSignature(song.filePath, song.format as AudioFacts["format"], where);
      const facts = await readAudioFacts(song.filePath);
      if (facts.format !== song.format) {
        throw new AudioInvalidError(
          `Song ${song.index + 1} was asked as ${song.format.toUpperCase()} but reads as ${facts.format.toUpperCase()}.`,
          {
            details: where,
          },
        );
      }
      return { song, facts };
    }),
  );
  const checked: CheckedSong[] = [];
  for (const { song, facts } of read) {
    const twin = bySha.get(facts.sha256);
    if (twin) {
      throw new DuplicateAudioError(
        `Songs ${twin.index + 1} and ${song.index + 1} of this job are the same file (sha256 ${facts.sha256.slice(0, 12)}…): the site gave one song twice, or one was downloaded twice. Nothing was stored.`,
        {
          details: {
            step: "verify",
            songNumbers: [twin.index + 1, song.index + 1],
            sha256: facts.sha256,
            clipIds: [twin.clipId ?? null, song.clipId ?? null],
          },
        },
      );
    }
    bySha.set(facts.sha256, song);
    checked.push({ song, facts });
  }
  return checked;
}
