/**
 * Owns one embedded vega view inside a widget: embeds it (with the current JupyterLab theme),
 * follows the container's width and the theme, and serialises embeds and data updates so a
 * late re-embed can never overwrite newer data.
 */
import embed, { type Result } from "vega-embed";
import type { TopLevelSpec } from "vega-lite";
import type { Spec, View } from "vega";

type AnySpec = TopLevelSpec | Spec;
/** vega's log level numbers: None 0, Error 1, Warn 2, Info 3, Debug 4. */
const VEGA_LOG_ERROR = 1;
import { isLightTheme, themeConfig, watchTheme } from "./theme";

/** Test and benchmark code reads the live view through this property of the chart element. */
export interface ChartElement extends HTMLElement {
  vegaView?: View;
}

export class ChartHost {
  private result: Result | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastSpec: ((width: number) => AnySpec) | undefined;
  private lastMode: "vega" | "vega-lite" = "vega-lite";
  private readonly stopWatchingTheme: () => void;
  private readonly resizeObserver: ResizeObserver;
  private width = 0;
  /** Incremented after every completed render, exposed as `data-revision` for tests. */
  revision = 0;

  /**
   * `counter` may be shared by several hosts of one widget (one per cached chart), so the
   * revision a test reads keeps rising whichever of them is shown.
   */
  constructor(
    readonly el: ChartElement,
    private readonly onRendered: (revision: number) => void,
    private readonly counter: { revision: number } = { revision: 0 },
  ) {
    this.stopWatchingTheme = watchTheme(() => {
      if (this.lastSpec) void this.embed(this.lastSpec, this.replayData, this.lastMode);
    });
    this.resizeObserver = new ResizeObserver(() => this.followWidth());
    this.resizeObserver.observe(el);
  }

  /** Data last given to `update`, replayed into a fresh view after a re-embed. */
  private replayData: ((view: View) => void) | undefined;

  get view(): View | undefined {
    return this.result?.view;
  }

  /**
   * The width to draw at. A notebook hides cells scrolled far out of view (width 0); a chart
   * re-embedded then (after a theme change) keeps the width it had.
   */
  private currentWidth(): number {
    const w = Math.floor(this.el.getBoundingClientRect().width);
    return w > 50 ? w : this.width > 50 ? this.width : 640;
  }

  private followWidth(): void {
    const w = this.currentWidth();
    if (!this.result || Math.abs(w - this.width) < 2) return;
    this.width = w;
    this.enqueue(async () => {
      await this.result?.view.width(w).resize().runAsync();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    // Keep the chain alive after a failure; the caller still sees its own rejection.
    this.queue = next.catch((e) => console.error("activation-lab chart:", e));
    return next;
  }

  /** (Re-)embeds a spec; `fill` loads the data into the new view before its first render. */
  embed(spec: (width: number) => AnySpec, fill?: (view: View) => void, mode: "vega" | "vega-lite" = "vega-lite"): Promise<void> {
    this.lastSpec = spec;
    this.lastMode = mode;
    if (fill) this.replayData = fill;
    return this.enqueue(async () => {
      this.result?.finalize();
      this.width = this.currentWidth();
      this.result = await embed(this.el, spec(this.width) as TopLevelSpec, {
        actions: false,
        renderer: "canvas",
        mode,
        config: themeConfig(),
        tooltip: { theme: isLightTheme() ? "light" : "dark" },
        // Errors only: the first, data-less run warns about empty extents by design.
        logLevel: VEGA_LOG_ERROR,
      });
      this.el.vegaView = this.result.view;
      if (this.replayData) this.replayData(this.result.view);
      // The embed laid the chart out without data (no tick labels, zero-size facets): lay it
      // out again around the real data, or axis titles fall outside and facets stay empty.
      await this.result.view.resize().runAsync();
      this.rendered();
    });
  }

  /**
   * Changes data or signals of the live view in place and re-renders it. `replay` is what
   * loads the same state into a fresh view (after a theme change); it defaults to `fill`.
   * `relayout: false` skips re-fitting the layout, for edits that change no scale domain.
   */
  update(fill: (view: View) => void, replay: (view: View) => void = fill, { relayout = true } = {}): Promise<void> {
    this.replayData = replay;
    return this.enqueue(async () => {
      const view = this.result?.view;
      if (!view) return; // the pending embed replays `fill`
      fill(view);
      // New data can widen tick labels (e.g. y from [-1, 6] to [-100, 600]): re-fit the layout.
      if (relayout) view.resize();
      await view.runAsync();
      this.rendered();
    });
  }

  /**
   * Marks a chart shown again unchanged (a cached view un-hidden): nothing to run, the
   * canvas already holds it; the revision moves once the frame that shows it is painted.
   */
  shown(): Promise<void> {
    return this.enqueue(async () => {
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      this.rendered();
    });
  }

  private rendered(): void {
    this.counter.revision += 1;
    this.revision = this.counter.revision;
    this.el.dataset.revision = String(this.revision);
    this.onRendered(this.revision);
  }

  dispose(): void {
    this.stopWatchingTheme();
    this.resizeObserver.disconnect();
    this.result?.finalize();
    this.result = undefined;
  }
}
