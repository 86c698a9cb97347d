/**
 * The ActivationExplorer widget's contract (widgets/README.md), written once for the kernel
 * (kernel-ext/widgets/explorer.ts) and the JupyterLab bundle (widgets/src/explorer.ts): trait
 * types, defaults, and the wire form of `curves` after the first update (only what changed).
 * Browser-safe: no Node APIs, no tfjs.
 */
import { MODULE_NAME, MODULE_VERSION_RANGE } from "./module";

/** Parameters per activation name, e.g. `{ leaky_relu: { alpha: 0.1 } }`. */
export type ParamsState = Record<string, Record<string, number>>;

/** A parameter slider's description, as the view needs it. */
export interface ParamSpecState {
  name: string;
  default: number;
  min?: number;
  max?: number;
  slider: [number, number];
  doc: string;
}

/** One activation's curve: f and f′ on the grid, as float32 binary buffers. */
export interface CurveSeriesState {
  name: string;
  label: string;
  params: Record<string, number>;
  y: Float32Array;
  dy: Float32Array;
}

export interface CurvesState {
  x: Float32Array;
  series: CurveSeriesState[];
}

export interface ExplorerState {
  activations: string[];
  params: ParamsState;
  x_range: [number, number];
  points: number;
  show_derivative: boolean;
  curves: CurvesState | null;
  error: string;
  /** Every registered activation, user-defined ones included: the picker's choices. */
  available: string[];
  param_specs: Record<string, ParamSpecState[]>;
  /** The tfjs backend the curves were computed on. */
  backend: string;
}

/** The model and view names and module, as both sides register and send them. */
export const EXPLORER_MODEL_IDS = {
  _model_name: "ActivationExplorerModel",
  _model_module: MODULE_NAME,
  _model_module_version: MODULE_VERSION_RANGE,
  _view_name: "ActivationExplorerView",
  _view_module: MODULE_NAME,
  _view_module_version: MODULE_VERSION_RANGE,
} as const;

/** Trait defaults: what a model holds before the kernel's state arrives. */
export function explorerDefaults(): ExplorerState {
  return {
    activations: [],
    params: {},
    x_range: [-6, 6],
    points: 1201,
    show_derivative: true,
    curves: null,
    error: "",
    available: [],
    param_specs: {},
    backend: "",
  };
}

/**
 * `curves` as an update sends it when the grid is unchanged: every series' name, label and
 * parameters, and the f / f′ buffers only of series whose values changed (a slider moves one
 * series: 2 buffers instead of 1 + 2 per series). A series without buffers keeps those of the
 * series of the same name the front end holds.
 */
export interface CurvesPatch {
  patch: true;
  series: (Omit<CurveSeriesState, "y" | "dy"> & { y?: Float32Array; dy?: Float32Array })[];
}

export function isCurvesPatch(value: unknown): value is CurvesPatch {
  return typeof value === "object" && value !== null && (value as { patch?: unknown }).patch === true;
}

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * What to send for `next` when the front end holds `previous`: a patch when the grid is the
 * same, else the whole curves. Series are unchanged when they hold the very same arrays (the
 * kernel's sample cache returns them for unchanged parameters).
 */
export function curvesForWire(previous: CurvesState | null, next: CurvesState): CurvesState | CurvesPatch {
  if (!previous || !sameFloats(previous.x, next.x)) return next;
  return {
    patch: true,
    series: next.series.map((s) => {
      const before = previous.series.find((p) => p.name === s.name);
      const unchanged = before !== undefined && before.y === s.y && before.dy === s.dy;
      return unchanged ? { name: s.name, label: s.label, params: s.params } : s;
    }),
  };
}

/** The curves a front end holds after `patch`, reusing `previous`'s unchanged arrays. */
export function applyCurvesPatch<S extends { name: string; y: Float32Array; dy: Float32Array }>(
  previous: { x: Float32Array; series: S[] } | null,
  patch: { series: (Omit<S, "y" | "dy"> & { y?: Float32Array; dy?: Float32Array })[] },
): { x: Float32Array; series: S[] } {
  if (!previous) throw new Error("a curves patch arrived before any curves; the front end must request the full state");
  return {
    x: previous.x,
    series: patch.series.map((s) => {
      if (s.y && s.dy) return s as S;
      const before = previous.series.find((p) => p.name === s.name);
      if (!before) throw new Error(`a curves patch left out the values of "${s.name}", which this front end does not hold`);
      return { ...before, ...s, y: before.y, dy: before.dy } as S;
    }),
  };
}
