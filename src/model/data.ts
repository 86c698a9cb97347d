/**
 * A user's data for a user's model: `{ x, y }` as tensors, nested arrays or flat typed arrays
 * (with a `shape`, as `datasets.digits()` returns), checked against the model and the loss
 * before anything trains, and turned into the tensors the loss expects.
 */
import { tf, type Tensor } from "../tf";
import { accuracyOf } from "../experiments/objective";

/** Per-example losses the way Keras defines them (the functions `model.compile` uses). */
export const LOSS_NAMES = ["categoricalCrossentropy", "sparseCategoricalCrossentropy", "binaryCrossentropy", "meanSquaredError", "meanAbsoluteError"] as const;
export type LossName = (typeof LOSS_NAMES)[number];
/** A loss as a function: per-example (or already averaged) loss from targets and predictions. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type LossLike = LossName | LossFunction;

type Nested = number | Nested[];
export type ArrayData = Tensor | Nested[] | Float32Array | Int32Array | Uint8Array | Float64Array;

export interface ModelData {
  x: ArrayData;
  y: ArrayData;
  /** Shape of `x` when it is a flat typed array (row-major), e.g. [1797, 8, 8, 1]. */
  shape?: number[];
}

export interface ResolvedLoss {
  /** The loss's name, or "custom" for a function. */
  name: LossName | "custom";
  /** Per-example loss (mean over the batch taken by `meanLoss`). */
  perExample: LossFunction;
  /** Classification: targets are class indices, accuracy is reported. */
  classification: boolean;
}

/** The data, checked and on the backend: `y` shaped like the model's output. */
export interface PreparedData {
  x: Tensor;
  y: Tensor;
  /** The class of each row (classification), for stratified splits and accuracy; null otherwise. */
  labels: Float32Array | null;
  n: number;
  /** Output units of the model. */
  outputs: number;
}

function isTensor(v: unknown): v is Tensor {
  return v instanceof tf.Tensor;
}

export function isLayersModel(model: unknown): model is tf.LayersModel {
  return model instanceof tf.LayersModel;
}

/** The first check of every entry point: anything else gets an error that says what to pass. */
export function checkModel(fn: string, model: unknown): tf.LayersModel {
  if (isLayersModel(model)) return model;
  const what = model === null ? "null" : typeof model === "object" ? `an object (${(model as object).constructor?.name ?? "no class"})` : typeof model;
  throw new TypeError(`${fn}: model must be a tf.LayersModel (from tf.sequential(), tf.model() or tf.loadLayersModel()), got ${what}; a graph model from tf.loadGraphModel has no layers to inspect`);
}

/** The model's compiled loss, or the `loss` option; a function is used as it is. */
export function resolveLoss(fn: string, model: tf.LayersModel, loss: LossLike | undefined): ResolvedLoss {
  const given = loss ?? compiledLoss(model);
  if (given === undefined) {
    throw new RangeError(`${fn}: the model is not compiled and no loss was given; pass { loss: "categoricalCrossentropy" } (valid names: ${LOSS_NAMES.join(", ")}) or a function (yTrue, yPred) => tf.Tensor`);
  }
  if (typeof given === "function") return { name: "custom", perExample: given, classification: false };
  if (!(LOSS_NAMES as readonly string[]).includes(given)) {
    throw new RangeError(`${fn}: loss "${String(given)}" is not supported; valid names: ${LOSS_NAMES.join(", ")}, or a function (yTrue, yPred) => tf.Tensor`);
  }
  const name = given as LossName;
  const table: Record<LossName, LossFunction> = {
    categoricalCrossentropy: tf.metrics.categoricalCrossentropy,
    // Targets reach the loss one-hot (see prepareData), where the sparse loss is the categorical one.
    sparseCategoricalCrossentropy: tf.metrics.categoricalCrossentropy,
    binaryCrossentropy: tf.metrics.binaryCrossentropy,
    meanSquaredError: tf.metrics.meanSquaredError,
    meanAbsoluteError: tf.metrics.meanAbsoluteError,
  };
  return { name, perExample: table[name], classification: name.endsWith("Crossentropy") };
}

function compiledLoss(model: tf.LayersModel): LossLike | undefined {
  const loss = (model as unknown as { loss?: unknown }).loss;
  if (loss === undefined || loss === null) return undefined;
  if (Array.isArray(loss)) return loss[0] as LossLike;
  if (typeof loss === "object") return Object.values(loss as Record<string, LossLike>)[0];
  return loss as LossLike;
}

/** Mean loss over the batch. Call inside tf.tidy. */
export function meanLoss(loss: ResolvedLoss, y: Tensor, p: Tensor): Tensor {
  return tf.mean(loss.perExample(y, p));
}

/** Values and shape of x or y without keeping a tensor around (read asynchronously: webgpu in Node allows no other read). */
async function readArray(fn: string, what: string, v: unknown, shape?: number[]): Promise<{ values: Float32Array; shape: number[] }> {
  if (isTensor(v)) return { values: Float32Array.from(await v.data()), shape: v.shape.slice() };
  if (v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array || v instanceof Float64Array) {
    const s = shape ?? [v.length];
    const size = s.reduce((a, b) => a * b, 1);
    if (size !== v.length) throw new RangeError(`${fn}: ${what} has ${v.length} values but its shape [${s.join(", ")}] needs ${size}`);
    return { values: Float32Array.from(v), shape: s };
  }
  if (Array.isArray(v)) {
    const s: number[] = [];
    for (let level: unknown = v; Array.isArray(level); level = level[0]) s.push(level.length);
    const flat = (v as unknown[]).flat(Infinity);
    const size = s.reduce((a, b) => a * b, 1);
    if (flat.length !== size || flat.some((e) => typeof e !== "number")) {
      throw new RangeError(`${fn}: ${what} must be a rectangular array of numbers (every row the same length), got ragged or non-numeric entries`);
    }
    return { values: Float32Array.from(flat as number[]), shape: s };
  }
  throw new TypeError(`${fn}: ${what} must be a tf.Tensor, a nested array of numbers or a typed array with a shape, got ${v === null ? "null" : typeof v}`);
}

function checkFinite(fn: string, what: string, values: Float32Array, rowSize: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      throw new RangeError(`${fn}: ${what} contains ${Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"} (row ${Math.floor(i / rowSize)}); remove or impute those rows before training`);
    }
  }
}

const shapeText = (s: (number | null)[]) => `[${s.map((d) => (d === null ? "null" : d)).join(", ")}]`;

/**
 * Checks `data` against the model and the loss and uploads it: x must match the model's
 * input shape, y must have one entry per row (class indices in range for classification, or
 * values shaped like the output), neither may hold NaN or ±Infinity. Throws before any work.
 */
export async function prepareData(fn: string, model: tf.LayersModel, data: ModelData, loss: ResolvedLoss): Promise<PreparedData> {
  if (data === null || typeof data !== "object" || !("x" in data) || !("y" in data)) {
    throw new TypeError(`${fn}: data must be { x, y } (tensors, nested arrays, or typed arrays with a shape), e.g. datasets.digits()`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new RangeError(`${fn}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only single-input, single-output models are supported`);
  }
  const x = await readArray(fn, "x", data.x, data.shape);
  const inputShape = model.inputs[0].shape;
  const expected = inputShape.slice(1);
  const given = x.shape.slice(1);
  const fits = given.length === expected.length && expected.every((d, i) => d === null || d === given[i]);
  if (!fits) {
    const perRow = given.reduce((a, b) => a * b, 1);
    const needed = expected.every((d) => d !== null) ? (expected as number[]).reduce((a, b) => a * b, 1) : NaN;
    const hint = perRow === needed ? `; the sizes agree, so reshape x to ${shapeText([x.shape[0], ...expected])} (datasets.digits({ shape: "image" }) gives images)` : "";
    throw new RangeError(`${fn}: x has shape ${shapeText(x.shape)} but the model's input is ${shapeText(inputShape)} (rows first)${hint}`);
  }
  const n = x.shape[0];
  const rowSize = Math.max(1, x.values.length / Math.max(1, n));
  checkFinite(fn, "x", x.values, rowSize);
  const y = await readArray(fn, "y", data.y);
  if (y.shape[0] !== n) throw new RangeError(`${fn}: y has ${y.shape[0]} rows but x has ${n}; give one target per example`);
  checkFinite(fn, "y", y.values, Math.max(1, y.values.length / Math.max(1, n)));
  const outputShape = model.outputs[0].shape;
  const outputs = outputShape[outputShape.length - 1] ?? 1;
  const isLabels = y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1 && outputs > 1);
  let labels: Float32Array | null = null;
  let target: Tensor;
  if (isLabels && (loss.classification || outputs > 1)) {
    labels = checkLabels(fn, y.values, outputs === 1 ? 2 : outputs);
    target = outputs === 1 ? tf.tensor2d(labels, [n, 1]) : tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels as Float32Array, "int32"), outputs), "float32"));
  } else {
    const want = [n, ...outputShape.slice(1).map((d) => d ?? 1)];
    const size = want.reduce((a, b) => a * b, 1);
    if (size !== y.values.length) throw new RangeError(`${fn}: y has shape ${shapeText(y.shape)} but the model's output is ${shapeText(outputShape)}; give class indices (one per row) or targets shaped like the output`);
    if (loss.classification) labels = labelsFromTargets(fn, y.values, n, outputs, loss.name);
    target = tf.tensor(y.values, want);
  }
  return { x: tf.tensor(x.values, x.shape), y: target, labels, n, outputs };
}

function checkLabels(fn: string, values: Float32Array, classes: number): Float32Array {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new RangeError(`${fn}: y[${i}] = ${v} is not a class index; labels must be integers 0..${classes - 1} (the model has ${classes === 2 ? "one sigmoid output: classes 0 and 1" : `${classes} outputs`})`);
    }
  }
  return values;
}

/** One-hot (or 0/1) targets given directly: their classes, checked to be targets of that kind. */
function labelsFromTargets(fn: string, values: Float32Array, n: number, outputs: number, loss: string): Float32Array {
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let sum = 0;
    for (let k = 0; k < outputs; k++) {
      const v = values[i * outputs + k];
      if (v < 0 || v > 1) throw new RangeError(`${fn}: y row ${i} has ${v}; ${loss} needs targets in [0, 1] (one-hot rows, or class indices)`);
      sum += v;
      if (v > values[i * outputs + best]) best = k;
    }
    if (outputs > 1 && Math.abs(sum - 1) > 1e-4) throw new RangeError(`${fn}: y row ${i} sums to ${sum}; one-hot targets sum to 1 (or give class indices)`);
    labels[i] = outputs === 1 ? Math.round(values[i]) : best;
  }
  return labels;
}

/** The rows `idx` of prepared data (tensors owned by the caller). */
export function takeRows(data: PreparedData, idx: Int32Array): PreparedData {
  const [x, y] = tf.tidy(() => {
    const rows = tf.tensor1d(idx, "int32");
    return [tf.gather(data.x, rows), tf.gather(data.y, rows)];
  });
  const labels = data.labels ? Float32Array.from(idx, (i) => (data.labels as Float32Array)[i]) : null;
  return { x, y, labels, n: idx.length, outputs: data.outputs };
}

export function disposeData(data: PreparedData): void {
  tf.dispose([data.x, data.y]);
}

/** Share of rows classified right (the built-in experiments' rule: argmax, or p ≥ ½ for one output). */
export function accuracy(p: Tensor, labels: Float32Array): Promise<number> {
  const units = p.shape[p.shape.length - 1] ?? 1;
  return accuracyOf({ kind: "elementwise", label: "model output", loss: "cross_entropy", units }, p, labels, "classification") as Promise<number>;
}
