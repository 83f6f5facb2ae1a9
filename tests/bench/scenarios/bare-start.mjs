// What a script pays to get a signed-in page: Node starts, Playwright loads, Chromium launches, the studio opens.
// Prints "ready" then, and exits once told to (stdin closes). Argument: { url, session } as JSON.
const { url, session } = JSON.parse(process.argv[2]);
const { launch } = await import("./floor-script.mjs");
const browser = await launch();
const context = await browser.newContext({ storageState: session });
const page = await context.newPage();
await page.goto(new URL("/session", url).href);
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => void browser.close().then(() => process.exit(0)));
