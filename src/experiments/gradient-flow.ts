/**
 * gradientFlow: how the gradient of a loss reaches each layer of a deep fully connected
 * network, per activation. By default (`backwardFrom: "loss"`) the loss is
 * L = ½·mean over the batch of ‖h_depth‖², so the backward pass starts from h_depth / batch and
 * everything else is the network; that start grows with the output's scale. With
 * `backwardFrom: "unit"` it starts from a fixed random direction of unit RMS instead, so the
 * per-layer norms show the backward amplification of the stack alone. Each seed draws its own
 * weights, input batch (and start direction); results keep every seed and a Summary over them.
 */
import { onTensorflow, tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { progress, takeInterrupt, yieldToEventLoop } from "../live";
import { resolveActivations, type Activation, type ActivationLike } from "../activations";
import { dataset, DATASET_NAMES, type DatasetName } from "../datasets";
import { formatNumber, htmlTable, summaryCell, textTable } from "../charts/render";
import { gradientFlowSpec } from "../charts/gradient-flow";
import type { VegaLiteSpec } from "../charts/palette";
import { ExperimentResult } from "./report";
import { checkChoice, checkInt, checkKeys, checkSeeds, checkUniqueLabels, withContext } from "./options";
import { stuckThreshold } from "./health";
import { NON_NEGATIVE, SHARE, summarize, type Summary } from "../evidence/summary";
import { interruptCheckpoint, type Checkpoint } from "./interrupt";
import { Rng } from "./rng";
import { backwardLayer, drawStandardWeights, emptyTrace, forwardLayer, layerScales, pushLayer, type LayerGradients, type LayerTrace, type Params, type WeightValues, INIT_CHOICES, NORM_CHOICES, recommendedInit, type InitChoice, type InitName, type NormName, transposesInPlace } from "./network";
import { forwardStats, gradStats, type ForwardStats, type GradStats } from "./stats";
import { wasmView } from "./wasm-view";

export interface GradientFlowOptions {
  activations?: ActivationLike | ActivationLike[];
  depth?: number;
  width?: number;
  batch?: number;
  init?: InitChoice;
  norm?: NormName;
  input?: "normal" | DatasetName;
  bins?: number;
  /** First seed (default 0); with `seeds` a count, the seeds are seed, seed+1, …. */
  seed?: number;
  /** A count of seeds (default 1) or a list; each draws its own weights and input batch. */
  seeds?: number | number[];
  /** Where the backward pass starts: "loss" (h_depth / batch, default) or "unit" (a fixed random direction of unit RMS). */
  backwardFrom?: "loss" | "unit";
}

export type Verdict = "vanishing" | "exploding" | "healthy";

export interface LayerFlow {
  /** 1..depth. */
  layer: number;
  /** Gradient of the loss w.r.t. this layer's weights. */
  grad: GradStats;
  /** This layer's activations. */
  forward: ForwardStats;
}

export interface FlowRun {
  /** The activation's label, e.g. "relu" or "leaky_relu(alpha=0.1)". */
  activation: string;
  init: InitName;
  norm: NormName;
  verdict: Verdict;
  /** ‖∂L/∂W₁‖ / ‖∂L/∂W_depth‖ (geometric mean over the seeds): below 1 the gradient shrinks on its way back. */
  ratio: number;
  /** The first seed's layers, with histograms. */
  layers: LayerFlow[];
  /** The seeds this activation finished, in order. */
  seeds: number[];
  perSeed: { seed: number; ratio: number; verdict: Verdict; gradNorms: number[] }[];
  summary: { log10Ratio: Summary; layers: { gradNorm: Summary; forwardStd: Summary; stuckFraction: Summary }[] };
}

export const GRADIENT_FLOW_DEFAULT_ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
/** A first/last gradient-norm ratio outside [1/10, 10] means a 10× change over the stack. */
export const HEALTHY_RATIO_RANGE: readonly [number, number] = [0.1, 10];

const OPTION_NAMES = ["activations", "depth", "width", "batch", "init", "norm", "input", "bins", "seed", "seeds", "backwardFrom"] as const;
export const BACKWARD_FROM_CHOICES = ["loss", "unit"] as const;
const FN = "gradientFlow";

export interface ResolvedFlowOptions {
  activations: Activation[];
  depth: number;
  width: number;
  batch: number;
  init: InitChoice;
  norm: NormName;
  input: "normal" | DatasetName;
  bins: number;
  /** The seed of this run (the first of `seeds` as resolved). */
  seed: number;
  seeds: number[];
  backwardFrom: "loss" | "unit";
}

export function resolveFlowOptions(opts: GradientFlowOptions, fn = FN): ResolvedFlowOptions {
  checkKeys(fn, opts, OPTION_NAMES);
  const activations = checkUniqueLabels(fn, withContext(fn, "activations", () => resolveActivations(opts.activations, GRADIENT_FLOW_DEFAULT_ACTIVATIONS)));
  const seeds = checkSeeds(fn, opts.seed, opts.seeds);
  return {
    activations,
    depth: checkInt(fn, "depth", opts.depth ?? 20, 1, 1000),
    width: checkInt(fn, "width", opts.width ?? 256, 1, 8192),
    batch: checkInt(fn, "batch", opts.batch ?? 256, 2, 65536),
    init: checkChoice(fn, "init", opts.init ?? "auto", INIT_CHOICES),
    norm: checkChoice(fn, "norm", opts.norm ?? "none", NORM_CHOICES),
    input: checkChoice(fn, "input", opts.input ?? "normal", ["normal", ...DATASET_NAMES] as const),
    bins: checkInt(fn, "bins", opts.bins ?? 50, 1, 10000),
    seed: seeds[0],
    seeds,
    backwardFrom: checkChoice(fn, "backwardFrom", opts.backwardFrom ?? "loss", BACKWARD_FROM_CHOICES),
  };
}

export function verdictFor(ratio: number, anyNonFinite: boolean): Verdict {
  if (anyNonFinite || ratio > HEALTHY_RATIO_RANGE[1]) return "exploding";
  if (!(ratio >= HEALTHY_RATIO_RANGE[0])) return "vanishing";
  return "healthy";
}

export interface FlowInput {
  /** Row-major batch × features. */
  data: Float32Array;
  features: number;
}

/** The standard-normal weights every activation of one experiment shares. */
export function flowWeights(o: ResolvedFlowOptions, input: FlowInput): WeightValues {
  return drawStandardWeights({ inputSize: input.features, width: o.width, depth: o.depth, outputSize: 0 }, o.seed);
}

/** The input batch: standard normal (width features) or a dataset's points. */
export function flowInput(o: ResolvedFlowOptions): FlowInput {
  if (o.input === "normal") return { data: new Rng(o.seed ^ 0x5eed).normals(o.batch * o.width), features: o.width };
  const d = dataset(o.input, { n: o.batch, seed: o.seed });
  return { data: d.x, features: d.features };
}

/**
 * What every activation of one experiment shares, uploaded once: the input batch and the
 * standard-normal weights, plain and (where the backend needs it, see `transposesInPlace`)
 * transposed. Each run uses them at its own init's scale, so the runs differ only by that
 * scale, as in `scaleWeights`: on tensorflow as weights scaled once per init (`scaled`), where
 * each op costs a native call and scaling every product's result would add two per layer; on
 * the other backends through `Params.scale`, since on wasm a matMul packs its right operand
 * once per tensor and sharing the tensors saves that.
 */
export interface SharedFlowTensors {
  x: Tensor;
  w: Tensor[];
  wT: Tensor[];
  shapes: [number, number][];
  /** Per init, the weights at its scale (tensorflow only; made on first use, disposed with the rest). */
  scaled: Map<InitName, Tensor[]>;
}

/** The weights of one run at its init's scale, in the form the backend computing now runs fastest. */
function runWeights(shared: SharedFlowTensors, depth: number, init: InitName): Pick<Params, "w" | "wT" | "scale"> {
  const scale = layerScales(shared.shapes, depth, init);
  if (!onTensorflow()) return { w: shared.w, wT: shared.wT.length ? shared.wT : undefined, scale };
  let w = shared.scaled.get(init);
  if (!w) {
    w = shared.w.map((wl, l) => tf.mul(wl, scale[l]));
    shared.scaled.set(init, w);
  }
  return { w };
}

/** Uploads the shared tensors, runs `body`, and disposes them however it ends. */
export async function withFlowTensors<T>(o: ResolvedFlowOptions, input: FlowInput, standard: WeightValues, body: (shared: SharedFlowTensors) => Promise<T>): Promise<T> {
  const shared: SharedFlowTensors = { x: tf.tensor2d(input.data, [o.batch, input.features]), w: [], wT: [], shapes: standard.shapes, scaled: new Map() };
  try {
    for (let l = 0; l < standard.w.length; l++) {
      shared.w.push(tf.tensor2d(standard.w[l], standard.shapes[l]));
      if (!transposesInPlace()) shared.wT.push(tf.transpose(shared.w[l]));
    }
    return await body(shared);
  } finally {
    tf.dispose([shared.x, ...shared.w, ...shared.wT, ...[...shared.scaled.values()].flat()]);
  }
}

/**
 * One activation's run, layer by layer: each layer's tensors are made in their own tidy and
 * owned here until the values are read back, so an interrupt between layers can dispose
 * everything. Resolves undefined when `checkpoint` asks to stop.
 */
export async function flowRun(act: Activation, o: ResolvedFlowOptions, shared: SharedFlowTensors, checkpoint: Checkpoint = async () => false): Promise<FlowRun | undefined> {
  const init: InitName = o.init === "auto" ? recommendedInit(act) : o.init;
  const stuckBelow = await stuckThreshold(act);
  const params: Params = { depth: o.depth, b: null, ...runWeights(shared, o.depth, init) };
  const owned: Tensor[] = [];
  const own = <T extends Tensor | null>(t: T): T => {
    if (t) owned.push(t);
    return t;
  };
  try {
    const trace = emptyTrace();
    let h: Tensor = shared.x;
    for (let l = 0; l < o.depth; l++) {
      const layer = tf.tidy(() => forwardLayer(params, l, h, act, o.norm) as unknown as tf.TensorContainerObject) as unknown as LayerTrace;
      [layer.normalized, layer.invStd, layer.localDerivative, layer.output].forEach(own);
      pushLayer(trace, h, layer);
      h = layer.output;
      if (await checkpoint()) return undefined;
    }
    const grads: Tensor[] = new Array(o.depth);
    let g: Tensor = own(o.backwardFrom === "unit" ? unitDirection(o, h.shape as [number, number]) : tf.div(h, o.batch));
    for (let l = o.depth - 1; l >= 0; l--) {
      const step = tf.tidy(() => backwardLayer(params, trace, l, g, o.norm) as unknown as tf.TensorContainerObject) as unknown as LayerGradients;
      grads[l] = own(step.gw);
      if (step.gIn) g = own(step.gIn);
      if (await checkpoint()) return undefined;
    }
    // On tensorflow, where each op is a native call, one stacked reduction rather than two
    // small ops per layer; on wasm the per-layer ops are cheaper than the stack's copy.
    const moments = own(
      tf.tidy(() => (onTensorflow() ? tf.mean(tf.square(tf.stack(trace.normalized)), [1, 2]) : tf.stack(trace.normalized.map((z) => tf.mean(tf.square(z)))))),
    );
    const momentValues = await moments.data();
    const layers: LayerFlow[] = [];
    for (let l = 0; l < o.depth; l++) {
      // Layer by layer, so each read-back is summarised while it is still in the CPU's cache;
      // on wasm without copying (views used at once, before anything else can run).
      const tensors = [grads[l], trace.outputs[l], trace.localDerivative[l]];
      const views = tensors.map(wasmView);
      const [gv, out, deriv] = views.every((v) => v !== undefined) ? (views as Float32Array[]) : await readAll(tensors);
      layers.push({ layer: l + 1, grad: gradStats(gv, o.bins), forward: forwardStats(out, deriv, momentValues[l], o.width, stuckBelow) });
    }
    const ratio = layers[0].grad.norm / layers[layers.length - 1].grad.norm;
    const verdict = verdictFor(ratio, hasNonFinite(layers));
    const perSeed = [{ seed: o.seed, ratio, verdict, gradNorms: layers.map((l) => l.grad.norm) }];
    return { activation: act.label, init, norm: o.norm, verdict, ratio, layers, seeds: [o.seed], perSeed, summary: summarizeFlow([layers], perSeed) };
  } finally {
    tf.dispose(owned);
  }
}

function hasNonFinite(layers: LayerFlow[]): boolean {
  return layers.some((l) => l.grad.nan > 0 || l.grad.inf > 0);
}

/** The backward pass's start for `backwardFrom: "unit"`: a seeded random direction scaled to RMS exactly 1. */
function unitDirection(o: ResolvedFlowOptions, shape: [number, number]): Tensor {
  const values = new Rng(o.seed ^ 0xb4c).normals(shape[0] * shape[1]);
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) sumSq += values[i] * values[i];
  const scale = 1 / Math.sqrt(sumSq / values.length);
  for (let i = 0; i < values.length; i++) values[i] *= scale;
  return tf.tensor2d(values, shape);
}

function summarizeFlow(layersPerSeed: LayerFlow[][], perSeed: FlowRun["perSeed"]): FlowRun["summary"] {
  return {
    log10Ratio: summarize(perSeed.map((p) => Math.log10(p.ratio))),
    layers: layersPerSeed[0].map((_, l) => ({
      gradNorm: summarize(layersPerSeed.map((layers) => layers[l].grad.norm), { within: NON_NEGATIVE }),
      forwardStd: summarize(layersPerSeed.map((layers) => layers[l].forward.std), { within: NON_NEGATIVE }),
      stuckFraction: summarize(layersPerSeed.map((layers) => layers[l].forward.stuckFraction), { within: SHARE }),
    })),
  };
}

/**
 * One activation's runs over several seeds (first seed first) as one FlowRun: the first
 * seed's layers, the ratio as the geometric mean over seeds, exploding if any seed had NaN/Inf.
 */
export function combineSeeds(runs: FlowRun[]): FlowRun {
  if (runs.length === 1) return runs[0];
  const perSeed = runs.flatMap((r) => r.perSeed);
  const ratio = Math.exp(perSeed.reduce((sum, p) => sum + Math.log(p.ratio), 0) / perSeed.length);
  const verdict = verdictFor(ratio, runs.some((r) => hasNonFinite(r.layers)));
  return { ...runs[0], ratio, verdict, seeds: perSeed.map((p) => p.seed), perSeed, summary: summarizeFlow(runs.map((r) => r.layers), perSeed) };
}

function readAll(ts: Tensor[]): Promise<Float32Array[]> {
  return Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
}

/**
 * Per-layer gradient statistics of a deep network, one run per activation.
 *
 * ```ts
 * const flow = await gradientFlow({ activations: ["sigmoid", "relu", "selu"], depth: 30 });
 * flow.runs.map((r) => [r.activation, r.verdict, r.ratio]);
 * ```
 */
export async function gradientFlow(opts: GradientFlowOptions = {}): Promise<GradientFlow> {
  const o = resolveFlowOptions(opts);
  await ready();
  const started = Date.now();
  const total = o.activations.length * o.seeds.length;
  const bar = progress("gradientFlow", total);
  // Per activation, its runs in seed order (an activation cut short in the first seed has none).
  const bySeed: FlowRun[][] = o.activations.map(() => []);
  const seedsFinished: number[] = [];
  let done = 0;
  let interrupted = false;
  const checkpoint = interruptCheckpoint();
  try {
    // Seeds outermost: one upload of weights and input per seed, shared by every activation.
    outer: for (const seed of o.seeds) {
      const so = { ...o, seed };
      const input = flowInput(so);
      await withFlowTensors(so, input, flowWeights(so, input), async (shared) => {
        for (const [j, act] of o.activations.entries()) {
          await yieldToEventLoop();
          const run = takeInterrupt() ? undefined : await flowRun(act, so, shared, checkpoint);
          if (!run) {
            interrupted = true;
            return;
          }
          bySeed[j].push(run);
          bar.update(++done, o.seeds.length > 1 ? `${act.label}, seed ${seed}` : act.label);
        }
      });
      if (interrupted) break outer;
      seedsFinished.push(seed);
    }
  } finally {
    bar.close(!interrupted, interrupted ? `interrupted after ${done} of ${total} (seeds finished: ${seedsFinished.join(", ") || "none"})` : undefined);
  }
  const runs = bySeed.filter((r) => r.length > 0).map(combineSeeds);
  return new GradientFlow(runs, o, interrupted, Date.now() - started, seedsFinished);
}

export class GradientFlow extends ExperimentResult {
  readonly options: Omit<ResolvedFlowOptions, "activations"> & { activations: string[] };
  constructor(
    readonly runs: FlowRun[],
    options: ResolvedFlowOptions,
    /** True when an interrupt stopped the run early; `runs` holds what finished. */
    readonly interrupted: boolean,
    /** Wall time in ms. */
    readonly elapsedMs: number,
    /** The seeds every activation finished (all of `options.seeds` unless interrupted). */
    readonly seedsFinished: number[] = interrupted ? [] : options.seeds,
  ) {
    super();
    this.options = { ...options, activations: options.activations.map((a) => a.label) };
  }

  /** The run of one activation, by label or name. */
  run(activation: string): FlowRun {
    const found = this.runs.find((r) => r.activation === activation) ?? this.runs.find((r) => r.activation.split("(")[0] === activation);
    if (!found) throw new RangeError(`no run for "${activation}"; runs: ${this.runs.map((r) => r.activation).join(", ")}`);
    return found;
  }

  /** Vega-lite v5 spec: gradient norm per layer, log scale, one line per activation. */
  toSpec(): VegaLiteSpec {
    return gradientFlowSpec(this.runs, { title: this.title() });
  }

  protected table(): { headers: string[]; rows: (string | number)[][] } {
    return { headers: TABLE_HEADERS, rows: tableRows(this.runs) };
  }

  protected title(): string {
    const o = this.options;
    const stopped = this.interrupted ? ` — interrupted (seeds finished for every activation: ${this.seedsFinished.join(", ") || "none"})` : "";
    const seeds = o.seeds.length > 1 ? `${o.seeds.length} seeds (cells: mean ± 95 % half-width)` : `seed ${o.seed}`;
    const from = o.backwardFrom === "unit" ? ", backward from a unit-RMS direction" : "";
    return `Gradient flow: depth ${o.depth}, width ${o.width}, batch ${o.batch}, init ${o.init}, norm ${o.norm}, input ${o.input}, ${seeds}${from}${stopped}`;
  }
}

const TABLE_HEADERS = ["activation", "init", "verdict", "ratio first/last", "log10 ratio", "‖∂L/∂W₁‖", "‖∂L/∂W_last‖", "last-layer std", "zero %", "saturated %", "stuck units % (last layer)", "seeds"];

/** One line per run; with several seeds, `mean ± half-width` of the 95 % interval (zero and saturated shares: the first seed). */
function tableRows(runs: FlowRun[]): (string | number)[][] {
  return runs.map((r) => {
    const first = r.summary.layers[0];
    const last = r.summary.layers[r.summary.layers.length - 1];
    const lastLayer = r.layers[r.layers.length - 1];
    const pct = (v: number) => `${formatNumber(100 * v)}%`;
    return [r.activation, r.init, r.verdict, r.ratio, summaryCell(r.summary.log10Ratio), summaryCell(first.gradNorm), summaryCell(last.gradNorm), summaryCell(last.forwardStd), pct(lastLayer.forward.zeroFraction), pct(lastLayer.forward.saturatedFraction), summaryCell(last.stuckFraction, pct), r.seeds.length];
  });
}

/** One line per run: the numbers a reader compares first. */
export function gradientFlowTable(runs: FlowRun[], format: "text" | "html", caption?: string): string {
  return format === "html" ? htmlTable(TABLE_HEADERS, tableRows(runs), caption) : textTable(TABLE_HEADERS, tableRows(runs));
}
