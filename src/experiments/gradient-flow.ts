/**
 * gradientFlow: how the gradient of a loss reaches each layer of a deep fully connected
 * network, per activation (DESIGN §8). The loss is L = ½·mean over the batch of ‖h_depth‖²,
 * so the backward pass starts from h_depth / batch and everything else is the network.
 */
import { tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { DISPLAY, progress, takeInterrupt, yieldToEventLoop, type MimeBundle } from "../live";
import { resolveActivations, type Activation, type ActivationLike } from "../activations";
import { dataset, DATASET_NAMES, type DatasetName } from "../datasets";
import { chartAndTableOutputs, formatNumber, htmlTable, textTable } from "../charts/render";
import { gradientFlowSpec } from "../charts/gradient-flow";
import { checkChoice, checkInt, checkKeys, checkUniqueLabels, withContext } from "./options";
import { interruptCheckpoint, type Checkpoint } from "./interrupt";
import { Rng } from "./rng";
import { backwardLayer, drawStandardWeights, emptyTrace, forwardLayer, layerScales, pushLayer, type LayerGradients, type LayerTrace, type Params, type WeightValues, INIT_CHOICES, NORM_CHOICES, recommendedInit, type InitChoice, type InitName, type NormName } from "./network";
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
  seed?: number;
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
  /** ‖∂L/∂W₁‖ / ‖∂L/∂W_depth‖: below 1 the gradient shrinks on its way back. */
  ratio: number;
  layers: LayerFlow[];
}

export const GRADIENT_FLOW_DEFAULT_ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
/** A first/last gradient-norm ratio outside [1/10, 10] means a 10× change over the stack. */
export const HEALTHY_RATIO_RANGE: readonly [number, number] = [0.1, 10];

const OPTION_NAMES = ["activations", "depth", "width", "batch", "init", "norm", "input", "bins", "seed"] as const;
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
  seed: number;
}

export function resolveFlowOptions(opts: GradientFlowOptions, fn = FN): ResolvedFlowOptions {
  checkKeys(fn, opts, OPTION_NAMES);
  const activations = checkUniqueLabels(fn, withContext(fn, "activations", () => resolveActivations(opts.activations, GRADIENT_FLOW_DEFAULT_ACTIVATIONS)));
  return {
    activations,
    depth: checkInt(fn, "depth", opts.depth ?? 20, 1, 1000),
    width: checkInt(fn, "width", opts.width ?? 256, 1, 8192),
    batch: checkInt(fn, "batch", opts.batch ?? 256, 2, 65536),
    init: checkChoice(fn, "init", opts.init ?? "auto", INIT_CHOICES),
    norm: checkChoice(fn, "norm", opts.norm ?? "none", NORM_CHOICES),
    input: checkChoice(fn, "input", opts.input ?? "normal", ["normal", ...DATASET_NAMES] as const),
    bins: checkInt(fn, "bins", opts.bins ?? 50, 1, 10000),
    seed: checkInt(fn, "seed", opts.seed ?? 0, -(2 ** 31), 2 ** 31 - 1),
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
 * standard-normal weights, plain and transposed. Each run uses them at its own init's scale
 * (`Params.scale`), so the runs differ only by that scale, as in `scaleWeights`.
 */
export interface SharedFlowTensors {
  x: Tensor;
  w: Tensor[];
  wT: Tensor[];
  shapes: [number, number][];
}

/** Uploads the shared tensors, runs `body`, and disposes them however it ends. */
export async function withFlowTensors<T>(o: ResolvedFlowOptions, input: FlowInput, standard: WeightValues, body: (shared: SharedFlowTensors) => Promise<T>): Promise<T> {
  const shared: SharedFlowTensors = { x: tf.tensor2d(input.data, [o.batch, input.features]), w: [], wT: [], shapes: standard.shapes };
  try {
    for (let l = 0; l < standard.w.length; l++) {
      shared.w.push(tf.tensor2d(standard.w[l], standard.shapes[l]));
      shared.wT.push(tf.transpose(shared.w[l]));
    }
    return await body(shared);
  } finally {
    tf.dispose([shared.x, ...shared.w, ...shared.wT]);
  }
}

/**
 * One activation's run, layer by layer: each layer's tensors are made in their own tidy and
 * owned here until the values are read back, so an interrupt between layers can dispose
 * everything. Resolves undefined when `checkpoint` asks to stop.
 */
export async function flowRun(act: Activation, o: ResolvedFlowOptions, shared: SharedFlowTensors, checkpoint: Checkpoint = async () => false): Promise<FlowRun | undefined> {
  const init: InitName = o.init === "auto" ? recommendedInit(act) : o.init;
  const params: Params = { depth: o.depth, w: shared.w, wT: shared.wT, b: null, scale: layerScales(shared.shapes, o.depth, init) };
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
    let g: Tensor = own(tf.div(h, o.batch));
    for (let l = o.depth - 1; l >= 0; l--) {
      const step = tf.tidy(() => backwardLayer(params, trace, l, g, o.norm) as unknown as tf.TensorContainerObject) as unknown as LayerGradients;
      grads[l] = own(step.gw);
      if (step.gIn) g = own(step.gIn);
      if (await checkpoint()) return undefined;
    }
    const moments = own(tf.tidy(() => tf.stack(trace.normalized.map((z) => tf.mean(tf.square(z))))));
    const momentValues = await moments.data();
    const layers: LayerFlow[] = [];
    for (let l = 0; l < o.depth; l++) {
      // Layer by layer, so each read-back is summarised while it is still in the CPU's cache;
      // on wasm without copying (views used at once, before anything else can run).
      const tensors = [grads[l], trace.outputs[l], trace.localDerivative[l]];
      const views = tensors.map(wasmView);
      const [gv, out, deriv] = views.every((v) => v !== undefined) ? (views as Float32Array[]) : await readAll(tensors);
      layers.push({ layer: l + 1, grad: gradStats(gv, o.bins), forward: forwardStats(out, deriv, momentValues[l]) });
    }
    const ratio = layers[0].grad.norm / layers[layers.length - 1].grad.norm;
    const nonFinite = layers.some((l) => l.grad.nan > 0 || l.grad.inf > 0);
    return { activation: act.label, init, norm: o.norm, verdict: verdictFor(ratio, nonFinite), ratio, layers };
  } finally {
    tf.dispose(owned);
  }
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
  const input = flowInput(o);
  const standard = flowWeights(o, input);
  const bar = progress("gradientFlow", o.activations.length);
  const runs: FlowRun[] = [];
  let interrupted = false;
  const checkpoint = interruptCheckpoint();
  try {
    await withFlowTensors(o, input, standard, async (shared) => {
      for (const act of o.activations) {
        await yieldToEventLoop();
        const run = takeInterrupt() ? undefined : await flowRun(act, o, shared, checkpoint);
        if (!run) {
          interrupted = true;
          break;
        }
        runs.push(run);
        bar.update(runs.length, act.label);
      }
    });
  } finally {
    bar.close(!interrupted, interrupted ? `interrupted after ${runs.length} of ${o.activations.length}` : undefined);
  }
  return new GradientFlow(runs, o, interrupted, Date.now() - started);
}

export class GradientFlow {
  readonly options: Omit<ResolvedFlowOptions, "activations"> & { activations: string[] };
  constructor(
    readonly runs: FlowRun[],
    options: ResolvedFlowOptions,
    /** True when an interrupt stopped the run early; `runs` holds what finished. */
    readonly interrupted: boolean,
    /** Wall time in ms. */
    readonly elapsedMs: number,
  ) {
    this.options = { ...options, activations: options.activations.map((a) => a.label) };
  }

  /** The run of one activation, by label or name. */
  run(activation: string): FlowRun {
    const found = this.runs.find((r) => r.activation === activation) ?? this.runs.find((r) => r.activation.split("(")[0] === activation);
    if (!found) throw new RangeError(`no run for "${activation}"; runs: ${this.runs.map((r) => r.activation).join(", ")}`);
    return found;
  }

  /** Vega-lite v5 spec: gradient norm per layer, log scale, one line per activation. */
  toSpec(): Record<string, unknown> {
    return gradientFlowSpec(this.runs, { title: this.title() });
  }

  toString(): string {
    return `${this.title()}\n${gradientFlowTable(this.runs, "text")}`;
  }

  /** Two outputs: the chart, then the table. */
  async [DISPLAY](): Promise<MimeBundle[]> {
    return chartAndTableOutputs({ spec: this.toSpec() as never, title: this.title(), html: gradientFlowTable(this.runs, "html", this.title()), text: this.toString() });
  }

  private title(): string {
    const o = this.options;
    const stopped = this.interrupted ? " — interrupted" : "";
    return `Gradient flow: depth ${o.depth}, width ${o.width}, batch ${o.batch}, init ${o.init}, norm ${o.norm}, input ${o.input}${stopped}`;
  }
}

const TABLE_HEADERS = ["activation", "init", "verdict", "ratio first/last", "‖∂L/∂W₁‖", "‖∂L/∂W_last‖", "last-layer std", "zero %", "saturated %"];

function tableRows(runs: FlowRun[]): (string | number)[][] {
  return runs.map((r) => {
    const first = r.layers[0];
    const last = r.layers[r.layers.length - 1];
    const pct = (v: number) => `${formatNumber(100 * v)}%`;
    return [r.activation, r.init, r.verdict, r.ratio, first.grad.norm, last.grad.norm, last.forward.std, pct(last.forward.zeroFraction), pct(last.forward.saturatedFraction)];
  });
}

/** One line per run: the numbers a reader compares first. */
export function gradientFlowTable(runs: FlowRun[], format: "text" | "html", caption?: string): string {
  return format === "html" ? htmlTable(TABLE_HEADERS, tableRows(runs), caption) : textTable(TABLE_HEADERS, tableRows(runs));
}
