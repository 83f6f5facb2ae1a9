import type { Locator } from "playwright";
import { InvalidInputError, type GenerationRequest } from "@producer/utils";
import type { FlowContext } from "./flow-context.js";
import { locate, newestMenu } from "./locators.js";

export const lengthText = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;

/**
 * The 2026 compose panel: every control set on every generation (the panel keeps what the last one left), the
 * values read first, together, and only the controls that differ touched. The page itself turns them into its
 * tool call (BPM into the prompt, the length into the lyrics, the model into the call's context).
 */
export class ComposeControls {
  constructor(private readonly context: FlowContext) {}

  private locator(key: string, vars: Record<string, string> = {}): Locator {
    return locate(this.context.site, this.context.page, key, vars).first();
  }

  async set(request: GenerationRequest, title: string): Promise<void> {
    const { site, actions, guard } = this.context;
    const step = { step: "compose" };
    if (!(await guard.exists("soundDescription", { visible: true }))) {
      await actions.click(this.locator("composeToggle"), "composeToggle", step);
      await guard.waitForElement(
        { open: () => guard.exists("soundDescription", { visible: true }) },
        {
          timeoutMs: site.timeouts.elementMs,
          step: "compose",
          signal: this.context.signal,
          locator: "soundDescription",
        },
      );
    }
    const wanted = {
      soundDescription: request.prompt,
      lyricsInput: request.instrumental ? "" : (request.lyrics ?? ""),
      bpmInput: request.bpm === undefined ? "" : String(request.bpm),
      lengthInput: request.durationSecs === undefined ? "" : lengthText(request.durationSecs),
      seedInput: request.seed === undefined ? "" : String(request.seed),
      titleInput: title,
    };
    const now = await this.read(Object.keys(wanted));
    const differs = (key: keyof typeof wanted) => now[key] !== wanted[key];
    const fill = async (key: keyof typeof wanted) => {
      if (differs(key)) await actions.fill(this.locator(key), key, wanted[key], step);
    };
    await fill("soundDescription");
    await fill("lyricsInput");
    await this.setSwitch("instrumentalSwitch", request.instrumental === true);
    // BPM, length and seed count only while advanced mode is on; with none asked, it is left (or turned) off.
    const advanced = request.bpm !== undefined || request.durationSecs !== undefined || request.seed !== undefined;
    const advancedKeys = ["bpmInput", "lengthInput", "seedInput"] as const;
    if (advanced || (await this.switchOn("advancedSwitch"))) {
      if (advanced || advancedKeys.some(differs)) {
        await this.setSwitch("advancedSwitch", true);
        for (const key of advancedKeys) await fill(key);
      }
      if (!advanced) await this.setSwitch("advancedSwitch", false);
    }
    await this.setModel(request.model ?? site.defaultModel);
    if (differs("titleInput")) {
      if (!(await guard.exists("titleInput", { visible: true }))) {
        await actions.click(this.locator("detailsToggle"), "detailsToggle", step);
      }
      await fill("titleInput");
    }
    await this.context.pause();
  }

  /** The current values of text controls, read together (undefined where one cannot be read). */
  private async read(keys: string[]): Promise<Record<string, string | undefined>> {
    await this.context.guard.dismissOverlays();
    const values = await Promise.all(
      keys.map((key) =>
        this.locator(key)
          .inputValue({ timeout: 500 })
          .catch(() => undefined),
      ),
    );
    return Object.fromEntries(keys.map((key, index) => [key, values[index]]));
  }

  private async switchOn(key: string): Promise<boolean> {
    const state = await this.readThroughOverlays((timeout) =>
      this.locator(key).getAttribute("aria-checked", { timeout }),
    );
    if (state === null || state === undefined)
      throw this.context.guard.siteChanged(key, "has no aria-checked state", { step: "compose" });
    return state === "true";
  }

  /**
   * A read of a control that a dialog opening meanwhile (which hides the app from role locators) cannot fail:
   * overlays are dismissed and the read tried again, in short tries, until `elementMs` has passed.
   */
  private async readThroughOverlays<T>(read: (timeoutMs: number) => Promise<T>): Promise<T | undefined> {
    const deadline = Date.now() + this.context.site.timeouts.elementMs;
    for (;;) {
      await this.context.guard.dismissOverlays();
      const left = deadline - Date.now();
      try {
        return await read(Math.max(1, Math.min(500, left)));
      } catch {
        if (Date.now() >= deadline) return undefined;
      }
    }
  }

  private async setSwitch(key: string, on: boolean): Promise<void> {
    if ((await this.switchOn(key)) !== on)
      await this.context.actions.click(this.locator(key), key, { step: "compose" });
  }

  /**
   * Picks `modelId` in the model menu unless the picker shows it already. The model button's accessible name
   * starts with the model's label (its text may sit in a child element).
   */
  private async setModel(modelId: string | undefined): Promise<void> {
    if (!modelId) return;
    const { site, actions, page } = this.context;
    const model = site.models.find((candidate) => candidate.id === modelId);
    if (!model) {
      throw new InvalidInputError(`The model ${JSON.stringify(modelId)} is not one of the ${site.profile} profile's.`, [
        { path: "model", message: `must be one of ${site.models.map((candidate) => candidate.id).join(", ")}` },
      ]);
    }
    const button = this.locator("modelButton");
    const shown = async () =>
      ((await this.readThroughOverlays((timeout) => button.textContent({ timeout }))) ?? "")
        .replace(/\s+/g, " ")
        .trim();
    const labels = site.models.map((candidate) => candidate.label);
    if (shownModel(await shown(), labels) === model.label) return;
    await actions.click(button, "modelButton", { step: "compose" });
    const menu = newestMenu(site, page);
    const option = locate(site, (await menu.count()) > 0 ? menu : page, "modelOption", { model: model.label }).first();
    await actions.click(option, "modelOption", { step: "compose" });
    const after = await shown();
    if (shownModel(after, labels) !== model.label) {
      throw this.context.guard.siteChanged(
        "modelOption",
        `did not select ${model.label} (the picker shows ${JSON.stringify(after)})`,
        { step: "compose" },
      );
    }
  }
}

/**
 * Which of `labels` the picker shows: the longest that its text starts with ("Lyria 3 Pro" over "Lyria 3"), the
 * text maybe followed by more words.
 */
function shownModel(shown: string, labels: string[]): string | undefined {
  const matching = labels.filter((label) => shown === label || shown.startsWith(`${label} `));
  return matching.sort((a, b) => b.length - a.length)[0];
}
