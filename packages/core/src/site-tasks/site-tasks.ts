import { SongOperations } from "../operation-helpers.js";
import type { CreateImageInput } from "./image.js";
import type { CleanupInput, CleanupResult } from "./library-cleanup.js";
import type {
  DeleteConversationsInput,
  DeleteSongsInput,
  ListConversationsInput,
  RenameSongInput,
  SongPrivacyInput,
} from "./library-tidy.js";
import type { EditLyricsInput, EditLyricsResult, TaskAnswer, WriteLyricsInput, WriteLyricsResult } from "./lyrics.js";
import type { ListModelsResult } from "./models.js";
import type { SiteTaskInput, SiteTaskResult } from "./run-site-task.js";
import type { DescribeSongAnswer, DescribeSongInput } from "./song-describe.js";
import { type UploadAudioAnswer, type UploadAudioInput, uploadAudioThrough } from "./upload-input.js";

/**
 * The typed helpers of `runTask`, shared by the in-process service and the daemon's client (as `SongOperations`
 * are for `operate`): `producer.writeLyrics({ prompt })` is `runTask({ kind: "lyrics.write", prompt })`.
 */
export abstract class SiteTasks extends SongOperations {
  /** Runs one task that is not a song (lyrics, an image, a caption, an upload, a rename); see `SITE_TASKS`. */
  abstract runTask(input: SiteTaskInput): Promise<SiteTaskResult>;

  /** Makes an image (`image__create_image`) and stores it beside the audio: `result` is `{ key, url, format, sizeBytes, sha256 }`. */
  createImage(input: CreateImageInput): Promise<SiteTaskResult> {
    return this.runTask({ kind: "image.create", ...input });
  }

  /**
   * What a song holds (`audio__caption`, `audio__transcribe`; little or no cost): `result` is `{ clipId, caption,
   * lyrics, trackIds }`, the caption and lyrics also kept on the song's stored tracks.
   */
  describeSong(input: DescribeSongInput): Promise<DescribeSongAnswer> {
    return this.runTask({ kind: "song.describe", ...input }) as Promise<DescribeSongAnswer>;
  }

  /** Renames a song on the site (`PATCH /clips/<id>`; free): `result` is `{ clip: { id, title, privacy } }`. */
  renameSong(input: RenameSongInput): Promise<SiteTaskResult> {
    return this.runTask({ kind: "library.rename", ...input });
  }

  /** Sets who may see songs (one change per song; free): `result` is `{ clips, notFound }`. */
  setSongPrivacy(input: SongPrivacyInput): Promise<SiteTaskResult> {
    return this.runTask({ kind: "library.privacy", ...input });
  }

  /** Deletes songs on the site, for good (their stored tracks stay): `result` is `{ deleted }`. */
  deleteSongs(input: DeleteSongsInput): Promise<SiteTaskResult> {
    return this.runTask({ kind: "library.delete", ...input });
  }

  /** The account's conversations on the site, newest first: `result` is `{ conversations: [{ id, title, clipCount }] }`. */
  listConversations(input: ListConversationsInput = {}): Promise<SiteTaskResult> {
    return this.runTask({ kind: "conversations.list", ...input });
  }

  /** Deletes conversations on the site, for good: `result` is `{ deleted, notFound }`. */
  deleteConversations(input: DeleteConversationsInput): Promise<SiteTaskResult> {
    return this.runTask({ kind: "conversations.delete", ...input });
  }

  /**
   * Deletes on the site only the songs (and with `conversations`, the conversations) producer made, never a song
   * whose track is not stored; a dry run unless `apply`. `result` lists them and what was kept and why.
   */
  cleanupLibrary(input: CleanupInput = {}): Promise<SiteTaskResult & { result: CleanupResult }> {
    return this.runTask({ kind: "library.cleanup", ...input }) as Promise<SiteTaskResult & { result: CleanupResult }>;
  }

  /** Writes lyrics for a prompt (`lyrics__create`): `result` is `{ title, lyrics, lyricsId }`. */
  writeLyrics(input: WriteLyricsInput): Promise<TaskAnswer<WriteLyricsResult>> {
    return this.runTask({ kind: "lyrics.write", ...input }) as Promise<TaskAnswer<WriteLyricsResult>>;
  }

  /** Rewrites lyrics as a prompt asks (`lyrics__register`, then `lyrics__edit`): `result` is `{ lyrics, lyricsId }`. */
  editLyrics(input: EditLyricsInput): Promise<TaskAnswer<EditLyricsResult>> {
    return this.runTask({ kind: "lyrics.edit", ...input }) as Promise<TaskAnswer<EditLyricsResult>>;
  }

  /** The site's models, kept for ten minutes (`refresh: true` asks again): `result` is `{ models, fetchedAt, ageSecs, cached }`. */
  listModels(input: { refresh?: boolean; account?: string } = {}): Promise<TaskAnswer<ListModelsResult>> {
    return this.runTask({ kind: "models.list", ...input }) as Promise<TaskAnswer<ListModelsResult>>;
  }

  /**
   * Uploads one's own audio (a path, bytes or a stream) and waits for the site's check: `result.clipId` is a clip
   * of the library, a source for cover, extend and stems. A refusal is UPLOAD_REFUSED with `details.reason`.
   */
  uploadAudio(input: UploadAudioInput): Promise<UploadAudioAnswer> {
    return uploadAudioThrough((task) => this.runTask(task), input);
  }
}
