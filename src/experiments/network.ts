/**
 * The fully connected network every experiment runs, with its forward and backward passes
 * written out by hand. Two reasons: the activation's closed-form derivative replaces
 * autodiff (2–16× faster; `npm run bench -- gradient-flow` compares them), and the products
 * with a transposed matrix take the form each backend runs fastest (see `transposedTimes`).
 * Tests check these gradients against `tf.grad`.
 *
 * Layer l (1..depth):  z = h·W (+ b);  ẑ = norm(z);  h' = f(ẑ).
 * An optional linear output layer maps the last hidden layer to logits.
 */
import { onTensorflow, tf, type Tensor } from "../tf";
import type { Activation } from "../activations/types";
import { measure } from "../properties";
import { Rng } from "./rng";

export type InitName = "he" | "glorot" | "lecun" | "normal";
export const INIT_CHOICES = ["auto", "he", "glorot", "lecun", "normal"] as const;
export type InitChoice = (typeof INIT_CHOICES)[number];
export type NormName = "none" | "batch" | "layer";
export const NORM_CHOICES: readonly NormName[] = ["none", "batch", "layer"];

/** Matches PyTorch's BatchNorm1d / LayerNorm default, so the cross-check compares like with like. */
export const NORM_EPSILON = 1e-5;
/** Standard deviation of the plain "normal" init: Keras's RandomNormal default. */
export const PLAIN_NORMAL_STD = 0.05;

const builtinInitCache = new Map<string, InitName>();

/**
 * The init an activation is designed for, as `properties()` measures it from the function:
 * LeCun when self-normalizing (Klambauer et al. 2017), He for rectifier-like shapes (He et
 * al. 2015), Glorot otherwise (Glorot & Bengio 2010). Built-ins are measured once per label;
 * user-defined activations every time, since a re-run cell may redefine them.
 */
export function recommendedInit(act: Activation): InitName {
  const cached = act.userDefined ? undefined : builtinInitCache.get(act.label);
  if (cached) return cached;
  const init = measure(act).recommendedInit;
  if (!act.userDefined) builtinInitCache.set(act.label, init);
  return init;
}

export function initStd(init: InitName, fanIn: number, fanOut: number): number {
  switch (init) {
    case "he":
      return Math.sqrt(2 / fanIn);
    case "glorot":
      return Math.sqrt(2 / (fanIn + fanOut));
    case "lecun":
      return Math.sqrt(1 / fanIn);
    case "normal":
      return PLAIN_NORMAL_STD;
  }
}

export interface NetworkShape {
  inputSize: number;
  width: number;
  depth: number;
  /** Size of the linear output layer; 0 for none (gradientFlow's loss reads the last hidden layer). */
  outputSize: number;
}

/** Weights as plain arrays: what the seed determines, and what the PyTorch check loads. */
export interface WeightValues {
  /** Row-major fanIn × fanOut per layer (hidden layers, then the output layer if any). */
  w: Float32Array[];
  shapes: [number, number][];
}

/** Weight shapes, fanIn × fanOut: the hidden layers, then the output layer if any. */
export function layerShapes(shape: NetworkShape): [number, number][] {
  const sizes: [number, number][] = [];
  for (let l = 0; l < shape.depth; l++) sizes.push([l === 0 ? shape.inputSize : shape.width, shape.width]);
  if (shape.outputSize > 0) sizes.push([shape.width, shape.outputSize]);
  return sizes;
}

/** Standard-normal draws for every weight, in layer order; what the seed determines. */
export function drawStandardWeights(shape: NetworkShape, seed: number): WeightValues {
  const rng = new Rng(seed);
  const shapes = layerShapes(shape);
  return { w: shapes.map(([fanIn, fanOut]) => rng.normals(fanIn * fanOut)), shapes };
}

/**
 * Scales standard-normal weights by each layer's init std (the output layer, if any, is
 * always Glorot). Drawing once and scaling means that two activations compared in one
 * experiment see the same weight directions and differ only by the scale their init asks for.
 */
export function scaleWeights(standard: WeightValues, depth: number, hiddenInit: InitName): WeightValues {
  const scales = layerScales(standard.shapes, depth, hiddenInit);
  const w = standard.w.map((values, l) => {
    const std = scales[l];
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] * std;
    return out;
  });
  return { w, shapes: standard.shapes };
}

/** Each layer's init std: `hiddenInit` for the hidden layers, Glorot for the output layer. */
export function layerScales(shapes: [number, number][], depth: number, hiddenInit: InitName): number[] {
  return shapes.map(([fanIn, fanOut], l) => initStd(l < depth ? hiddenInit : "glorot", fanIn, fanOut));
}

export function drawWeights(shape: NetworkShape, hiddenInit: InitName, seed: number): WeightValues {
  return scaleWeights(drawStandardWeights(shape, seed), shape.depth, hiddenInit);
}

export interface Params {
  /** Hidden layers; `w` holds one more matrix when there is an output layer. */
  depth: number;
  w: Tensor[];
  /** Biases per layer, or null when the network has none (gradientFlow). */
  b: Tensor[] | null;
  /**
   * PReLU's negative slope per hidden layer (a scalar each, as torch.nn.PReLU()), when it is
   * trained; otherwise the activation's own fixed parameters apply.
   */
  alpha?: Tensor[];
  /**
   * Per-layer factors (one per matrix in `w`) the weights are used at, W_used = scale·w, when
   * the tensors in `w` are shared unscaled draws. gradientFlow runs every activation on one
   * set of standard-normal tensors this way except on tensorflow: on wasm a matMul packs its
   * right operand once per tensor, so reusing the tensors across activations saves that
   * packing and the uploads.
   */
  scale?: number[];
  /** `w` transposed, when made ahead (shared across runs) instead of inside each backward step. */
  wT?: Tensor[];
}

/** PReLU with a trainable slope: f(x) = max(0, x) + α·min(0, x); f′ = 1 for x > 0, α otherwise (left-hand value at 0). */
function preluLayer(zhat: Tensor, alpha: Tensor): { output: Tensor; localDerivative: Tensor } {
  return {
    output: tf.add(tf.relu(zhat), tf.mul(tf.minimum(zhat, 0), alpha)),
    localDerivative: tf.add(tf.mul(tf.step(zhat), tf.sub(1, alpha)), alpha),
  };
}

export function toTensors(values: WeightValues, depth: number, withBias: boolean): Params {
  const w = values.w.map((data, l) => tf.tensor2d(data, values.shapes[l]));
  const b = withBias ? values.shapes.map(([, fanOut]) => tf.zeros([fanOut])) : null;
  return { depth, w, b };
}

/** What the backward pass needs from the forward pass, per hidden layer. */
export interface Trace {
  /** Input of each hidden layer (the previous layer's output; the data for layer 1). */
  inputs: Tensor[];
  /** Normalised pre-activations ẑ (equal to z without norm). */
  normalized: Tensor[];
  /** 1/σ of the normalisation per layer; null without norm. */
  invStd: (Tensor | null)[];
  /** f'(ẑ). */
  localDerivative: Tensor[];
  /** f(ẑ): each hidden layer's output. */
  outputs: Tensor[];
  /** Output-layer logits, when the network has an output layer. */
  logits?: Tensor;
}

function normalize(z: Tensor, norm: NormName): { normalized: Tensor; invStd: Tensor | null } {
  if (norm === "none") return { normalized: z, invStd: null };
  // Batch norm standardises each unit over the batch; layer norm each example over its units.
  const axis = norm === "batch" ? 0 : 1;
  const { mean, variance } = tf.moments(z, axis, true);
  const invStd = tf.rsqrt(tf.add(variance, NORM_EPSILON));
  return { normalized: tf.mul(tf.sub(z, mean), invStd), invStd };
}

export interface LayerTrace {
  normalized: Tensor;
  invStd: Tensor | null;
  localDerivative: Tensor;
  output: Tensor;
}

/** Hidden layer l (0-based) applied to its input h. Call inside `tf.tidy`. */
export function forwardLayer(params: Params, l: number, h: Tensor, act: Activation, norm: NormName): LayerTrace {
  let z = tf.matMul(h, params.w[l]);
  if (params.scale) z = tf.mul(z, params.scale[l]);
  if (params.b) z = tf.add(z, params.b[l]);
  const { normalized, invStd } = normalize(z, norm);
  if (params.alpha) return { normalized, invStd, ...preluLayer(normalized, params.alpha[l]) };
  return { normalized, invStd, localDerivative: act.derivative(normalized), output: act.apply(normalized) };
}

export function emptyTrace(): Trace {
  return { inputs: [], normalized: [], invStd: [], localDerivative: [], outputs: [] };
}

export function pushLayer(trace: Trace, input: Tensor, layer: LayerTrace): void {
  trace.inputs.push(input);
  trace.normalized.push(layer.normalized);
  trace.invStd.push(layer.invStd);
  trace.localDerivative.push(layer.localDerivative);
  trace.outputs.push(layer.output);
}

/** Forward pass; call inside `tf.tidy` (every tensor it makes is returned in the trace). */
export function forward(params: Params, x: Tensor, act: Activation, norm: NormName): Trace {
  const trace = emptyTrace();
  let h = x;
  for (let l = 0; l < params.depth; l++) {
    const layer = forwardLayer(params, l, h, act, norm);
    pushLayer(trace, h, layer);
    h = layer.output;
  }
  if (params.depth < params.w.length) {
    let logits = tf.matMul(h, params.w[params.depth]);
    if (params.scale) logits = tf.mul(logits, params.scale[params.depth]);
    if (params.b) logits = tf.add(logits, params.b[params.depth]);
    trace.logits = logits;
  }
  return trace;
}

export interface Gradients {
  w: Tensor[];
  b: Tensor[] | null;
  /** Present when the network trains PReLU slopes. */
  alpha?: Tensor[];
}

/**
 * Backward pass from the gradient of the loss w.r.t. the logits (output layer) or the last
 * hidden layer's output (no output layer). Call inside `tf.tidy`.
 */
export function backward(params: Params, trace: Trace, upstream: Tensor, norm: NormName): Gradients {
  const hidden = trace.outputs.length;
  const gw: Tensor[] = new Array(params.w.length);
  const gb: Tensor[] | null = params.b ? new Array(params.b.length) : null;
  const ga: Tensor[] | undefined = params.alpha ? new Array(params.alpha.length) : undefined;
  let g = upstream;
  if (trace.logits) {
    const last = trace.outputs[hidden - 1];
    gw[hidden] = transposedTimes(last, g);
    if (gb) gb[hidden] = tf.sum(g, 0);
    g = inputGradient(params, hidden, g);
  }
  for (let l = hidden - 1; l >= 0; l--) {
    const step = backwardLayer(params, trace, l, g, norm);
    gw[l] = step.gw;
    if (gb) gb[l] = step.gb as Tensor;
    if (ga) ga[l] = step.gAlpha as Tensor;
    if (step.gIn) g = step.gIn;
  }
  return ga ? { w: gw, b: gb, alpha: ga } : { w: gw, b: gb };
}

export interface LayerGradients {
  gw: Tensor;
  gb: Tensor | null;
  /** Gradient w.r.t. the layer's input; null for the first layer (nothing below needs it). */
  gIn: Tensor | null;
  /** ∂L/∂α of a trained PReLU slope: Σ g·min(0, ẑ). */
  gAlpha?: Tensor;
}

/** Backward through hidden layer l (0-based) given ∂L/∂(its output). Call inside `tf.tidy`. */
export function backwardLayer(params: Params, trace: Trace, l: number, g: Tensor, norm: NormName): LayerGradients {
  const gAlpha = params.alpha ? tf.sum(tf.mul(g, tf.minimum(trace.normalized[l], 0))) : undefined;
  let gz = tf.mul(g, trace.localDerivative[l]);
  const invStd = trace.invStd[l];
  if (invStd) {
    // d/dz of (z − μ)/σ with batch statistics: σ⁻¹(g − mean(g) − ẑ·mean(g·ẑ)).
    const axis = norm === "batch" ? 0 : 1;
    const zhat = trace.normalized[l];
    const centered = tf.sub(gz, tf.mean(gz, axis, true));
    gz = tf.mul(invStd, tf.sub(centered, tf.mul(zhat, tf.mean(tf.mul(gz, zhat), axis, true))));
  }
  return {
    gw: transposedTimes(trace.inputs[l], gz),
    gb: params.b ? tf.sum(gz, 0) : null,
    gIn: l > 0 ? inputGradient(params, l, gz) : null,
    ...(gAlpha ? { gAlpha } : {}),
  };
}

/**
 * Whether a matMul with a transposed operand runs at full speed on the backend now. TensorFlow's
 * MatMul takes transpose flags and reads the operand in place; on wasm a transposed matMul is
 * ~11× slower than an explicit `tf.transpose` followed by a plain matMul, and the other
 * backends are kept on that measured path. (tfjs-node sends every matMul to BatchMatMulV2;
 * TensorFlow's plain MatMul op is ~25 % faster at 256³, but called through tfjs-node it
 * corrupted the heap when a signal, such as a kernel interrupt, arrived during the call, so
 * it is not used.)
 */
export function transposesInPlace(): boolean {
  return onTensorflow();
}

/** aᵀ·b, in the form the backend runs fastest. */
function transposedTimes(a: Tensor, b: Tensor): Tensor {
  return transposesInPlace() ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b);
}

/** ∂L/∂h = gz·W_usedᵀ, with the pre-transposed and shared-scale forms of `Params`. */
function inputGradient(params: Params, l: number, gz: Tensor): Tensor {
  const g = transposesInPlace() ? tf.matMul(gz, params.w[l], false, true) : tf.matMul(gz, params.wT ? params.wT[l] : tf.transpose(params.w[l]));
  return params.scale ? tf.mul(g, params.scale[l]) : g;
}
