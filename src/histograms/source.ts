/**
 * Reads the per-layer gradient histograms out of a GradientFlow, a TrainingRun or any
 * object of the same shape (a user model's inspection: `{ runs: [{ activation, layers:
 * [{ layer, name?, grad }] }] }`) into one shape indexed by
 * (activation, step, layer). Only the documented fields are read, so any object of that
 * shape works, not just instances of the experiment classes.
 */
import type { GradStats } from "../experiments/stats";
import { STAT_FIELDS, type HistogramCube } from "./cube";

/** The experiments' GradStats, read loosely: any array-like histogram, norm optional. */
export type HistogramStats = Omit<GradStats, "norm" | "histogram"> & {
  norm?: number;
  histogram: { edges: ArrayLike<number>; counts: ArrayLike<number> };
};

interface LayerLike {
  layer: number;
  name?: string;
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
  /** Layer names (index: layer - 1) where the data has them, "" otherwise. */
  layerNames: string[];
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
    throw new TypeError(`gradient histograms need data with runs; ${SHAPE_HINT}`);
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
  const layerNames = Array.from({ length: layerCount }, (_, j) => {
    for (const steps of byActivation.values()) {
      const named = steps[0].layers.find((l) => l.layer === j + 1) ?? steps[0].layers[j];
      if (typeof named?.name === "string") return named.name;
    }
    return "";
  });
  return {
    kind: kind ?? "flow",
    layerNames,
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

/**
 * Every layer of every activation at one step (ignored for a flow) as the flat arrays the
 * widget receives. Layers an activation lacks get no bins and NaN statistics.
 */
export function histogramCube(source: HistogramSource, step: number): HistogramCube {
  const layers = Array.from({ length: source.layerCount }, (_, j) => j + 1);
  const entries = source.activations.flatMap((a) => layers.map((l) => source.lookup(a, step, l)));
  const binOffsets = new Int32Array(entries.length + 1);
  const edgeOffsets = new Int32Array(entries.length + 1);
  entries.forEach((g, i) => {
    const bins = g ? g.histogram.counts.length : 0;
    binOffsets[i + 1] = binOffsets[i] + bins;
    edgeOffsets[i + 1] = edgeOffsets[i] + (bins > 0 ? bins + 1 : 0);
  });
  const edges = new Float64Array(edgeOffsets[entries.length]);
  const counts = new Float64Array(binOffsets[entries.length]);
  const stats = new Float64Array(entries.length * STAT_FIELDS).fill(NaN);
  entries.forEach((g, i) => {
    if (!g) return;
    const bins = binOffsets[i + 1] - binOffsets[i];
    let finite = 0;
    for (let b = 0; b < bins; b++) {
      counts[binOffsets[i] + b] = g.histogram.counts[b];
      finite += g.histogram.counts[b];
    }
    if (bins > 0) for (let b = 0; b <= bins; b++) edges[edgeOffsets[i] + b] = g.histogram.edges[b];
    const norm = g.norm ?? NaN;
    stats.set([norm, finite + g.nan + g.inf, g.min, g.max, g.mean, g.std, 100 * g.zeroFraction, g.nan, g.inf], i * STAT_FIELDS);
  });
  return { activations: [...source.activations], layers, names: source.layerNames, step: source.kind === "run" ? step : 0, binOffsets, edgeOffsets, edges, counts, stats };
}
