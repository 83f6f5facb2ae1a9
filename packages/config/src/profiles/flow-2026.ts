import type { SiteProfileInput } from "../site-profile.js";
import { FLOW_2026_ANSWERS } from "./flow-2026-answers.js";

/**
 * The 2026 Flow Music app (the same `/__api/*` backend served www.producer.ai): a compose panel found by ARIA
 * role and name only, Radix menus whose submenu items need keyboard focus and Enter, and results read from the
 * page's own `/__api/*` traffic: the ids of a generation from its message stream's tool-return, the songs from
 * `/__api/clips`, the files from their public storage links or the download endpoint. A library row is whatever
 * element holds a song's "Open details for …" and "More options for …" buttons.
 */
export const FLOW_2026_PROFILE = {
  name: "flow-2026",
  description: "Flow Music app (2026): compose panel, library menus, /__api traffic",
  flow: "compose-2026",
  baseUrl: "https://www.flowmusic.app",
  paths: {
    studio: "/session",
    signIn: "/login",
    library: "/library/my-songs",
    song: "/song/{id}",
    settings: "/settings",
  },
  locators: {
    composeToggle: { role: "button", name: "Toggle compose panel" },
    soundDescription: { role: "textbox", name: "Sound description" },
    lyricsInput: { role: "textbox", name: "Lyrics" },
    instrumentalSwitch: { role: "switch", name: "Toggle instrumental mode" },
    advancedSwitch: { role: "switch", name: "Toggle advanced sound mode" },
    bpmInput: { after: "BPM", tag: "input" },
    lengthInput: { after: "Length", tag: "input" },
    seedInput: { after: "Seed", tag: "input" },
    modelButton: { role: "button", name: "Lyria ", startsWith: true },
    modelOption: { role: "menuitem", name: "{model}" },
    detailsToggle: { role: "button", name: "Expand Details section" },
    // The text is the empty field's placeholder: once a title is typed (or kept from last time) it may be gone.
    titleInput: {
      any: [
        { after: "Add title (optional)", tag: "textarea" },
        { css: 'textarea[placeholder="Add title (optional)"], textarea[aria-label="Title" i]' },
      ],
    },
    generateButton: { role: "button", name: "Generate", exact: true },
    chatInput: { role: "textbox", name: "Chat message" },
    chatSend: { role: "button", name: "Send message" },
    songLink: { css: 'a[href$="/song/{id}"]' },
    openDetails: { role: "button", name: "Open details for {title}", exact: true },
    moreOptions: { role: "button", name: "More options for {title}", exact: true },
    menuDownload: { role: "menuitem", name: "Download", exact: true },
    formatWav: { role: "menuitem", name: "WAV", exact: true },
    formatMp3: { role: "menuitem", name: "MP3", exact: true },
    formatM4a: { role: "menuitem", name: "M4A", exact: true },
    splitStems: { role: "menuitem", name: "Split stems", exact: true },
    consentAgree: { role: "button", name: "I agree", exact: true },
    overlay: { css: '[role="dialog"]:visible, [role="alertdialog"]:visible, [aria-modal="true"]:visible' },
    dialogClose: {
      any: [
        { role: "button", name: "Close", exact: true },
        { role: "button", name: "No thanks", exact: true },
        { role: "button", name: "Not now", exact: true },
        { role: "button", name: "Maybe later", exact: true },
        { role: "button", name: "Dismiss", exact: true },
        { role: "button", name: "Skip", exact: true },
      ],
    },
    loginWall: { text: "Continue with Google" },
    challenge:
      'iframe[src*="challenges.cloudflare.com"], #challenge-form, .cf-turnstile, iframe[title*="captcha" i], [data-challenge]',
    outOfCredits: { any: [{ text: "You're out of credits" }, { text: "Not enough credits" }] },
    busy: { text: "Producer is busy helping others" },
  },
  api: {
    credits: "/__api/billing/credits",
    compose: "/__api/producer/tool-call",
    chat: "/__api/conversation",
    stream: "/__api/messages/{jobId}/stream?last_id=0",
    status: "/__api/audio-create-song-status/",
    clips: "/__api/clips",
    recentClips: "/__api/clips/auth-user?limit=50&offset=0&filter=generations",
    // `producer library`: one page of the account's songs, newest first.
    library: "/__api/clips/auth-user?limit={limit}&offset={offset}&filter=generations",
    download: "/__api/download/audio/{clipId}?format={format}",
    // Supabase's token endpoint (on its own host): the page refreshes its login here, rotating the refresh token.
    authRefresh: "/auth/v1/token",
    // Song operations: a conversation holds their tool calls, and edits render a recipe made first.
    conversationCreate: "/__api/conversation/create",
    recipes: "/__api/recipes/create",
    // One's own audio: a multipart upload, its check polled, then vocals removed (a new clip) or kept if asked.
    uploadAudio: "/__api/producer/upload-audio",
    uploadCheck: "/__api/producer/upload-audio/{clipId}/upload-check-status?operation_id={operationId}",
    uploadRemoveVocals: "/__api/producer/upload-audio/{clipId}/remove-vocals",
    uploadConfirm: "/__api/producer/upload-audio/{clipId}/confirm",
    // The library's upkeep: rename a song or set its privacy (PATCH), delete songs, the account's conversations.
    clipUpdate: "/__api/clips/{clipId}",
    clipsDelete: "/__api/clips/delete",
    conversations: "/__api/conversations?limit={limit}&offset={offset}",
    conversationClipCount: "/__api/conversations/{conversationId}/clip_count",
    conversationDelete: "/__api/conversations/{conversationId}",
    // The site's models (`producer models`): `{ models: [{ public_name, is_default, … }] }`.
    models: "/__api/models",
  },
  menus: { submenuPick: "keyboard", find: ["aria-controls", "in-row", "popup"] },
  tools: {
    createSong: "audio__create_song",
    splitStems: "audio__split_stems",
    renderEdit: "audio__render_edit",
    applyEffect: "audio__apply_effect",
    createImage: "image__create_image",
    caption: "audio__caption",
    transcribe: "audio__transcribe",
    songMetadata: "songs__get_metadata",
    lyricsCreate: "lyrics__create",
    lyricsRegister: "lyrics__register",
    lyricsEdit: "lyrics__edit",
  },
  // As the app's code sends them (a public client of this backend: its client_context and node types).
  toolCalls: {
    clientContext: {
      current_song_id: null,
      song_queue: [],
      project_id: null,
      selected_model: null,
      lyrics_id_map: {},
      ghostwriter_version: "standard",
      enable_lyria_agent: false,
      onboarding_variant: null,
    },
    nodes: {
      input: "Input",
      output: "Output",
      extend: "ExtendSection",
      replace: "ReplaceSection",
      cover: "CoverSong",
      trim: "Trim",
      speed: "TempoShift",
    },
    // A song seeded with an uploaded clip: the chat message as a public client words it, pointing the agent at the
    // clip the way a chat about a song does (`current_song_id`, `song_queue`).
    reference: {
      message: "Make a song with my uploaded audio as the reference track. Sound: {prompt}",
      lyrics: "Lyrics:\n{lyrics}",
      instrumental: "Instrumental, no vocals.",
      length: "Length {length}.",
      clientContext: { current_song_id: "{clipId}", song_queue: [{ id: "{clipId}" }] },
      chat: { model_name: null, mode: "standard" },
    },
  },
  answers: FLOW_2026_ANSWERS,
  timeouts: { generationMs: 180_000, songStartMs: 90_000 },
  controls: ["lyrics", "instrumental", "model", "bpm", "durationSecs", "seed", "title", "mode", "stems", "reference"],
  modes: ["compose", "chat"],
  models: [
    { id: "lyria-3.5", label: "Lyria 3.5" },
    { id: "lyria-3-pro", label: "Lyria 3 Pro" },
  ],
  defaultModel: "lyria-3.5",
  formats: ["m4a", "mp3", "wav"],
  creditsPerSong: 5,
  songsPerGeneration: 2,
} as const satisfies SiteProfileInput;
