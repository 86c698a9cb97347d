/**
 * Reads the per-layer gradient histograms out of a GradientFlow or a TrainingRun
 * (DESIGN §8) into one shape the GradientHistograms widget can index by
 * (activation, step, layer). Only the documented fields are read, so any object of that
 * shape works, not just instances of the experiment classes.
 */
import type { GradStats } from "../../src/experiments/stats";

/** The experiments' GradStats, read loosely: any array-like histogram, norm optional. */
export type HistogramStats = Omit<GradStats, "norm" | "histogram"> & {
  norm?: number;
  histogram: { edges: ArrayLike<number>; counts: ArrayLike<number> };
};

interface LayerLike {
  layer: number;
  grad: HistogramStats;
}

/** One recorded training step: the per-layer gradient statistics at that step. */
interface StepLike {
  step: number;
  layers: LayerLike[];
}

export interface HistogramSource {
  kind: "flow" | "run";
  activations: string[];
  /** Recorded training steps, ascending; empty for a GradientFlow (one snapshot). */
  steps: number[];
  layerCount: number;
  /** The statistics of one layer (1-based) at one step (ignored for a flow). */
  lookup(activation: string, step: number, layer: number): HistogramStats | undefined;
}

/** Keys a TrainingRun's per-activation record may keep its recorded steps under. */
const STEP_KEYS = ["gradients", "histograms", "snapshots", "steps"] as const;

const SHAPE_HINT =
  "expected a GradientFlow ({ runs: [{ activation, layers: [{ layer, grad: { histogram, ... } }] }] }) " +
  "or a TrainingRun ({ runs: [{ activation, steps: [{ step, layers: [...] }] }] })";

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function checkLayers(layers: unknown, where: string): LayerLike[] {
  if (!Array.isArray(layers) || layers.length === 0) throw new TypeError(`${where}: no layers; ${SHAPE_HINT}`);
  layers.forEach((l, i) => {
    const h = isObject(l) && isObject(l.grad) ? l.grad.histogram : undefined;
    if (!isObject(h) || !h.edges || !h.counts) {
      throw new TypeError(`${where}, layer ${i + 1}: no grad.histogram { edges, counts }; ${SHAPE_HINT}`);
    }
  });
  return layers as LayerLike[];
}

function stepsOf(run: Record<string, unknown>): StepLike[] | undefined {
  for (const key of STEP_KEYS) {
    const value = run[key];
    if (Array.isArray(value) && value.length > 0 && isObject(value[0]) && "layers" in value[0]) return value as StepLike[];
  }
  return undefined;
}

export function histogramSource(data: unknown): HistogramSource {
  if (!isObject(data) || !Array.isArray(data.runs) || data.runs.length === 0) {
    throw new TypeError(`gradientHistograms needs data with runs; ${SHAPE_HINT}`);
  }
  const runs = data.runs as unknown[];
  const activations: string[] = [];
  const byActivation = new Map<string, StepLike[]>();
  let kind: "flow" | "run" | undefined;
  runs.forEach((run, i) => {
    if (!isObject(run) || typeof run.activation !== "string") throw new TypeError(`runs[${i}] has no activation name; ${SHAPE_HINT}`);
    const name = run.activation;
    if (byActivation.has(name)) throw new RangeError(`runs[${i}]: activation "${name}" appears twice`);
    const recorded = stepsOf(run);
    const runKind = recorded ? "run" : "flow";
    if (kind && kind !== runKind) throw new TypeError(`runs mix GradientFlow and TrainingRun records; ${SHAPE_HINT}`);
    kind = runKind;
    const steps = recorded
      ? recorded.map((s, k) => ({ step: Number(s.step), layers: checkLayers(s.layers, `${name} step ${s.step ?? k}`) }))
      : [{ step: 0, layers: checkLayers(run.layers, name) }];
    activations.push(name);
    byActivation.set(name, steps);
  });
  const stepSet = new Set<number>();
  if (kind === "run") for (const steps of byActivation.values()) for (const s of steps) stepSet.add(s.step);
  const layerCount = Math.max(...[...byActivation.values()].flatMap((steps) => steps.map((s) => s.layers.length)));
  return {
    kind: kind ?? "flow",
    activations,
    steps: [...stepSet].sort((a, b) => a - b),
    layerCount,
    lookup(activation, step, layer) {
      const steps = byActivation.get(activation);
      const snapshot = kind === "run" ? steps?.find((s) => s.step === step) : steps?.[0];
      return snapshot?.layers.find((l) => l.layer === layer)?.grad ?? snapshot?.layers[layer - 1]?.grad;
    },
  };
}
