/**
 * inspect: one forward and backward pass of a user's model on their data, measured per
 * weighted layer the way gradientFlow measures its own networks: the weight
 * gradient's statistics and histogram, the activation's statistics, dead and stuck units,
 * and the gradient-flow verdict from the first/last gradient-norm ratio.
 */
import { tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { DISPLAY, type MimeBundle } from "../live";
import { chartAndTableOutputs, formatNumber, htmlTable, textTable } from "../charts/render";
import { gradientFlowSpec } from "../charts/gradient-flow";
import { verdictFor, type LayerFlow, type Verdict } from "../experiments/gradient-flow";
import { checkInt, checkKeys } from "../experiments/options";
import { forwardStats, gradStats } from "../experiments/stats";
import { deadShares, STUCK_RELATIVE_THRESHOLD } from "../experiments/health";
import { accuracy, checkModel, disposeData, meanLoss, prepareData, resolveLoss, takeRows, type LossLike, type ModelData, type PreparedData, type ResolvedLoss } from "./data";
import { registerWasmConvGradients } from "./wasm-kernels";
import { cellActivation, layout, localDerivative, maxDerivative, runGraph, unitsOf, type ModelLayout, type WeightedLayer } from "./graph";

export interface InspectOptions {
  /** Defaults to the model's compiled loss. */
  loss?: LossLike;
  /** Examples the pass runs on: the first `batch` rows (default all, up to 1024). */
  batch?: number;
  /** Histogram bins (default 50). */
  bins?: number;
  /** Run as a training step does (dropout active, batch statistics in normalization); default true. */
  training?: boolean;
}

/** One weighted layer: the GradientFlow layer record plus what a user's model adds. */
export interface InspectedLayer extends LayerFlow {
  /** The model's name for the layer. */
  name: string;
  className: string;
  /** The activation applied to its units (fused, or a separate activation layer after it); null for none. */
  activation: string | null;
  /** The layer that produces the model's output. */
  output: boolean;
  /** Output units (last axis: features or channels). */
  units: number;
  /** Trainable parameters. */
  parameters: number;
  /** Share of units whose activation output is exactly 0 on every example; null for the output layer and layers without an activation. */
  dead: number | null;
  /** Share of units whose |f′(z)| < 1 % of max |f′| on every example; null where `dead` is. */
  stuck: number | null;
}

export interface InspectedRun {
  /** The model's name and its hidden activations, e.g. "mlp: relu". */
  activation: string;
  verdict: Verdict;
  /** ‖∂L/∂W‖ of the first weighted layer over the last's. */
  ratio: number;
  layers: InspectedLayer[];
}

const OPTION_NAMES = ["loss", "batch", "bins", "training"] as const;
const FN = "inspect";

export interface Measurement {
  loss: number;
  accuracy: number | null;
  run: InspectedRun;
}

function modelLabel(lay: ModelLayout): string {
  const label = (w: WeightedLayer) => (w.recurrent ? (cellActivation(w) ? `${cellActivation(w)} (${w.className} cell)` : undefined) : w.site?.label);
  const hidden = [...new Set(lay.weighted.filter((w) => !w.output).map(label).filter((l): l is string => l !== undefined))];
  return `${lay.model.name}: ${hidden.length ? hidden.join(", ") : "no hidden activation"}`;
}

/** Non-trainable state (normalization's moving statistics) that a training-mode pass would move. */
function snapshotState(model: tf.LayersModel): () => void {
  const saved = model.nonTrainableWeights.map((w) => tf.clone(w.read()));
  return () => {
    model.nonTrainableWeights.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
  };
}

/**
 * The measurement behind `inspect` and the user-model `train` records: loss, gradients of
 * every weighted layer, and activation statistics on (x, y). The model is left as it was.
 */
export async function measureModel(lay: ModelLayout, data: PreparedData, loss: ResolvedLoss, bins: number, training: boolean): Promise<Measurement> {
  const model = lay.model;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kept = new Set<Tensor>();
  const keep = <T extends Tensor>(t: T): T => {
    kept.add(t);
    return tf.keep(t);
  };
  const siteTensors = new Map<string, { z: Tensor; h: Tensor }>();
  const plainOutputs = new Map<string, Tensor>();
  let output: Tensor | undefined;
  const restore = snapshotState(model);
  let value: Tensor | undefined;
  let grads: tf.NamedTensorMap = {};
  try {
    ({ value, grads } = tf.variableGrads(() => {
      const run = runGraph(lay, data.x, training);
      for (const w of lay.weighted) {
        const t = w.site ? run.sites.get(w.site.layer.name) : undefined;
        if (t) siteTensors.set(w.name, { z: keep(t.z), h: keep(t.h) });
        else plainOutputs.set(w.name, keep(run.outputs.get(w.name) as Tensor));
      }
      output = keep(run.output);
      return meanLoss(loss, data.y, run.output) as tf.Scalar;
    }, variables));
    kept.delete(data.x);
    const layers: InspectedLayer[] = [];
    for (const w of lay.weighted) layers.push(await measureLayer(w, grads, siteTensors.get(w.name), plainOutputs.get(w.name), bins));
    const ratio = layers[0].grad.norm / layers[layers.length - 1].grad.norm;
    const nonFinite = layers.some((l) => l.grad.nan > 0 || l.grad.inf > 0);
    const lossValue = (await (value as Tensor).data())[0];
    const acc = loss.classification && data.labels ? await accuracy(output as Tensor, data.labels) : null;
    return { loss: lossValue, accuracy: acc, run: { activation: modelLabel(lay), verdict: verdictFor(ratio, nonFinite), ratio, layers } };
  } finally {
    restore();
    tf.dispose([...kept, ...(value ? [value] : []), ...Object.values(grads)]);
  }
}

async function measureLayer(w: WeightedLayer, grads: tf.NamedTensorMap, site: { z: Tensor; h: Tensor } | undefined, plain: Tensor | undefined, bins: number): Promise<InspectedLayer> {
  const weights = w.layer.trainableWeights;
  const flat = tf.tidy(() => tf.concat(weights.map((v) => tf.reshape(grads[(v.read() as tf.Variable).name] ?? tf.zeros(v.shape as number[]), [-1]))));
  const gradValues = (await flat.data()) as Float32Array;
  flat.dispose();
  const parameters = weights.reduce((s, v) => s + v.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  const grad = gradStats(gradValues, bins);
  const base = { layer: w.index, name: w.name, className: w.className, activation: w.site?.label ?? null, output: w.output, parameters };
  if (!site || !w.site) {
    const h = plain as Tensor;
    const values = (await h.data()) as Float32Array;
    const moment = values.reduce((s, v) => s + v * v, 0) / Math.max(1, values.length);
    // No activation: f′ = 1 everywhere, nothing saturates or sticks.
    return { ...base, units: unitsOf(h), grad, forward: forwardStats(values, new Float32Array(values.length).fill(1), moment, unitsOf(h), 0), dead: null, stuck: null };
  }
  const s = w.site;
  const hidden = !w.output && s.elementwise;
  const units = unitsOf(site.h);
  const t = tf.tidy(() => {
    const deriv = s.elementwise ? localDerivative(s, site.z) : tf.onesLike(site.h);
    // A unit is a feature (Dense) or a channel (Conv): every example and position is a row.
    return { deriv, moment: tf.mean(tf.square(site.z)), dead: deadShares([tf.reshape(site.h, [-1, units])]), observed: tf.max(tf.abs(deriv)) };
  });
  try {
    const [h, deriv, moment, dead, observed] = (await Promise.all([site.h.data(), t.deriv.data(), t.moment.data(), t.dead.data(), t.observed.data()])) as Float32Array[];
    // The stuck threshold of health.ts, against this activation's max |f′| as the model applies it;
    // in float32, as f′ is (leaky ReLU's f′ = α = 0.01 sits at the threshold, not below it).
    const stuckBelow = hidden ? Math.fround(STUCK_RELATIVE_THRESHOLD * ((await maxDerivative(s)) ?? observed[0])) : 0;
    const forward = forwardStats(h, deriv, moment[0], units, stuckBelow);
    if (!s.elementwise) forward.saturatedFraction = NaN;
    return { ...base, units, grad, forward, dead: hidden ? dead[0] : null, stuck: hidden ? forward.stuckFraction : null };
  } finally {
    tf.dispose(Object.values(t));
  }
}

/**
 * Per-layer gradients and activations of a user's tf.LayersModel on their data.
 *
 * ```ts
 * const d = datasets.digits({ normalize: true });
 * const report = await inspect(model, d);        // model compiled with categoricalCrossentropy
 * report.verdict; report.layers.map((l) => [l.name, l.grad.norm, l.dead]);
 * gradientHistograms(report);
 * ```
 */
export async function inspect(model: tf.LayersModel, data: ModelData, opts: InspectOptions = {}): Promise<ModelInspection> {
  const m = checkModel(FN, model);
  checkKeys(FN, opts, OPTION_NAMES);
  const loss = resolveLoss(FN, m, opts.loss);
  const bins = checkInt(FN, "bins", opts.bins ?? 50, 1, 10_000);
  const training = opts.training ?? true;
  if (typeof training !== "boolean") throw new TypeError(`${FN}: training must be true or false, got ${String(training)}`);
  await ready();
  registerWasmConvGradients();
  const all = await prepareData(FN, m, data, loss);
  const batch = checkInt(FN, "batch", opts.batch ?? Math.min(all.n, 1024), 1, all.n);
  const used = batch === all.n ? all : takeRows(all, Int32Array.from({ length: batch }, (_, i) => i));
  try {
    const lay = layout(m);
    if (lay.weighted.length === 0) throw new RangeError(`${FN}: the model has no layer with trainable weights (layers: ${m.layers.map((l) => `${l.name} (${l.getClassName()})`).join(", ")})`);
    const started = Date.now();
    const measured = await measureModel(lay, used, loss, bins, training);
    return new ModelInspection(measured, { model: m.name, loss: loss.name, batch, bins, training }, Date.now() - started);
  } finally {
    if (used !== all) disposeData(used);
    disposeData(all);
  }
}

export class ModelInspection {
  /** One run, as in a GradientFlow: `runs[0].layers[i] = { layer, name, grad, forward, dead, stuck }`. */
  readonly runs: InspectedRun[];
  constructor(
    readonly measured: Measurement,
    readonly options: { model: string; loss: string; batch: number; bins: number; training: boolean },
    readonly elapsedMs: number,
  ) {
    this.runs = [measured.run];
  }

  get layers(): InspectedLayer[] {
    return this.measured.run.layers;
  }
  get verdict(): Verdict {
    return this.measured.run.verdict;
  }
  get ratio(): number {
    return this.measured.run.ratio;
  }
  get loss(): number {
    return this.measured.loss;
  }
  get accuracy(): number | null {
    return this.measured.accuracy;
  }

  /** A layer by its name in the model, or its 1-based position among the weighted layers. */
  layer(nameOrIndex: string | number): InspectedLayer {
    const found = this.layers.find((l) => l.name === nameOrIndex || l.layer === nameOrIndex);
    if (!found) throw new RangeError(`no weighted layer ${JSON.stringify(nameOrIndex)}; layers: ${this.layers.map((l) => l.name).join(", ")}`);
    return found;
  }

  /** Gradient norm per weighted layer on a log scale. */
  toSpec(): Record<string, unknown> {
    return gradientFlowSpec(this.runs, { title: this.title() });
  }

  toString(): string {
    return `${this.title()}\n${textTable(HEADERS, this.rows())}`;
  }

  async [DISPLAY](): Promise<MimeBundle[]> {
    return chartAndTableOutputs({ spec: this.toSpec() as never, title: this.title(), html: htmlTable(HEADERS, this.rows(), this.title()), text: this.toString() });
  }

  private rows(): (string | number)[][] {
    const pct = (v: number | null) => (v === null || Number.isNaN(v) ? "—" : `${formatNumber(100 * v)}%`);
    return this.layers.map((l) => [l.layer, l.name, l.className, `${l.activation ?? "—"}${l.output ? " (output)" : ""}`, l.grad.norm, l.grad.std, l.forward.mean, l.forward.std, pct(l.forward.zeroFraction), pct(l.forward.saturatedFraction), pct(l.dead), pct(l.stuck)]);
  }

  private title(): string {
    const o = this.options;
    const acc = this.accuracy === null ? "" : `, accuracy ${formatNumber(this.accuracy)}`;
    return `${o.model}: gradient flow ${this.verdict} (first/last ${formatNumber(this.ratio)}), ${o.loss} ${formatNumber(this.loss)}${acc} on ${o.batch} examples`;
  }
}

const HEADERS = ["#", "layer", "class", "activation", "‖∂L/∂W‖", "grad std", "act mean", "act std", "zero %", "saturated %", "dead %", "stuck %"];
