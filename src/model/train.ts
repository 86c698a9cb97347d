/**
 * train({ model, data, ... }): a user's tf.LayersModel trained on their data with the
 * records the built-in `train` keeps: train and validation loss/accuracy per
 * epoch, and at recorded epochs the dead and stuck share per hidden layer and every weighted
 * layer's gradient histogram — so the training charts and the GradientHistograms widget work
 * on it. Each seed trains its own copy; the user's model is never changed.
 */
import { tf } from "../tf";
import { ready } from "../backend";
import { DISPLAY, progress, type MimeBundle } from "../live";
import { chartAndTableOutputs, formatNumber, htmlTable, summaryCell, textTable } from "../charts/render";
import { trainingSpec } from "../charts/training";
import { splitRandom, splitStratified, type Split } from "../datasets/split";
import { interruptCheckpoint, type Checkpoint } from "../experiments/interrupt";
import { checkChoice, checkInt, checkKeys, checkNumber, checkSeeds } from "../experiments/options";
import { Optimizer, OPTIMIZER_CHOICES, type OptimizerName } from "../experiments/optimizer";
import { Rng } from "../experiments/rng";
import type { EpochPoint, TrainingRunResult, TrainingStep } from "../experiments/train";
import { finalValuesOf, summarizeSeeds, type FinalValues } from "../experiments/seed-summary";
import type { Summary } from "../evidence/summary";
import { accuracy, checkModel, disposeData, meanLoss, prepareData, resolveLoss, takeRows, type LossLike, type ModelData, type PreparedData, type ResolvedLoss } from "./data";
import { layout } from "./graph";
import { measureModel, type InspectedLayer } from "./inspect";
import { rebuild } from "./swap";
import { registerWasmConvGradients } from "./wasm-kernels";

export interface ModelTrainOptions {
  model: tf.LayersModel;
  data: ModelData;
  epochs?: number;
  /** Learning rate (default 0.01 for adam, 0.1 for sgd). */
  lr?: number;
  optimizer?: OptimizerName;
  batch?: number;
  /** Share of rows held out for validation, stratified by class (default 0.25). */
  validation?: number;
  /** First seed (default 0); with `seeds` a count, the seeds are seed, seed+1, …. */
  seed?: number;
  /** How many seeds, or which (default 1). Each seed fixes the split, the batch order and (with `reinitialize`) the weights. */
  seeds?: number | number[];
  /** Record dead/stuck units and gradient histograms every this many epochs (and at the start and end). */
  recordEvery?: number;
  /** Defaults to the model's compiled loss. */
  loss?: LossLike;
  bins?: number;
  /** Re-draw every weight from its layer's initializer per seed (default: when more than one seed). */
  reinitialize?: boolean;
}

/** A recorded point: the built-in record, with every weighted layer as `inspect` reports it (names, activation statistics). */
export interface ModelTrainingStep extends TrainingStep {
  layers: InspectedLayer[];
}

/** The built-in final values, plus the epochs run and the median wall time of an optimizer step (ms). */
export interface SeedFinal extends FinalValues {
  epochs: number;
  msPerStep: number;
}

/** A TrainingRunResult without the built-in network's init and norm (the model has its own). */
export interface ModelRunResult extends Omit<TrainingRunResult, "init" | "norm" | "steps" | "final" | "perSeed"> {
  /** The first seed's records (what the charts and the widget show). */
  steps: ModelTrainingStep[];
  final: SeedFinal;
  perSeed: { seed: number; history: EpochPoint[]; final: SeedFinal }[];
}

export interface ResolvedModelTrain {
  epochs: number;
  lr: number;
  optimizer: OptimizerName;
  batch: number;
  validation: number;
  seeds: number[];
  recordEvery: number;
  bins: number;
  reinitialize: boolean;
}

const OPTION_NAMES = ["model", "data", "epochs", "lr", "optimizer", "batch", "validation", "seed", "seeds", "recordEvery", "loss", "bins", "reinitialize"] as const;
/** Examples the recorded gradients and unit health are measured on (the first rows of the training split). */
export const RECORD_ROWS = 512;

export function resolveModelTrainOptions(fn: string, opts: Omit<ModelTrainOptions, "model" | "data">, extraKeys: readonly string[] = []): ResolvedModelTrain {
  checkKeys(fn, opts, [...OPTION_NAMES, ...extraKeys]);
  const optimizer = checkChoice(fn, "optimizer", opts.optimizer ?? "adam", OPTIMIZER_CHOICES);
  const epochs = checkInt(fn, "epochs", opts.epochs ?? 10, 1, 100_000);
  const seeds = checkSeeds(fn, opts.seed, opts.seeds);
  return {
    epochs,
    lr: checkNumber(fn, "lr", opts.lr ?? (optimizer === "adam" ? 0.01 : 0.1), 0, 100, true),
    optimizer,
    batch: checkInt(fn, "batch", opts.batch ?? 32, 1, 1_000_000),
    validation: checkNumber(fn, "validation", opts.validation ?? 0.25, 0, 0.9),
    seeds,
    recordEvery: checkInt(fn, "recordEvery", opts.recordEvery ?? Math.max(1, Math.round(epochs / 10)), 1, 100_000),
    bins: checkInt(fn, "bins", opts.bins ?? 30, 1, 10_000),
    reinitialize: opts.reinitialize ?? seeds.length > 1,
  };
}

export function splitFor(data: PreparedData, fraction: number, seed: number): Split {
  return data.labels ? splitStratified(data.labels, fraction, seed) : splitRandom(data.n, fraction, seed);
}

/** Loss and accuracy of the model on prepared data, inference mode. */
export async function evaluate(model: tf.LayersModel, data: PreparedData, loss: ResolvedLoss): Promise<{ loss: number; accuracy: number | null }> {
  if (data.n === 0) return { loss: NaN, accuracy: null };
  const [p, l] = tf.tidy(() => {
    const out = model.apply(data.x, { training: false }) as tf.Tensor;
    return [out, meanLoss(loss, data.y, out)];
  });
  try {
    const value = (await l.data())[0];
    return { loss: value, accuracy: loss.classification && data.labels ? await accuracy(p, data.labels) : null };
  } finally {
    tf.dispose([p, l]);
  }
}

/**
 * One optimizer step on the rows `idx`: the experiments' optimizer (Adam over all parameters
 * as one flat vector, far fewer ops than tf.train.adam's per-variable updates), written into
 * the model's variables. Resolves when the step has run (its loss read back).
 */
export async function trainStep(model: tf.LayersModel, variables: tf.Variable[], optimizer: Optimizer, data: PreparedData, idx: Int32Array, loss: ResolvedLoss): Promise<number> {
  const { value, grads } = tf.variableGrads(() => {
    const rows = tf.tensor1d(idx, "int32");
    const out = model.apply(tf.gather(data.x, rows), { training: true }) as tf.Tensor;
    return meanLoss(loss, tf.gather(data.y, rows), out) as tf.Scalar;
  }, variables);
  const updated = optimizer.apply(variables, variables.map((v) => grads[v.name]));
  variables.forEach((v, i) => v.assign(updated[i]));
  tf.dispose([...updated, ...Object.values(grads)]);
  const cost = (await value.data())[0];
  value.dispose();
  return cost;
}

export interface SeedRun {
  seed: number;
  history: EpochPoint[];
  steps: ModelTrainingStep[];
  final: SeedFinal;
  label: string;
  interrupted: boolean;
  /** Wall time of the whole run and the median of an epoch (steps and evaluation), ms: what a budget plans with. */
  elapsedMs: number;
  msPerEpoch: number;
}

/**
 * Trains `model` (already the copy this seed owns) on one split. `onEpoch` after each epoch;
 * stops between steps when `checkpoint` says so, recording the partial epoch.
 */
export async function trainSeed(model: tf.LayersModel, all: PreparedData, split: Split, loss: ResolvedLoss, o: ResolvedModelTrain, seed: number, onEpoch: () => void, checkpoint: Checkpoint): Promise<SeedRun> {
  const trainData = takeRows(all, split.train);
  const valData = takeRows(all, split.validation);
  const recordData = takeRows(all, split.train.subarray(0, Math.min(split.train.length, RECORD_ROWS)));
  const lay = layout(model);
  const optimizer = new Optimizer(o.optimizer, o.lr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const order = new Rng(seed ^ 0x7a11);
  const history: EpochPoint[] = [];
  const steps: ModelTrainingStep[] = [];
  const stepTimes: number[] = [];
  const epochTimes: number[] = [];
  const began = performance.now();
  let step = 0;
  let interrupted = false;
  let label = "";
  const record = async (epoch: number) => {
    const m = await measureModel(lay, recordData, loss, o.bins, true);
    label = m.run.activation;
    const [tr, va] = [await evaluate(model, trainData, loss), await evaluate(model, valData, loss)];
    const hidden = m.run.layers.filter((l) => l.dead !== null);
    steps.push({ epoch, step, loss: tr.loss, accuracy: tr.accuracy, valLoss: valData.n ? va.loss : null, valAccuracy: va.accuracy, dead: hidden.map((l) => l.dead as number), stuck: hidden.map((l) => l.stuck as number), layers: m.run.layers });
    return { tr, va };
  };
  try {
    await record(0);
    const perEpoch = Math.ceil(trainData.n / o.batch);
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const shuffled = order.permutation(trainData.n);
      const epochBegan = performance.now();
      let inEpoch = 0;
      for (let start = 0; start < trainData.n; start += o.batch) {
        const idx = shuffled.subarray(start, Math.min(trainData.n, start + o.batch));
        const stepBegan = performance.now();
        await trainStep(model, variables, optimizer, trainData, idx, loss);
        stepTimes.push(performance.now() - stepBegan);
        step++;
        inEpoch++;
        if (await checkpoint()) {
          interrupted = true;
          break;
        }
      }
      if (interrupted && inEpoch < perEpoch) {
        await record(epoch - 1 + inEpoch / perEpoch);
        break;
      }
      // An interrupt seen after the epoch's last step stops a finished epoch: it counts, and is recorded.
      const recordNow = interrupted || epoch % o.recordEvery === 0 || epoch === o.epochs;
      const evaluated = recordNow ? undefined : { tr: await evaluate(model, trainData, loss), va: await evaluate(model, valData, loss) };
      epochTimes.push(performance.now() - epochBegan);
      const e = evaluated ?? (await record(epoch));
      history.push({ epoch, loss: e.tr.loss, accuracy: e.tr.accuracy, valLoss: valData.n ? e.va.loss : null, valAccuracy: e.va.accuracy });
      onEpoch();
      if (interrupted) break;
    }
  } finally {
    optimizer.dispose();
    [trainData, valData, recordData].forEach(disposeData);
  }
  const last = steps[steps.length - 1];
  const middle = (times: number[]) => {
    const sorted = times.slice().sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
  };
  const final: SeedFinal = {
    ...finalValuesOf(last),
    msPerStep: middle(stepTimes),
    epochs: history.length,
  };
  return { seed, history, steps, final, label, interrupted, elapsedMs: performance.now() - began, msPerEpoch: middle(epochTimes) };
}

/** Per-seed runs folded into one record: the first seed's curves, every seed's history and finals. */
export function foldSeeds(runs: SeedRun[]): ModelRunResult {
  const perSeed = runs.map((r) => ({ seed: r.seed, history: r.history, final: r.final }));
  return { activation: runs[0].label, history: runs[0].history, steps: runs[0].steps, final: runs[0].final, seeds: runs.map((r) => r.seed), perSeed, summary: summarizeSeeds(perSeed) };
}

/**
 * Trains copies of a user's model, one per seed (see the built-in `train` for the records).
 *
 * ```ts
 * const run = await train({ model, data: datasets.digits({ normalize: true }), epochs: 20, seeds: 3 });
 * run.runs[0].summary.valAccuracy;   // { mean, sd, lo, hi, n }
 * gradientHistograms(run);
 * ```
 */
export async function trainModel(opts: ModelTrainOptions): Promise<ModelTrainingRun> {
  const fn = "train";
  if (opts === null || typeof opts !== "object") throw new TypeError(`${fn}: options must be an object like { model, data, epochs }`);
  const model = checkModel(fn, opts.model);
  const { model: _m, data, ...rest } = opts;
  const o = resolveModelTrainOptions(fn, rest);
  const loss = resolveLoss(fn, model, opts.loss);
  await ready();
  registerWasmConvGradients();
  const all = await prepareData(fn, model, data, loss);
  const started = Date.now();
  const bar = progress("train", o.epochs * o.seeds.length);
  const checkpoint = interruptCheckpoint();
  const runs: SeedRun[] = [];
  let done = 0;
  let interrupted = false;
  try {
    for (const seed of o.seeds) {
      const split = splitFor(all, o.validation, seed);
      const copy = await rebuild(model, { swap: new Map(), seed, reinitializeAll: o.reinitialize });
      try {
        const run = await trainSeed(copy, all, split, loss, o, seed, () => bar.update(++done, `seed ${seed}`), checkpoint);
        runs.push(run);
        if (run.interrupted) {
          interrupted = true;
          break;
        }
      } finally {
        copy.dispose();
      }
    }
  } finally {
    disposeData(all);
    bar.close(!interrupted, interrupted ? `interrupted after ${runs.length} of ${o.seeds.length} seeds` : undefined);
  }
  return new ModelTrainingRun([foldSeeds(runs)], { ...o, model: model.name, loss: loss.name }, interrupted, Date.now() - started);
}

export class ModelTrainingRun {
  constructor(
    readonly runs: ModelRunResult[],
    readonly options: ResolvedModelTrain & { model: string; loss: string },
    /** True when an interrupt stopped training; the seed cut short ends at its last step, later seeds are missing. */
    readonly interrupted: boolean,
    readonly elapsedMs: number,
  ) {}

  toSpec(): Record<string, unknown> {
    return trainingSpec(this.runs, { title: this.title() });
  }

  toString(): string {
    return `${this.title()}\n${textTable(HEADERS, this.rows())}`;
  }

  async [DISPLAY](): Promise<MimeBundle[]> {
    return chartAndTableOutputs({ spec: this.toSpec() as never, title: this.title(), html: htmlTable(HEADERS, this.rows(), this.title()), text: this.toString() });
  }

  private rows(): (string | number)[][] {
    const pct = (v: number) => `${formatNumber(100 * v)}%`;
    return this.runs.map((r) => {
      // A model whose activations all sit inside recurrent cells has no unit measured dead or stuck.
      const measured = r.steps.some((s) => s.dead.length > 0);
      const units = (s: Summary) => (measured ? summaryCell(s, pct) : "not measured (recurrent)");
      return [r.activation, r.seeds.length, r.final.epochs, summaryCell(r.summary.loss), summaryCell(r.summary.valLoss), summaryCell(r.summary.valAccuracy), units(r.summary.maxDeadFraction), units(r.summary.maxStuckFraction)];
    });
  }

  private title(): string {
    const o = this.options;
    const stopped = this.interrupted ? " — interrupted (partial)" : "";
    const cells = o.seeds.length > 1 ? `; cells are mean ± 95 % half-width over ${o.seeds.length} seeds` : "";
    return `Training ${o.model}: ${o.optimizer} lr ${o.lr}, ${o.epochs} epochs, batch ${o.batch}, ${o.loss}, validation ${o.validation}${cells}${stopped}`;
  }
}

const HEADERS = ["model", "seeds", "epochs run", "final loss", "validation loss", "validation accuracy", "max dead (a layer)", "max stuck (a layer)"];
