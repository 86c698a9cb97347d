/**
 * How a user's tf.LayersModel is laid out for analysis: which layers carry weights, where
 * each one's activation is applied (fused into a Dense/Conv layer, or a separate activation
 * layer after it, possibly behind normalization or dropout), and which layer is the output.
 * `runGraph` then executes the model eagerly layer by layer, splitting fused activations into
 * pre-activation z and output f(z) so both can be measured; the loss and its gradients equal
 * those of `model.apply` (tests check this against tf.grads).
 */
import { tf, type Tensor } from "../tf";

/** Layers whose `activation` is applied inside their own call, after the affine part. */
const FUSED = new Set(["Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv2D", "DepthwiseConv2D"]);
/** Layers that are nothing but an activation. */
const ACTIVATION_LAYERS = new Set(["Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "ThresholdedReLU", "Softmax"]);
/** Layers that sit between a weighted layer and its activation without changing which units there are. */
const PASS_THROUGH = new Set(["BatchNormalization", "LayerNormalization", "Dropout", "SpatialDropout1D", "AlphaDropout", "GaussianNoise", "GaussianDropout"]);
const RECURRENT = new Set(["LSTM", "GRU", "SimpleRNN"]);

type Layer = tf.layers.Layer;
type Symbolic = tf.SymbolicTensor;

/** Where a weighted layer's activation is computed. */
export interface ActivationSite {
  /** The layer that applies it: the weighted layer itself (fused) or a later activation layer. */
  layer: Layer;
  kind: "fused" | "layer";
  /** The activation as tfjs names it, e.g. "relu", "leakyReLU(alpha=0.3)", or an activation-lab label. */
  label: string;
  /** Applies the activation to a pre-activation tensor. */
  apply: (z: Tensor) => Tensor;
  /** Element-wise (f′ per unit is defined; softmax is not). */
  elementwise: boolean;
}

export interface WeightedLayer {
  /** 1-based position among the weighted layers, input side first. */
  index: number;
  layer: Layer;
  name: string;
  className: string;
  /** The non-linear activation applied to this layer's units, if any. */
  site: ActivationSite | null;
  /** The layer produces the model's output (directly or through norm/dropout/activation layers). */
  output: boolean;
  recurrent: boolean;
}

/** A recurrent layer's own (cell) activation as tfjs names it, its gates' aside; undefined if linear or not recurrent. */
export function cellActivation(w: WeightedLayer): string | undefined {
  if (!w.recurrent) return undefined;
  const a = (w.layer.getConfig() as { activation?: unknown }).activation;
  return typeof a === "string" && a !== "linear" ? a : undefined;
}

export interface ModelLayout {
  model: tf.LayersModel;
  weighted: WeightedLayer[];
  /** Activation sites by the name of the layer that applies them. */
  sites: Map<string, ActivationSite>;
}

let linearActivation: unknown;
/** tfjs's own linear activation object (its classes are not exported; a Dense layer holds one). */
function linear(): unknown {
  if (!linearActivation) linearActivation = (tf.layers.dense({ units: 1, activation: "linear" }) as unknown as { activation: unknown }).activation;
  return linearActivation;
}

interface TfActivation {
  apply(x: Tensor): Tensor;
  getClassName(): string;
}

function activationOf(layer: Layer): TfActivation | undefined {
  return (layer as unknown as { activation?: TfActivation }).activation;
}

function isLinear(a: TfActivation | undefined): boolean {
  return !a || a.getClassName() === "linear";
}

function layerLabel(layer: Layer): string {
  const cls = layer.getClassName();
  if (cls === "Activation") return (activationOf(layer) as TfActivation).getClassName();
  const config = layer.getConfig();
  const params = Object.entries(config).filter(([k, v]) => typeof v === "number" && !["trainable"].includes(k));
  return params.length ? `${cls}(${params.map(([k, v]) => `${k}=${v}`).join(", ")})` : cls;
}

function siteOfActivationLayer(layer: Layer): ActivationSite {
  const label = layerLabel(layer);
  return { layer, kind: "layer", label, apply: (z) => layer.apply(z) as Tensor, elementwise: !/softmax/i.test(label) };
}

function nodesOf(layer: Layer): { inputTensors: Symbolic[]; outputTensors: Symbolic[] }[] {
  return (layer as unknown as { inboundNodes: { inputTensors: Symbolic[]; outputTensors: Symbolic[] }[] }).inboundNodes;
}

/** The layers (and the nodes of this model) in execution order, input layers left out. */
function executionOrder(model: tf.LayersModel): Layer[] {
  return model.layers.filter((l) => l.getClassName() !== "InputLayer");
}

export function layout(model: tf.LayersModel): ModelLayout {
  const layers = executionOrder(model);
  const consumers = new Map<number, Layer[]>();
  for (const layer of layers) {
    for (const node of nodesOf(layer)) for (const t of node.inputTensors) consumers.set(t.id, [...(consumers.get(t.id) ?? []), layer]);
  }
  const outputIds = new Set(model.outputs.map((o) => o.id));
  /** Follows the single consumer of a tensor through pass-through layers, to an activation layer or the end. */
  const follow = (layer: Layer): { site: Layer | null; end: number } => {
    let id = nodesOf(layer)[0].outputTensors[0].id;
    let site: Layer | null = null;
    for (;;) {
      const next = consumers.get(id) ?? [];
      if (next.length !== 1) break;
      const cls = next[0].getClassName();
      if (ACTIVATION_LAYERS.has(cls) && !site) site = next[0];
      else if (!PASS_THROUGH.has(cls)) break;
      id = nodesOf(next[0])[0].outputTensors[0].id;
    }
    return { site, end: id };
  };
  const weighted: WeightedLayer[] = [];
  const sites = new Map<string, ActivationSite>();
  for (const layer of layers) {
    if (layer.trainableWeights.length === 0) continue;
    const cls = layer.getClassName();
    const chain = follow(layer);
    let site: ActivationSite | null = null;
    const own = activationOf(layer);
    if (FUSED.has(cls) && !isLinear(own)) {
      const act = own as TfActivation;
      site = { layer, kind: "fused", label: act.getClassName(), apply: (z) => act.apply(z), elementwise: act.getClassName() !== "softmax" };
    } else if (chain.site && !PASS_THROUGH.has(cls)) {
      site = siteOfActivationLayer(chain.site);
    }
    if (site) sites.set(site.layer.name, site);
    weighted.push({ index: weighted.length + 1, layer, name: layer.name, className: cls, site, output: outputIds.has(chain.end), recurrent: RECURRENT.has(cls) });
  }
  return { model, weighted, sites };
}

export interface GraphRun {
  output: Tensor;
  /** Per activation site (by layer name): the pre-activation z and the activation's output. */
  sites: Map<string, { z: Tensor; h: Tensor }>;
  /** Every layer's output by layer name (first call of the layer). */
  outputs: Map<string, Tensor>;
}

/**
 * Runs the model eagerly on x, layer by layer, with fused activations split so z is seen.
 * Call inside tf.tidy or a gradient function; every tensor made is returned or disposable there.
 */
export function runGraph(lay: ModelLayout, x: Tensor, training: boolean): GraphRun {
  const model = lay.model;
  const values = new Map<number, Tensor>();
  model.inputs.forEach((s) => values.set(s.id, x));
  const sites = new Map<string, { z: Tensor; h: Tensor }>();
  const outputs = new Map<string, Tensor>();
  for (const layer of executionOrder(model)) {
    for (const node of nodesOf(layer)) {
      const inputs = node.inputTensors.map((s) => values.get(s.id));
      if (inputs.some((t) => t === undefined)) continue; // a node of another model sharing this layer
      const arg = inputs.length === 1 ? (inputs[0] as Tensor) : (inputs as Tensor[]);
      const site = lay.sites.get(layer.name);
      let out: Tensor | Tensor[];
      if (site?.kind === "fused") {
        const own = layer as unknown as { activation: unknown };
        const act = own.activation;
        own.activation = linear();
        let z: Tensor;
        try {
          z = layer.apply(arg, { training }) as Tensor;
        } finally {
          own.activation = act;
        }
        const h = site.apply(z);
        sites.set(layer.name, { z, h });
        out = h;
      } else {
        out = layer.apply(arg, { training }) as Tensor | Tensor[];
        if (site) sites.set(layer.name, { z: arg as Tensor, h: out as Tensor });
      }
      const outs = Array.isArray(out) ? out : [out];
      node.outputTensors.forEach((s, i) => values.set(s.id, outs[i]));
      if (!outputs.has(layer.name)) outputs.set(layer.name, outs[0]);
    }
  }
  const output = values.get(model.outputs[0].id);
  if (!output) throw new Error(`the model's output ${model.outputs[0].name} was not reached when running its layers in order`);
  return { output, sites, outputs };
}

/** The units of a layer's output: its last axis (features of Dense, channels of Conv). */
export function unitsOf(t: Tensor): number {
  return t.shape[t.shape.length - 1] ?? 1;
}

/** The grid health.ts samples registry activations on: wide enough for every saturating built-in. */
const DERIVATIVE_GRID = { from: -20, to: 20, step: 0.005 };
const maxDerivativeCache = new Map<string, number>();

/**
 * max |f′| over a fine grid on [−20, 20] (as health.ts measures registry activations): the scale the stuck threshold (1 % of it) is set
 * against. Undefined when the activation cannot run on a column of numbers (PReLU's slopes
 * are shaped like its input); the caller then uses the largest |f′| it observed.
 */
export async function maxDerivative(site: ActivationSite): Promise<number | undefined> {
  // User-defined activations may be redefined by a re-run cell: measured every time.
  const key = site.label.startsWith("al:") ? undefined : `${site.kind}:${site.label}`;
  const cached = key === undefined ? undefined : maxDerivativeCache.get(key);
  if (cached !== undefined) return cached;
  const n = Math.round((DERIVATIVE_GRID.to - DERIVATIVE_GRID.from) / DERIVATIVE_GRID.step) + 1;
  let largest: Tensor;
  try {
    largest = tf.tidy(() => tf.max(tf.abs(localDerivative(site, tf.reshape(tf.linspace(DERIVATIVE_GRID.from, DERIVATIVE_GRID.to, n), [n, 1])))));
  } catch {
    return undefined;
  }
  const value = (await largest.data())[0];
  largest.dispose();
  if (key !== undefined) maxDerivativeCache.set(key, value);
  return value;
}

/** f′(z) element-wise, by autodiff of the activation as the model applies it. Call inside tf.tidy. */
export function localDerivative(site: ActivationSite, z: Tensor): Tensor {
  return tf.grad((v: Tensor) => tf.sum(site.apply(v)))(z);
}
