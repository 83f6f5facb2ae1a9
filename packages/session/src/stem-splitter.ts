import { SiteChangedError, type GeneratedSong, type GenerationRequest, type StemPart } from "@producer/utils";
import { songOf } from "./generated-song.js";
import type { FlowContext } from "./flow-context.js";
import type { LibraryReader } from "./library.js";
import type { ClipState } from "./site-answers.js";
import type { SongFiles } from "./song-files.js";
import type { SongsWaiter } from "./songs-waiter.js";

const STEM_PARTS: readonly StemPart[] = ["vocals", "drums", "bass", "other"];
const STEM_TITLE = /\s-\s(vocals|drums|bass|other)$/i;

/** Which part a stem clip is: the stream's `stem_type` for it, else its title's "<title> - <part>", else other. */
export function stemPartOf(clip: ClipState, stemType?: string): StemPart {
  const part = (stemType ?? STEM_TITLE.exec(clip.title)?.[1] ?? "other").toLowerCase();
  return STEM_PARTS.includes(part as StemPart) ? (part as StemPart) : "other";
}

/**
 * Splits each song into its stems through the song's own menu (a free generation of its own), learns the
 * stems' ids from that call's stream (`stems: [{ stem_type, clip_id }]`), and downloads each as a song linked
 * to its parent. Stems the library already holds for a song are used, not made again.
 */
export class StemSplitter {
  constructor(
    private readonly context: FlowContext,
    private readonly library: LibraryReader,
    private readonly waiter: SongsWaiter,
    private readonly files: SongFiles,
  ) {}

  async split(songs: GeneratedSong[], request: GenerationRequest): Promise<GeneratedSong[]> {
    this.context.step.name = "stems";
    const out: GeneratedSong[] = [];
    let index = songs.reduce((most, song) => Math.max(most, song.index), -1) + 1;
    for (const song of songs) {
      const parent = song.clipId as string;
      const stems = await this.stemsOf(parent, song.index + 1);
      const clips = await this.waiter.settled(
        stems.map((stem) => stem.clipId),
        "stems",
      );
      for (const [position, clip] of clips.entries()) {
        if (!clip.done) continue;
        const filePath = await this.files.download(clip, index, request.format);
        out.push({
          ...songOf(clip, index, filePath, request),
          stem: stemPartOf(clip, stems[position]?.stemType),
          parentClipId: parent,
        });
        index += 1;
      }
    }
    return out;
  }

  /** The stems of one song: those the library has, or those a split started now names. */
  private async stemsOf(parent: string, songNumber: number): Promise<Array<{ stemType: string; clipId: string }>> {
    const { traffic, site, signal, actions } = this.context;
    const existing = (clips: ClipState[]) =>
      clips.filter(
        (clip) =>
          clip.sourceClipId === parent &&
          (clip.opType === undefined || clip.opType === site.tools.splitStems) &&
          !clip.failed,
      );
    const known = existing(await this.library.recent());
    if (known.length >= STEM_PARTS.length)
      return known.map((clip) => ({ stemType: STEM_TITLE.exec(clip.title)?.[1] ?? "other", clipId: clip.id }));

    const clip = traffic.clips.get(parent) as ClipState;
    const context = { step: "stems", songNumber };
    const before = traffic.calls.length;
    const { row, menu } = await this.library.openSongMenu(clip, songNumber, "stems");
    await actions.pick(await actions.menuItem(menu, "splitStems", context, {}, row), "splitStems", context, {
      submenu: false,
    });
    const call = await traffic.waitFor(
      () =>
        traffic.calls.slice(before).find((candidate) => candidate.kind === "stems" && candidate.jobId !== undefined),
      { timeoutMs: site.timeouts.replyMs, signal },
    );
    if (call?.jobId) {
      const stream = await traffic.openStream(call.jobId);
      const named = await traffic.waitFor(
        () =>
          stream.toolReturns.find((toolReturn) => toolReturn.stems.length > 0) ??
          (stream.ended || stream.error ? null : undefined),
        { timeoutMs: site.timeouts.songStartMs, signal },
      );
      await traffic.closeStream(call.jobId);
      if (named) return named.stems;
    }
    // The stream named none: the stems show in the library, linked to their song.
    let found: ClipState[] = [];
    await traffic.waitFor(() => (found.length >= STEM_PARTS.length ? found : undefined), {
      timeoutMs: site.timeouts.songStartMs,
      pollMs: 1000,
      signal,
      onPoll: async () => {
        found = existing(await this.library.recent());
      },
    });
    if (found.length === 0) {
      throw new SiteChangedError(
        `Split stems for song ${songNumber} started no stems within ${site.timeouts.songStartMs} ms.`,
        {
          details: { step: "stems", songNumber, locator: "splitStems" },
        },
      );
    }
    return found.map((stem) => ({ stemType: STEM_TITLE.exec(stem.title)?.[1] ?? "other", clipId: stem.id }));
  }
}
