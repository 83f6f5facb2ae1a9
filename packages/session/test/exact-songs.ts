import type { RunningSimulator } from "@producer/simulator";
import { sha256File, type GeneratedSong } from "@producer/utils";
import { expect } from "vitest";

/** Every downloaded song is byte-equal to what the site served for that very song, and no two are the same. */
export async function expectExactSongs(site: RunningSimulator, songs: GeneratedSong[]): Promise<void> {
  const hashes = new Set<string>();
  for (const song of songs) {
    const sha = await sha256File(song.filePath);
    expect(sha, `song ${song.index + 1}`).toBe(site.servedSha256(song.clipId as string, song.format));
    hashes.add(sha);
  }
  expect(hashes.size).toBe(songs.length);
}
