import type { BrowserContext, Page } from "playwright";

/** One answer of the token endpoint to a page's refresh, read before the page got it. */
export interface RefreshAnswer {
  status: number;
  /** The answer's body, as text. */
  body: string;
  /** The refresh token the page sent, when its body said. */
  sentToken: string | undefined;
}

/** The parts of Chromium's `Fetch.requestPaused` event read here. */
interface PausedRequest {
  requestId: string;
  request: { url: string; method: string; postData?: string };
  responseStatusCode?: number;
}

/**
 * Hands every answer of the token endpoint (`path`, e.g. `/auth/v1/token`) to one page to `onAnswer`, body
 * included. The answer is held at the browser for the moment its body is read: a page whose refresh is refused
 * leaves for the sign-in page at once, and then the body (which says why) is gone from the browser before a
 * response listener could ask for it. Only these requests are held; the rest of the page's traffic, and its HTTP
 * cache, are untouched (Playwright's own routing would send every request through this process and turn the
 * cache off).
 */
export async function watchRefreshAnswers(
  context: BrowserContext,
  page: Page,
  path: string,
  onAnswer: (answer: RefreshAnswer) => void,
): Promise<void> {
  const bare = path.split("?")[0] as string;
  const cdp = await context.newCDPSession(page);
  cdp.on("Fetch.requestPaused", (event: PausedRequest) => {
    void (async () => {
      let answer: RefreshAnswer | undefined;
      try {
        if (
          event.request.method === "POST" &&
          event.responseStatusCode !== undefined &&
          new URL(event.request.url).pathname === bare
        ) {
          const { body, base64Encoded } = await cdp.send("Fetch.getResponseBody", { requestId: event.requestId });
          answer = {
            status: event.responseStatusCode,
            body: base64Encoded ? Buffer.from(body, "base64").toString("utf8") : body,
            sentToken: sentToken(event.request.postData),
          };
        }
      } catch {
        // The page went away while its answer was held: nothing to read.
      } finally {
        await cdp.send("Fetch.continueRequest", { requestId: event.requestId }).catch(() => undefined);
      }
      if (answer) onAnswer(answer);
    })();
  });
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: `*${bare}*`, requestStage: "Response" }] });
}

function sentToken(postData: string | undefined): string | undefined {
  try {
    const token = (JSON.parse(postData ?? "") as { refresh_token?: unknown }).refresh_token;
    return typeof token === "string" ? token : undefined;
  } catch {
    return undefined;
  }
}
