/**
 * Kernel side of ActivationExplorer (widgets/README.md). The front end edits `activations`,
 * `params`, `x_range`, `points` and `show_derivative`; every such change is recomputed here
 * with `curves()` on the library's backend and sent back as float32 buffers. A value that
 * cannot be computed sets `error` and leaves the last good `curves` in place.
 */
import { activation, listActivations, type ActivationLike, type Params } from "../../src/activations";
import { CurveSet, checkRange, grid, sample, type CurveSeries } from "../../src/curves";
import { ready } from "../../src/backend";
import { curveChartSpec } from "../../src/charts/curves";
import { chartBundle } from "../../src/charts/render";
import type { MimeBundle } from "../../src/live";
import { Widget } from "../widget";
import { EXPLORER_MODEL_IDS, curvesForWire, explorerDefaults, type CurvesState, type ExplorerState, type ParamSpecState } from "../../src/contract/explorer";

export type { CurvesState, ExplorerState, ParamSpecState } from "../../src/contract/explorer";

export const EXPLORER_DEFAULT_ACTIVATIONS = ["relu", "gelu", "sigmoid", "tanh"];

export interface ExploreOptions {
  from?: number;
  to?: number;
  points?: number;
  showDerivative?: boolean;
  /** Parameters per activation name, e.g. `{ leaky_relu: { alpha: 0.1 } }`. */
  params?: Record<string, Params>;
}

/**
 * Most points the live view accepts: every point is a tuple the browser redraws on each
 * change, and beyond a few per pixel more points add no detail. `curves()` takes more.
 */
export const EXPLORER_MAX_POINTS = 20_001;

function checkExplorerPoints(points: number): void {
  if (points > EXPLORER_MAX_POINTS) {
    throw new RangeError(`the explorer draws at most ${EXPLORER_MAX_POINTS.toLocaleString("en-US")} points, got ${points.toLocaleString("en-US")}; use al.curves() for denser sampling`);
  }
}

/** The traits a change of which means the curves must be recomputed. */
const INPUT_TRAITS = ["activations", "params", "x_range", "points"] as const;
const OPTION_NAMES = ["from", "to", "points", "showDerivative", "params"];

function paramSpecsOf(name: string): ParamSpecState[] {
  return activation(name).paramSpecs.map((s) => ({
    name: s.name,
    default: s.default,
    ...(s.min !== undefined ? { min: s.min } : {}),
    ...(s.max !== undefined ? { max: s.max } : {}),
    slider: [s.slider[0], s.slider[1]],
    doc: s.doc,
  }));
}

function allParamSpecs(names: readonly string[]): Record<string, ParamSpecState[]> {
  const out: Record<string, ParamSpecState[]> = {};
  for (const name of names) {
    try {
      out[name] = paramSpecsOf(name);
    } catch {
      // A user definition that cannot be built with its defaults simply gets no sliders.
      out[name] = [];
    }
  }
  return out;
}

/** Turns the user's activation list into unique names plus their parameters. */
function splitActivations(acts: ActivationLike[], extra: Record<string, Params>): { names: string[]; params: Record<string, Params> } {
  const names: string[] = [];
  const params: Record<string, Params> = {};
  for (const like of acts) {
    const act = activation(like);
    if (names.includes(act.name)) {
      throw new RangeError(`"${act.name}" is listed twice; the explorer shows each activation once (its parameters get sliders)`);
    }
    names.push(act.name);
    params[act.name] = { ...act.params, ...(extra[act.name] ?? {}) };
  }
  for (const key of Object.keys(extra)) {
    if (!names.includes(key)) throw new RangeError(`params given for "${key}", which is not shown; shown: ${names.join(", ")}`);
  }
  return { names, params };
}

/** Samples kept per activation label and grid: a slider moves one parameter of one activation. */
const SAMPLE_CACHE_LIMIT = 64;

export class ActivationExplorer extends Widget<ExplorerState> {
  private running: Promise<void> | undefined;
  private readonly samples = new Map<string, { y: Float32Array; dy: Float32Array }>();
  private registryKey = "";
  private dirty = false;
  private lastGood: CurveSet | undefined;
  /** True while a recomputation publishes its result. */
  private publishing = false;
  /** Resolves once the first curves (or the first error) are in the state. */
  readonly ready: Promise<void>;

  constructor(acts: ActivationLike[] | undefined, options: ExploreOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw new RangeError(`unknown explore option "${key}"; valid options: ${OPTION_NAMES.join(", ")}`);
    }
    const list = acts === undefined ? EXPLORER_DEFAULT_ACTIVATIONS : Array.isArray(acts) ? acts : [acts];
    if (list.length === 0) throw new RangeError(`no activations given; valid choices: ${listActivations().join(", ")}`);
    const { names, params } = splitActivations(list, options.params ?? {});
    // Bad ranges are the caller's mistake: say so now, in the cell, not later in the widget.
    const { from, to, points } = checkRange({ from: options.from, to: options.to, points: options.points });
    checkExplorerPoints(points);
    const available = listActivations();
    super({
      ...EXPLORER_MODEL_IDS,
      ...explorerDefaults(),
      activations: names,
      params,
      x_range: [from, to],
      points,
      show_derivative: options.showDerivative ?? true,
      available,
      param_specs: allParamSpecs(available),
    });
    this.on("change", ({ changed, fromFrontEnd }) => {
      // The parameters a recomputation fills in (defaults of activations the front end's
      // `params` left out) are its result, not a new input: recomputing again would send the
      // same curves a second time.
      if (this.publishing && !fromFrontEnd) return;
      if (INPUT_TRAITS.some((k) => k in changed)) this.schedule();
    });
    this.ready = this.schedule();
  }

  /** Resolves when no recomputation is running or queued (tests and notebooks await it). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The last curves computed without error. */
  get curveSet(): CurveSet | undefined {
    return this.lastGood;
  }

  /**
   * Runs one recomputation at a time; changes that arrive meanwhile collapse into one more
   * run with the newest state, so a fast slider never queues stale work.
   */
  private schedule(): Promise<void> {
    if (this.running) {
      this.dirty = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.dirty = false;
          await this.recompute();
        } while (this.dirty);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async recompute(): Promise<void> {
    const names = this.get("activations");
    const given = this.get("params") ?? {};
    try {
      if (!Array.isArray(names) || names.length === 0) {
        throw new RangeError(`pick at least one activation; valid choices: ${listActivations().join(", ")}`);
      }
      const acts = names.map((name) => activation(name, given[name]));
      const [from, to] = Array.isArray(this.get("x_range")) ? this.get("x_range") : [NaN, NaN];
      const range = checkRange({ from, to, points: this.get("points") });
      checkExplorerPoints(range.points);
      const info = await ready();
      const x = grid(range.from, range.to, range.points);
      const series: CurveSeries[] = acts.map((act) => ({ name: act.name, label: act.label, params: { ...act.params }, ...this.sampled(act, x, range) }));
      const set = new CurveSet(x, series, info);
      this.lastGood = set;
      // Parameters the kernel filled in (defaults of a newly picked activation) go back too.
      const params = Object.fromEntries(acts.map((a) => [a.name, { ...a.params }]));
      this.publishing = true;
      try {
        await this.set({
          curves: { x: set.x, series: set.series.map((s) => ({ name: s.name, label: s.label, params: s.params, y: s.y, dy: s.dy })) },
          params,
          error: "",
          backend: set.backend.name,
          ...this.registryState(),
        });
      } finally {
        this.publishing = false;
      }
    } catch (e) {
      await this.set({ error: (e as Error).message });
    }
  }

  /**
   * f and f′ of one activation on the grid, from the cache when this activation (with these
   * parameters; user definitions are never cached, they can be redefined) was sampled on it.
   */
  private sampled(act: ReturnType<typeof activation>, x: Float32Array, range: { from: number; to: number; points: number }) {
    if (act.userDefined) return sample(act, x);
    const key = `${act.name}|${JSON.stringify(act.params)}|${range.from}|${range.to}|${range.points}`;
    let hit = this.samples.get(key);
    if (!hit) {
      hit = sample(act, x);
      if (this.samples.size >= SAMPLE_CACHE_LIMIT) this.samples.delete(this.samples.keys().next().value as string);
      this.samples.set(key, hit);
    }
    return hit;
  }

  /** `available` and `param_specs`, rebuilt only when the registry changed (a new user definition). */
  private registryState(): Partial<ExplorerState> {
    const available = listActivations();
    const key = available.join(",");
    if (key === this.registryKey) return {};
    this.registryKey = key;
    return { available, param_specs: allParamSpecs(available) };
  }

  /** Curves after the first go out as a patch: the grid and unchanged series stay in the front end. */
  protected override forWire(changed: Record<string, unknown>, previous: Record<string, unknown>): Record<string, unknown> {
    if (!("curves" in changed) || changed.curves === null) return changed;
    return { ...changed, curves: curvesForWire((previous.curves ?? null) as CurvesState | null, changed.curves as CurvesState) };
  }

  /** A static chart of the last good curves, for exports and front ends without the extension. */
  override async fallbackBundle(): Promise<MimeBundle> {
    await this.ready;
    const set = this.lastGood;
    if (!set) return { "text/plain": `ActivationExplorer: ${this.get("error") || "no curves yet"}` };
    const spec = curveChartSpec({ x: set.x, series: set.series }, { showDerivative: this.get("show_derivative") });
    return chartBundle({ spec, text: `ActivationExplorer\n${set.toString()}` });
  }
}

/** `al.explore(acts?, options?)` inside the kernel: a live explorer widget. */
export function explore(acts?: ActivationLike | ActivationLike[], options: ExploreOptions = {}): ActivationExplorer {
  const list = acts === undefined ? undefined : Array.isArray(acts) ? acts : [acts];
  return new ActivationExplorer(list, options ?? {});
}
