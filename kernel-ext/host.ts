/**
 * The kernel's LiveHost (see src/live.ts): how the core library reaches widgets when it runs
 * inside this kernel. `explore` and `gradientHistograms` load their widgets on first use;
 * `progress` shows a progress bar widget for work that takes longer than half a second.
 */
import { LiveHost, ProgressReporter, setLiveHost } from "../src/live";
import { HBox, IntProgress, Label } from "./controls";
import { DisplayHandle, display } from "./display";

type WidgetFactory = (first: unknown, options: unknown) => unknown;

/** Loads `./widgets/<file>` and returns its export `name`, or throws an error saying what is missing. */
export function loadWidget(file: string, name: string): WidgetFactory {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`./widgets/${file}`) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && err.message.includes(`widgets/${file}`)) {
      throw new Error(`${name}() needs the ${file} widget, which this installation lacks (dist/kernel-ext/widgets/${file}.js); rebuild with \`npm run build\``);
    }
    throw e;
  }
  const factory = mod[name];
  if (typeof factory !== "function") throw new Error(`kernel-ext/widgets/${file} does not export a function ${name}()`);
  return factory as WidgetFactory;
}

/** Below this a computation finishes without a bar: short runs should not clutter outputs. */
const SHOW_AFTER_MS = 500;
/** Front-end updates at most this often; every step would flood the comm for fast loops. */
const UPDATE_EVERY_MS = 100;

export class WidgetProgress implements ProgressReporter {
  private readonly started = Date.now();
  private lastSent = 0;
  private bar?: IntProgress;
  private status?: Label;
  private box?: HBox;
  private shownAs?: DisplayHandle;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly showAfterMs = SHOW_AFTER_MS,
  ) {
    if (!Number.isFinite(total) || total < 0) throw new Error(`progress total must be a non-negative number, got ${total}`);
  }

  /** Whether the bar has been shown. */
  get shown(): boolean {
    return this.bar !== undefined;
  }

  update(done: number, message = ""): void {
    const now = Date.now();
    if (!this.bar) {
      if (now - this.started < this.showAfterMs) return;
      this.show();
    }
    if (now - this.lastSent < UPDATE_EVERY_MS && done < this.total) return;
    this.lastSent = now;
    void this.bar!.set({ value: Math.min(done, this.total) });
    if (message) this.status!.value = message;
  }

  close(ok = true, message?: string): void {
    if (!this.bar) return;
    void this.bar.set({ value: ok ? this.total : this.bar.value, bar_style: ok ? "success" : "danger" });
    this.status!.value = message ?? (ok ? `done in ${((Date.now() - this.started) / 1000).toFixed(1)} s` : "stopped");
    // Refresh the static text too: that is what a saved notebook shows without widgets.
    void this.shownAs!.update(this.box!).catch(() => undefined);
  }

  private show(): void {
    this.bar = new IntProgress({ max: Math.max(1, Math.round(this.total)), description: this.label });
    this.status = new Label("");
    this.box = new HBox([this.bar, this.status]);
    this.shownAs = display(this.box);
  }
}

export const kernelLiveHost: LiveHost = {
  explore: (activations, options) => loadWidget("explorer", "explore")(activations, options),
  gradientHistograms: (data, options) => loadWidget("histograms", "gradientHistograms")(data, options),
  progress: (label, total) => new WidgetProgress(label, total),
};

export function installLiveHost(): void {
  setLiveHost(kernelLiveHost);
}
