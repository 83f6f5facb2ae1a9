/** The operations a person or an agent asks for by name, each with a price in words. */
export type PricedOperation = "extend" | "replace" | "cover" | "stems" | "trim" | "speed" | "convert";

/** What the daemon knows of the site's prices: its profile's name and credits per song (0 when unpriced). */
export interface SitePrices {
  profile: string;
  creditsPerSong: number;
}

/** What an edit that makes a new song spends, in words: "about a song's credits (5 per song made on …)". */
export function songCredits(site: SitePrices): string {
  return site.creditsPerSong > 0
    ? `about a song's credits (${site.creditsPerSong} per song made on the ${site.profile} site)`
    : `about a song's credits (the ${site.profile} site's price)`;
}

/**
 * What each operation costs, in words: the one source for the MCP tool's description and the status page's
 * forms, so neither promises less than the other.
 */
export function operationCosts(site: SitePrices): Record<PricedOperation, string> {
  const song = `Makes a new song and spends ${songCredits(site)}.`;
  const clip = "Makes new clips; the site may charge for them.";
  return {
    extend: song,
    replace: song,
    cover: song,
    stems: clip,
    trim: clip,
    speed: clip,
    convert: "Free: the site converts the song on download.",
  };
}
