import { createHash, randomUUID } from "node:crypto";
import { synthesizeM4a, synthesizeMp3, synthesizeWav } from "@producer/test-utils";

export type SimulatedFormat = "wav" | "mp3" | "m4a";

export interface SimulatedSong {
  id: string;
  title: string;
  durationSecs: number;
  /** False for a song that finished without audio (`audio_url: null` on the real site). */
  hasAudio: boolean;
}

export interface SimulatedGeneration {
  id: string;
  prompt: string;
  createdAt: number;
  /** When the assistant's reply shows; undefined when it never will. */
  replyAt: number | undefined;
  readyAt: number;
  songs: SimulatedSong[];
}

const WORDS_A = ["Golden", "Neon", "Velvet", "Paper", "Electric", "Quiet", "Crimson", "Silver", "Midnight", "Summer"];
const WORDS_B = [
  "Tides",
  "Skyline",
  "Echoes",
  "Lanterns",
  "Horizon",
  "Static",
  "Gardens",
  "Rivers",
  "Signals",
  "Motel",
];

/** Titles and durations that vary from song to song but are fixed by the prompt, so runs are repeatable. */
export function planSongs(
  prompt: string,
  options: { count: number; durationSecs: readonly [number, number] },
): Array<Omit<SimulatedSong, "hasAudio">> {
  const digest = createHash("sha256").update(prompt).digest();
  const [shortest, longest] = options.durationSecs;
  return Array.from({ length: options.count }, (_, index) => {
    const a = digest[index * 3] ?? 0;
    const b = digest[index * 3 + 1] ?? 0;
    const c = digest[index * 3 + 2] ?? 0;
    return {
      id: randomUUID(),
      title: `${WORDS_A[a % WORDS_A.length]} ${WORDS_B[b % WORDS_B.length]}${index > 0 ? ` (take ${index + 1})` : ""}`,
      durationSecs: Math.round((shortest + ((longest - shortest) * c) / 255) * 100) / 100,
    };
  });
}

type AudioSource = Pick<SimulatedSong, "id" | "title" | "durationSecs">;

/** Audio is made on first export of a song in a format, like the real site's on-demand export, then kept. */
export class AudioCache {
  private readonly files = new Map<string, Buffer>();

  sha256(song: AudioSource, format: SimulatedFormat): string {
    return createHash("sha256").update(this.get(song, format)).digest("hex");
  }

  /** A clip's audio in one format given as it is (an upload's own bytes). */
  put(id: string, format: SimulatedFormat, bytes: Buffer): void {
    this.files.set(`${id}:${format}`, bytes);
  }

  get(song: AudioSource, format: SimulatedFormat): Buffer {
    const key = `${song.id}:${format}`;
    let bytes = this.files.get(key);
    if (!bytes) {
      const options = { seed: `${song.id}:${song.title}`, durationSecs: song.durationSecs };
      bytes =
        format === "wav" ? synthesizeWav(options) : format === "mp3" ? synthesizeMp3(options) : synthesizeM4a(options);
      this.files.set(key, bytes);
    }
    return bytes;
  }
}
