/**
 * train: the same network as gradientFlow (plus biases and an output layer) trained on a
 * synthetic dataset, one run per activation and seed, recording what the notebooks animate:
 * training and validation loss and accuracy per epoch, the share of dead and stuck units per
 * layer, and weight-gradient histograms. Each seed fixes the data set draw, the held-out
 * split, the init and the batch order; results keep every seed and a Summary over them.
 */
import { tf, type Tensor } from "../tf";
import { ready } from "../backend";
import { progress } from "../live";
import { interruptCheckpoint, type Checkpoint } from "./interrupt";
import { resolveActivations, type Activation, type ActivationLike } from "../activations";
import { dataset as makeDataset, DATASET_NAMES, type Dataset, type DatasetName } from "../datasets";
import { checkChoice, checkInt, checkKeys, checkNumber, checkSeeds, checkUniqueLabels, withContext } from "./options";
import { splitRandom, splitStratified, type Split } from "../datasets/split";
import { deadShares, stuckShares, stuckThreshold } from "./health";
import { finalValuesOf, summarizeSeeds, type FinalValues, type SeedSummary } from "./seed-summary";
import { Rng } from "./rng";
import { backward, drawWeights, forward, INIT_CHOICES, NORM_CHOICES, recommendedInit, toTensors, type InitChoice, type InitName, type NormName, type Params } from "./network";
import { accuracyOf, logitGradient, lossValue, LOSS_CHOICES, predict, resolveOutput, targets, type LossChoice, type OutputLayer } from "./objective";
import { Optimizer, OPTIMIZER_CHOICES, type OptimizerName } from "./optimizer";
import { gradStats, type GradStats } from "./stats";
import { trainModel, type ModelTrainingRun, type ModelTrainOptions } from "../model/train";
import { TrainingRun } from "./training-run";

export { TrainingRun };

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
  /** First seed (default 0); with `seeds` a count, the seeds are seed, seed+1, …. */
  seed?: number;
  /** A count of seeds (default 1) or a list of seeds; each fixes data draw, split, init and batch order. */
  seeds?: number | number[];
  /** Share of rows held out for validation (default 0.25; stratified by class for classification; 0 = none). */
  validation?: number;
}

export interface EpochPoint {
  epoch: number;
  /** Loss over the training rows at the end of the epoch. */
  loss: number;
  /** Share of the training rows classified right; null for regression. */
  accuracy: number | null;
  /** Loss over the held-out rows; null without validation. */
  valLoss: number | null;
  /** Share of the held-out rows classified right; null for regression or without validation. */
  valAccuracy: number | null;
}

/** A recorded point of training (every `recordEvery` epochs, plus the start and the end). */
export interface TrainingStep extends EpochPoint {
  /** Optimizer steps taken so far. */
  step: number;
  /** Per hidden layer: share of units whose output is 0 on every training row. */
  dead: number[];
  /** Per hidden layer: share of units whose |f′(z)| < 1 % of the activation's max |f′| on every training row (stuck ⊇ dead for relu). */
  stuck: number[];
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
  /** The first seed's final values (`history`, `steps` and `final` all describe the first seed). */
  final: FinalValues;
  /** The seeds this activation finished, in order (fewer than asked after an interrupt). */
  seeds: number[];
  perSeed: { seed: number; history: EpochPoint[]; final: FinalValues }[];
  /** Each final value summarised over `perSeed`; null where there is no such value. */
  summary: SeedSummary;
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
  /** The seed of this run (the first of `seeds` as resolved). */
  seed: number;
  seeds: number[];
  validation: number;
}

const FN = "train";
const OPTION_NAMES = ["activations", "dataset", "n", "noise", "classes", "depth", "width", "batch", "init", "norm", "epochs", "lr", "optimizer", "outputActivation", "loss", "recordEvery", "bins", "seed", "seeds", "validation"] as const;
export const TRAIN_DEFAULT_ACTIVATIONS = ["relu", "leaky_relu", "tanh", "gelu"];

/** `extraKeys`: options the caller (e.g. dataDrift) handles itself, accepted here unread. */
export function resolveTrainOptions(opts: TrainOptions, fn = FN, extraKeys: readonly string[] = []): { o: ResolvedTrainOptions; data: Dataset } {
  checkKeys(fn, opts, [...OPTION_NAMES, ...extraKeys]);
  const activations = checkUniqueLabels(fn, withContext(fn, "activations", () => resolveActivations(opts.activations, TRAIN_DEFAULT_ACTIVATIONS)));
  const name = checkChoice(fn, "dataset", opts.dataset ?? "spiral", DATASET_NAMES);
  const seeds = checkSeeds(fn, opts.seed, opts.seeds);
  const seed = seeds[0];
  const n = checkInt(fn, "n", opts.n ?? 300, 4, 100_000);
  const validation = opts.validation ?? 0.25;
  if (typeof validation !== "number" || !(validation >= 0 && validation < 1)) {
    throw new RangeError(`${fn}: validation must be a number in [0, 1) (the share of rows held out; 0 = none), got ${String(validation)}`);
  }
  const data = withContext(fn, "dataset", () => makeDataset(name, { n, seed, ...(opts.noise !== undefined ? { noise: opts.noise } : {}), ...(opts.classes !== undefined ? { classes: opts.classes } : {}) }));
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
    seeds,
    validation,
  };
  if (o.norm === "batch" && o.batch < 2) throw new RangeError(`${fn}: norm "batch" needs batch ≥ 2 (statistics over one example are undefined), got batch ${o.batch}`);
  withContext(fn, "validation", () => splitFor(o, data));
  return { o, data };
}

/** The data set a seed draws (the same options, another seed). */
export function datasetForSeed(o: ResolvedTrainOptions, seed: number): Dataset {
  return makeDataset(o.dataset, { n: o.n, seed, ...(o.noise !== undefined ? { noise: o.noise } : {}), ...(o.classes !== undefined ? { classes: o.classes } : {}) });
}

/** The rows `trainNetwork` trains on and holds out for the seed `o.seed`; null when nothing is held out. */
export function splitFor(o: ResolvedTrainOptions, data: Dataset): Split | null {
  if (o.validation === 0) return null;
  const split = data.task === "classification" ? splitStratified(data.y, o.validation, o.seed) : splitRandom(data.n, o.validation, o.seed);
  return split.validation.length > 0 ? split : null;
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

/** Some rows of a data set, uploaded: inputs, targets and the labels accuracy is counted on. */
interface RowSet {
  n: number;
  x: Tensor;
  y: Tensor;
  labels: Float32Array;
}

function uploadRows(o: ResolvedTrainOptions, data: Dataset, rows: Int32Array | null): RowSet {
  const n = rows ? rows.length : data.n;
  const x = new Float32Array(n * data.features);
  const labels = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    x.set(data.x.subarray(i * data.features, (i + 1) * data.features), k * data.features);
    labels[k] = data.y[i];
  }
  return { n, x: tf.tensor2d(x, [n, data.features]), y: targets(o.output, labels, data.task), labels };
}

/** Loss and accuracy on `rows`; with `health`, dead and stuck shares per hidden layer and (optionally) the weight gradients over those rows. */
async function evaluate(net: Params, act: Activation, o: ResolvedTrainOptions, task: Dataset["task"], rows: RowSet, health: { stuckBelow: number; gradients: boolean } | null) {
  const kept = tf.tidy(() => {
    const trace = forward(net, rows.x, act, o.norm);
    const logits = trace.logits as Tensor;
    const p = predict(o.output, logits);
    const grads = health?.gradients ? backward(net, trace, logitGradient(o.output, logits, p, rows.y), o.norm).w : [];
    // Dead shares then stuck shares, one read-back; empty without `health`.
    const units = health ? [tf.concat([deadShares(trace.outputs), stuckShares(trace.localDerivative, health.stuckBelow)])] : [];
    return { p, loss: lossValue(o.output, p, rows.y), units, grads };
  });
  try {
    const [loss, units, grads] = await Promise.all([kept.loss.data(), kept.units.length ? (kept.units[0].data() as Promise<Float32Array>) : undefined, Promise.all(kept.grads.map((g) => g.data() as Promise<Float32Array>))]);
    const accuracy = await accuracyOf(o.output, kept.p, rows.labels, task);
    const depth = units ? units.length / 2 : 0;
    return {
      loss: loss[0],
      accuracy,
      dead: units ? Array.from(units.subarray(0, depth)) : [],
      stuck: units ? Array.from(units.subarray(depth)) : [],
      layers: grads.map((g, l) => ({ layer: l + 1, grad: gradStats(g, o.bins) })),
    };
  } finally {
    tf.dispose([kept.p, kept.loss, ...kept.units, ...kept.grads]);
  }
}

/**
 * Trains one activation's network. Returns it alive (the caller disposes `params`), or
 * undefined params when interrupted before finishing — the partial run is still returned.
 */
export async function trainNetwork(act: Activation, o: ResolvedTrainOptions, data: Dataset, onEpoch: () => void, checkpoint: Checkpoint): Promise<{ trained: TrainedNetwork; interrupted: boolean }> {
  const stuckBelow = await stuckThreshold(act);
  const init: InitName = o.init === "auto" ? recommendedInit(act) : o.init;
  const values = drawWeights({ inputSize: data.features, width: o.width, depth: o.depth, outputSize: o.output.units }, init, o.seed);
  let net = toTensors(values, o.depth, true);
  // PReLU's slope is learned, as in He et al. 2015: one per hidden layer, starting from the activation's alpha.
  if (act.name === "prelu") net.alpha = Array.from({ length: o.depth }, () => tf.scalar(act.params.alpha));
  const optimizer = new Optimizer(o.optimizer, o.lr);
  const shuffle = new Rng(o.seed ^ 0x7a11);
  const history: EpochPoint[] = [];
  const steps: TrainingStep[] = [];
  const split = splitFor(o, data);
  // Training (batches, loss, unit health, gradients) sees only the training rows; the
  // held-out rows are only ever run forward, for the validation loss and accuracy.
  const trainRows = uploadRows(o, data, split ? split.train : null);
  const valRows = split ? uploadRows(o, data, split.validation) : null;
  let step = 0;
  let interrupted = false;
  /** Training and validation numbers of the current network; with `health`, also its unit health (and gradients). */
  const measure = async (health: { gradients: boolean } | null) => {
    const e = await evaluate(net, act, o, data.task, trainRows, health ? { stuckBelow, ...health } : null);
    const v = valRows ? await evaluate(net, act, o, data.task, valRows, null) : null;
    return { ...e, valLoss: v ? v.loss : null, valAccuracy: v ? v.accuracy : null };
  };
  const record = async (epoch: number) => {
    const e = await measure({ gradients: true });
    const slopes = net.alpha ? tf.tidy(() => tf.stack(net.alpha as Tensor[])) : undefined;
    const alpha = slopes ? Array.from(await slopes.data()) : undefined;
    slopes?.dispose();
    steps.push({ epoch, step, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, dead: e.dead, stuck: e.stuck, layers: e.layers, ...(alpha ? { alpha } : {}) });
    return e;
  };
  try {
    await record(0);
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = shuffle.permutation(trainRows.n);
      let stepInEpoch = 0;
      for (let start = 0; start < trainRows.n; start += o.batch) {
        const idx = order.subarray(start, Math.min(trainRows.n, start + o.batch));
        if (o.norm === "batch" && idx.length < 2) continue;
        const grads = tf.tidy(() => {
          const rows = tf.tensor1d(idx, "int32");
          const x = tf.gather(trainRows.x, rows);
          const y = tf.gather(trainRows.y, rows);
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
        await record(epoch - 1 + stepInEpoch / Math.ceil(trainRows.n / o.batch));
        break;
      }
      const recordNow = epoch % o.recordEvery === 0 || epoch === o.epochs;
      const e = recordNow ? await record(epoch) : await measure(null);
      history.push({ epoch, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy });
      onEpoch();
    }
  } catch (e) {
    disposeParams(net);
    throw e;
  } finally {
    optimizer.dispose();
    tf.dispose([trainRows.x, trainRows.y, ...(valRows ? [valRows.x, valRows.y] : [])]);
  }
  const last = steps[steps.length - 1];
  const final: FinalValues = finalValuesOf(last);
  const perSeed = [{ seed: o.seed, history, final }];
  const run: TrainingRunResult = { activation: act.label, init, norm: o.norm, history, steps, final, seeds: [o.seed], perSeed, summary: summarizeSeeds(perSeed) };
  return { trained: { act, params: net, run }, interrupted };
}

/** Adds a later seed's finished run to the first seed's result for the same activation. */
function addSeed(into: TrainingRunResult, seed: number, run: TrainingRunResult): void {
  into.seeds.push(seed);
  into.perSeed.push({ seed, history: run.history, final: run.final });
  into.summary = summarizeSeeds(into.perSeed);
}

/** A user's tf.LayersModel on their data: `train({ model, data, epochs, seeds, ... })` (src/model/train.ts). */
export async function train(opts: ModelTrainOptions): Promise<ModelTrainingRun>;
/**
 * Trains one small network per activation and seed on a synthetic dataset, holding out a
 * validation share of the rows.
 *
 * ```ts
 * const run = await train({ activations: ["relu", "leaky_relu"], dataset: "spiral", epochs: 200, seeds: 5 });
 * run.ranking();                          // by validation accuracy, best first, with 95 % intervals
 * run.compare("relu", "leaky_relu");      // paired over the seeds: { difference, verdict }
 * ```
 */
// Last, so that `ReturnType<typeof train>` (which reads the last overload) is the built-in TrainingRun.
export async function train(opts?: TrainOptions): Promise<TrainingRun>;
export async function train(opts: TrainOptions | ModelTrainOptions = {}): Promise<TrainingRun | ModelTrainingRun> {
  if (opts !== null && typeof opts === "object" && "model" in opts) return trainModel(opts);
  const { o, data } = resolveTrainOptions(opts as TrainOptions);
  await ready();
  const started = Date.now();
  const total = o.epochs * o.activations.length * o.seeds.length;
  const bar = progress("train", total);
  const runs: TrainingRunResult[] = [];
  const seedsFinished: number[] = [];
  let done = 0;
  let interrupted = false;
  const checkpoint = interruptCheckpoint();
  try {
    // Seeds outermost: every activation gets a seed before any gets the next, so an interrupt
    // leaves all activations with the same finished seeds (what paired comparisons need).
    outer: for (const [k, seed] of o.seeds.entries()) {
      const seedData = k === 0 ? data : datasetForSeed(o, seed);
      for (const [j, act] of o.activations.entries()) {
        const label = o.seeds.length > 1 ? `${act.label}, seed ${seed}` : act.label;
        const result = await trainNetwork(act, { ...o, seed }, seedData, () => bar.update(++done, label), checkpoint);
        disposeParams(result.trained.params);
        // The first seed's run is kept even when cut short (its partial history is what there is);
        // a later seed's cut-short run is dropped, so every seed in `perSeed` is a finished one.
        if (k === 0) runs.push(result.trained.run);
        else if (!result.interrupted) addSeed(runs[j], seed, result.trained.run);
        if (result.interrupted) {
          interrupted = true;
          break outer;
        }
      }
      seedsFinished.push(seed);
    }
  } finally {
    bar.close(!interrupted, interrupted ? `interrupted; seeds finished for every activation: ${seedsFinished.join(", ") || "none"}` : undefined);
  }
  return new TrainingRun(runs, o, interrupted, Date.now() - started, seedsFinished);
}
