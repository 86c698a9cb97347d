/**
 * train: the same network as gradientFlow (plus biases and an output layer) trained on a
 * synthetic dataset, one run per activation, recording what the notebooks animate: loss and
 * accuracy per epoch, the share of dead units per layer, and weight-gradient histograms.
 */
import { tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { DISPLAY, progress, type MimeBundle } from "../live";
import { interruptCheckpoint, type Checkpoint } from "./interrupt";
import { resolveActivations, type Activation, type ActivationLike } from "../activations";
import { dataset as makeDataset, DATASET_NAMES, type Dataset, type DatasetName } from "../datasets";
import { chartAndTableOutputs, htmlTable, textTable } from "../charts/render";
import { trainingSpec } from "../charts/training";
import { checkChoice, checkInt, checkKeys, checkNumber, checkUniqueLabels, withContext } from "./options";
import { Rng } from "./rng";
import { backward, drawWeights, forward, INIT_CHOICES, NORM_CHOICES, recommendedInit, toTensors, type InitChoice, type InitName, type NormName, type Params } from "./network";
import { accuracyOf, logitGradient, lossValue, LOSS_CHOICES, predict, resolveOutput, targets, type LossChoice, type OutputLayer } from "./objective";
import { Optimizer, OPTIMIZER_CHOICES, type OptimizerName } from "./optimizer";
import { gradStats, type GradStats } from "./stats";

export interface TrainOptions {
  activations?: ActivationLike | ActivationLike[];
  dataset?: DatasetName;
  /** Examples in the dataset (default 300). */
  n?: number;
  /** Noise of the dataset (each dataset has its own default). */
  noise?: number;
  /** Classes (spiral only). */
  classes?: number;
  depth?: number;
  width?: number;
  batch?: number;
  init?: InitChoice;
  norm?: NormName;
  epochs?: number;
  lr?: number;
  optimizer?: OptimizerName;
  outputActivation?: ActivationLike | "softmax" | "auto";
  loss?: LossChoice;
  /** Record dead units and gradient histograms every this many epochs (and at the start and end). */
  recordEvery?: number;
  bins?: number;
  seed?: number;
}

export interface EpochPoint {
  epoch: number;
  /** Loss over the whole dataset at the end of the epoch. */
  loss: number;
  /** Share classified right; null for regression. */
  accuracy: number | null;
}

/** A recorded point of training (every `recordEvery` epochs, plus the start and the end). */
export interface TrainingStep extends EpochPoint {
  /** Optimizer steps taken so far. */
  step: number;
  /** Per hidden layer: share of units whose output is 0 for every example of the dataset. */
  dead: number[];
  /** Per layer (hidden 1..depth, then the output layer as depth + 1): full-dataset weight gradient. */
  layers: { layer: number; grad: GradStats }[];
  /** PReLU only: the learnt negative slope per hidden layer. */
  alpha?: number[];
}

export interface TrainingRunResult {
  activation: string;
  init: InitName;
  norm: NormName;
  history: EpochPoint[];
  /** Recorded steps, in order (the data gradientHistograms animates over). */
  steps: TrainingStep[];
  final: { loss: number; accuracy: number | null; maxDeadFraction: number };
}

export interface ResolvedTrainOptions {
  activations: Activation[];
  dataset: DatasetName;
  n: number;
  noise?: number;
  classes?: number;
  depth: number;
  width: number;
  batch: number;
  init: InitChoice;
  norm: NormName;
  epochs: number;
  lr: number;
  optimizer: OptimizerName;
  output: OutputLayer;
  recordEvery: number;
  bins: number;
  seed: number;
}

const FN = "train";
const OPTION_NAMES = ["activations", "dataset", "n", "noise", "classes", "depth", "width", "batch", "init", "norm", "epochs", "lr", "optimizer", "outputActivation", "loss", "recordEvery", "bins", "seed"] as const;
export const TRAIN_DEFAULT_ACTIVATIONS = ["relu", "leaky_relu", "tanh", "gelu"];

/** `extraKeys`: options the caller (e.g. dataDrift) handles itself, accepted here unread. */
export function resolveTrainOptions(opts: TrainOptions, fn = FN, extraKeys: readonly string[] = []): { o: ResolvedTrainOptions; data: Dataset } {
  checkKeys(fn, opts, [...OPTION_NAMES, ...extraKeys]);
  const activations = checkUniqueLabels(fn, withContext(fn, "activations", () => resolveActivations(opts.activations, TRAIN_DEFAULT_ACTIVATIONS)));
  const name = checkChoice(fn, "dataset", opts.dataset ?? "spiral", DATASET_NAMES);
  const seed = checkInt(fn, "seed", opts.seed ?? 0, -(2 ** 31), 2 ** 31 - 1);
  const n = checkInt(fn, "n", opts.n ?? 300, 4, 100_000);
  const datasetOptions = { n, seed, ...(opts.noise !== undefined ? { noise: opts.noise } : {}), ...(opts.classes !== undefined ? { classes: opts.classes } : {}) };
  const data = withContext(fn, "dataset", () => makeDataset(name, datasetOptions));
  const optimizer = checkChoice(fn, "optimizer", opts.optimizer ?? "adam", OPTIMIZER_CHOICES);
  const epochs = checkInt(fn, "epochs", opts.epochs ?? 100, 1, 100_000);
  const output = resolveOutput(fn, data.task, data.classes, opts.outputActivation ?? "auto", checkChoice(fn, "loss", opts.loss ?? "auto", LOSS_CHOICES));
  const o: ResolvedTrainOptions = {
    activations,
    dataset: name,
    n,
    noise: opts.noise,
    classes: opts.classes,
    depth: checkInt(fn, "depth", opts.depth ?? 3, 1, 100),
    width: checkInt(fn, "width", opts.width ?? 32, 1, 4096),
    batch: checkInt(fn, "batch", opts.batch ?? 32, 1, 100_000),
    init: checkChoice(fn, "init", opts.init ?? "auto", INIT_CHOICES),
    norm: checkChoice(fn, "norm", opts.norm ?? "none", NORM_CHOICES),
    epochs,
    lr: checkNumber(fn, "lr", opts.lr ?? (optimizer === "adam" ? 0.01 : 0.1), 0, 100, true),
    optimizer,
    output,
    recordEvery: checkInt(fn, "recordEvery", opts.recordEvery ?? Math.max(1, Math.round(epochs / 10)), 1, 100_000),
    bins: checkInt(fn, "bins", opts.bins ?? 30, 1, 10_000),
    seed,
  };
  if (o.norm === "batch" && o.batch < 2) throw new RangeError(`${fn}: norm "batch" needs batch ≥ 2 (statistics over one example are undefined), got batch ${o.batch}`);
  return { o, data };
}

/** A trained network, kept alive for experiments that probe it further (data drift). */
export interface TrainedNetwork {
  act: Activation;
  params: Params;
  run: TrainingRunResult;
}

function disposeParams(p: Params): void {
  tf.dispose(flatParams(p));
}

/** Every trained tensor in a fixed order: weights, biases, PReLU slopes. */
function flatParams(p: { w: Tensor[]; b: Tensor[] | null; alpha?: Tensor[] }): Tensor[] {
  return [...p.w, ...(p.b ?? []), ...(p.alpha ?? [])];
}

function unflatten(like: Params, flat: Tensor[]): Params {
  const nw = like.w.length;
  const nb = like.b?.length ?? 0;
  const next: Params = { depth: like.depth, w: flat.slice(0, nw), b: like.b ? flat.slice(nw, nw + nb) : null };
  if (like.alpha) next.alpha = flat.slice(nw + nb);
  return next;
}

/** Loss, accuracy, dead units and (optionally) full-dataset gradients of the current network. */
async function evaluate(net: Params, act: Activation, o: ResolvedTrainOptions, data: Dataset, all: { x: Tensor; y: Tensor }, withGradients: boolean) {
  const { x, y } = all;
  const kept = tf.tidy(() => {
    const trace = forward(net, x, act, o.norm);
    const logits = trace.logits as Tensor;
    const p = predict(o.output, logits);
    // A unit is dead when its output is 0 for every example: max |h| over the dataset is 0.
    const deadness = trace.outputs.map((h) => tf.mean(tf.cast(tf.equal(tf.max(tf.abs(h), 0), 0), "float32")));
    const grads = withGradients ? backward(net, trace, logitGradient(o.output, logits, p, y), o.norm).w : [];
    return { p, loss: lossValue(o.output, p, y), dead: tf.stack(deadness), grads };
  });
  try {
    const [loss, dead, grads] = await Promise.all([kept.loss.data(), kept.dead.data(), Promise.all(kept.grads.map((g) => g.data() as Promise<Float32Array>))]);
    const accuracy = await accuracyOf(o.output, kept.p, data.y, data.task);
    return {
      loss: loss[0],
      accuracy,
      dead: Array.from(dead),
      layers: grads.map((g, l) => ({ layer: l + 1, grad: gradStats(g, o.bins) })),
    };
  } finally {
    tf.dispose([kept.p, kept.loss, kept.dead, ...kept.grads]);
  }
}

/**
 * Trains one activation's network. Returns it alive (the caller disposes `params`), or
 * undefined params when interrupted before finishing — the partial run is still returned.
 */
export async function trainNetwork(act: Activation, o: ResolvedTrainOptions, data: Dataset, onEpoch: () => void, checkpoint: Checkpoint): Promise<{ trained: TrainedNetwork; interrupted: boolean }> {
  const init: InitName = o.init === "auto" ? recommendedInit(act) : o.init;
  const values = drawWeights({ inputSize: data.features, width: o.width, depth: o.depth, outputSize: o.output.units }, init, o.seed);
  let net = toTensors(values, o.depth, true);
  // PReLU's slope is a parameter of the network here (DESIGN §3): one per hidden layer, from the activation's alpha.
  if (act.name === "prelu") net.alpha = Array.from({ length: o.depth }, () => tf.scalar(act.params.alpha));
  const optimizer = new Optimizer(o.optimizer, o.lr);
  const shuffle = new Rng(o.seed ^ 0x7a11);
  const run: TrainingRunResult = { activation: act.label, init, norm: o.norm, history: [], steps: [], final: { loss: NaN, accuracy: null, maxDeadFraction: 0 } };
  const all = { x: tf.tensor2d(data.x, [data.n, data.features]), y: targets(o.output, data.y, data.task) };
  let step = 0;
  let interrupted = false;
  const record = async (epoch: number) => {
    const e = await evaluate(net, act, o, data, all, true);
    const slopes = net.alpha ? tf.tidy(() => tf.stack(net.alpha as Tensor[])) : undefined;
    const alpha = slopes ? Array.from(await slopes.data()) : undefined;
    slopes?.dispose();
    run.steps.push({ epoch, step, loss: e.loss, accuracy: e.accuracy, dead: e.dead, layers: e.layers, ...(alpha ? { alpha } : {}) });
    return e;
  };
  try {
    await record(0);
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = shuffle.permutation(data.n);
      let stepInEpoch = 0;
      for (let start = 0; start < data.n; start += o.batch) {
        const idx = order.subarray(start, Math.min(data.n, start + o.batch));
        if (o.norm === "batch" && idx.length < 2) continue;
        const grads = tf.tidy(() => {
          const rows = tf.tensor1d(idx, "int32");
          const x = tf.gather(all.x, rows);
          const y = tf.gather(all.y, rows);
          const trace = forward(net, x, act, o.norm);
          const logits = trace.logits as Tensor;
          const g = backward(net, trace, logitGradient(o.output, logits, predict(o.output, logits), y), o.norm);
          return flatParams(g);
        });
        // Outside the tidy: the optimizer keeps its moment estimates across steps.
        const updated = optimizer.apply(flatParams(net), grads);
        tf.dispose(grads);
        const next = unflatten(net, updated);
        disposeParams(net);
        net = next;
        step++;
        stepInEpoch++;
        // Checked between steps (not only epochs): one epoch of a large dataset can be long.
        if (await checkpoint()) {
          interrupted = true;
          break;
        }
      }
      if (interrupted) {
        // The partial epoch is kept: its state is recorded, but it is not a finished epoch in the history.
        await record(epoch - 1 + stepInEpoch / Math.ceil(data.n / o.batch));
        break;
      }
      const recordNow = epoch % o.recordEvery === 0 || epoch === o.epochs;
      const e = recordNow ? await record(epoch) : await evaluate(net, act, o, data, all, false);
      run.history.push({ epoch, loss: e.loss, accuracy: e.accuracy });
      onEpoch();
    }
  } catch (e) {
    disposeParams(net);
    throw e;
  } finally {
    optimizer.dispose();
    tf.dispose([all.x, all.y]);
  }
  const last = run.steps[run.steps.length - 1];
  run.final = { loss: last.loss, accuracy: last.accuracy, maxDeadFraction: Math.max(0, ...last.dead) };
  return { trained: { act, params: net, run }, interrupted };
}

/**
 * Trains one small network per activation on a synthetic dataset.
 *
 * ```ts
 * const run = await train({ activations: ["relu", "leaky_relu"], dataset: "spiral", epochs: 200, lr: 0.05 });
 * run.runs.map((r) => [r.activation, r.final.accuracy, r.final.maxDeadFraction]);
 * ```
 */
export async function train(opts: TrainOptions = {}): Promise<TrainingRun> {
  const { o, data } = resolveTrainOptions(opts);
  await ready();
  const started = Date.now();
  const total = o.epochs * o.activations.length;
  const bar = progress("train", total);
  const runs: TrainingRunResult[] = [];
  let done = 0;
  let interrupted = false;
  const checkpoint = interruptCheckpoint();
  try {
    for (const act of o.activations) {
      const result = await trainNetwork(act, o, data, () => bar.update(++done, act.label), checkpoint);
      disposeParams(result.trained.params);
      runs.push(result.trained.run);
      if (result.interrupted) {
        interrupted = true;
        break;
      }
    }
  } finally {
    bar.close(!interrupted, interrupted ? "interrupted" : undefined);
  }
  return new TrainingRun(runs, o, interrupted, Date.now() - started);
}

export class TrainingRun {
  readonly options: Omit<ResolvedTrainOptions, "activations" | "output"> & { activations: string[]; outputActivation: string; loss: string };
  constructor(
    readonly runs: TrainingRunResult[],
    options: ResolvedTrainOptions,
    /** True when an interrupt stopped training; the run that was cut short ends at its last epoch. */
    readonly interrupted: boolean,
    readonly elapsedMs: number,
  ) {
    const { activations, output, ...rest } = options;
    this.options = { ...rest, activations: activations.map((a) => a.label), outputActivation: output.label, loss: output.loss };
  }

  run(activation: string): TrainingRunResult {
    const found = this.runs.find((r) => r.activation === activation) ?? this.runs.find((r) => r.activation.split("(")[0] === activation);
    if (!found) throw new RangeError(`no run for "${activation}"; runs: ${this.runs.map((r) => r.activation).join(", ")}`);
    return found;
  }

  /** Loss curves beside the dead-unit fraction per layer over epochs. */
  toSpec(): Record<string, unknown> {
    return trainingSpec(this.runs, { title: this.title() });
  }

  toString(): string {
    return `${this.title()}\n${textTable(HEADERS, this.rows())}`;
  }

  /** Two outputs: the chart, then the table. */
  async [DISPLAY](): Promise<MimeBundle[]> {
    return chartAndTableOutputs({ spec: this.toSpec() as never, title: this.title(), html: htmlTable(HEADERS, this.rows(), this.title()), text: this.toString() });
  }

  private rows(): (string | number)[][] {
    return this.runs.map((r) => [r.activation, r.init, r.history.length, r.final.loss, r.final.accuracy ?? "—", `${(100 * r.final.maxDeadFraction).toFixed(1)}%`]);
  }

  private title(): string {
    const o = this.options;
    const stopped = this.interrupted ? " — interrupted" : "";
    return `Training on ${o.dataset} (n ${o.n}): depth ${o.depth}, width ${o.width}, ${o.optimizer} lr ${o.lr}, ${o.epochs} epochs, output ${o.outputActivation} + ${o.loss}${stopped}`;
  }
}

const HEADERS = ["activation", "init", "epochs run", "final loss", "final accuracy", "max dead units (a layer)"];
