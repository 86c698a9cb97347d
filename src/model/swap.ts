/**
 * withActivation: a copy of a user's model with its hidden activations replaced. The copy is
 * rebuilt from the model's own JSON topology, so layer names, shapes and every other setting
 * stay as they were; only the activation changes (and the swapped layers' weights, drawn
 * again for the init that activation calls for). Activations tfjs does not have are
 * registered as tfjs activation classes ("al:<label>"), so the copy serializes and clones.
 */
import { tf } from "../tf";
import { activation as resolveActivation, type Activation, type ActivationLike } from "../activations";
import { recommendedInit, type InitName } from "../experiments/network";
import { checkInt, checkKeys, withContext } from "../experiments/options";
import { checkModel } from "./data";
import { cellActivation, layout, type WeightedLayer } from "./graph";

/**
 * Registry labels whose tfjs activation computes the same function (tests check each on a
 * grid): these keep tfjs's own kernels; everything else runs through the registry. (tfjs's
 * "gelu_new" is left out: a saved model naming it does not load back.)
 */
const TFJS_EQUIVALENT: Record<string, string> = {
  relu: "relu",
  relu6: "relu6",
  sigmoid: "sigmoid",
  tanh: "tanh",
  selu: "selu",
  elu: "elu",
  softplus: "softplus",
  softsign: "softsign",
  linear: "linear",
  silu: "swish",
  swish: "swish",
  mish: "mish",
  gelu: "gelu",
};

/** Prefix of the tfjs class names under which activation-lab activations are registered. */
export const CLASS_PREFIX = "al:";

let activationBase: (new () => object) | undefined;
/** tfjs-layers' Activation base class (not exported; every activation object descends from it). */
function baseClass(): new () => object {
  if (!activationBase) {
    const relu = (tf.layers.dense({ units: 1, activation: "relu" }) as unknown as { activation: object }).activation;
    activationBase = Object.getPrototypeOf(Object.getPrototypeOf(relu)).constructor as new () => object;
  }
  return activationBase;
}

/**
 * The tfjs identifier of an activation: tfjs's own name where it computes the same function,
 * otherwise "al:<label>" (with - for _), registered (again, so a redefined user activation takes effect).
 */
export function tfjsActivation(act: Activation): string {
  const same = act.userDefined ? undefined : TFJS_EQUIVALENT[act.label];
  if (same) return same;
  // tfjs turns snake_case strings of a saved topology into camelCase on loading: no underscores.
  const className = `${CLASS_PREFIX}${act.label.replace(/_/g, "-")}`;
  const Base = baseClass();
  // The class binds this activation's parameters: tfjs serializes an activation by class name alone.
  const Lab = class extends Base {
    static className = className;
    apply(x: tf.Tensor): tf.Tensor {
      return act.apply(x);
    }
    getClassName(): string {
      return className;
    }
  };
  tf.serialization.registerClass(Lab as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  return className;
}

export interface WithActivationOptions {
  /** Names of the layers to change (weighted layers or their activation layers); default every hidden one. */
  layers?: string[];
  /** Seed of the re-drawn weights (default 0). */
  seed?: number;
}

/** How the rebuilt copy's weights are set: swapped layers re-drawn, the rest copied or re-drawn too. */
export interface RebuildOptions {
  /** Weighted-layer name → new activation. */
  swap: Map<string, Activation>;
  seed: number;
  /** Re-draw every layer's weights from its own initializer (seeded), not only the swapped ones. */
  reinitializeAll: boolean;
  name?: string;
}

type Json = Record<string, unknown> & { class_name?: string; config?: Record<string, unknown> };

/** Initializers that draw at random and take a seed. */
const DETERMINISTIC_INITIALIZERS = new Set(["Zeros", "Ones", "Constant", "Identity"]);

function layerConfigs(topology: Json): Json[] {
  const config = topology.config as { layers?: Json[] };
  if (!Array.isArray(config?.layers)) throw new Error("the model's JSON topology has no layer list");
  return config.layers;
}

/**
 * The variance-scaling initializer of He (2015), Glorot (2010) or LeCun (1998), as a Keras
 * config. Uniform: its std is exactly √scale, while tfjs's "normal" truncates at 2σ without
 * rescaling and comes out 12 % narrow.
 */
function initializerFor(init: InitName, seed: number): Json {
  if (init === "normal") return { class_name: "RandomNormal", config: { mean: 0, stddev: 0.05, seed } };
  const scale = init === "he" ? 2 : 1;
  return { class_name: "VarianceScaling", config: { scale, mode: init === "glorot" ? "fan_avg" : "fan_in", distribution: "uniform", seed } };
}

function seedInitializers(config: Record<string, unknown>, next: () => number): void {
  for (const [key, value] of Object.entries(config)) {
    if (!key.endsWith("_initializer") || value === null || typeof value !== "object") continue;
    const init = value as Json;
    if (init.class_name && !DETERMINISTIC_INITIALIZERS.has(init.class_name)) init.config = { ...(init.config ?? {}), seed: next() };
  }
}

/** A new model from `model`'s topology with `swap` applied; the input model is only read. */
export async function rebuild(model: tf.LayersModel, o: RebuildOptions): Promise<tf.LayersModel> {
  const lay = layout(model);
  const topology = JSON.parse(JSON.stringify(model.toJSON(null, false))) as Json;
  if (o.name) (topology.config as Record<string, unknown>).name = o.name;
  const byName = new Map(layerConfigs(topology).map((l) => [(l.config as { name: string }).name, l]));
  let counter = 0;
  const nextSeed = () => (o.seed * 7919 + ++counter) | 0;
  const swapped = new Set<string>();
  for (const w of lay.weighted) {
    const act = o.swap.get(w.name);
    const own = byName.get(w.name) as Json;
    const config = own.config as Record<string, unknown>;
    if (o.reinitializeAll) seedInitializers(config, nextSeed);
    if (!act) continue;
    const id = tfjsActivation(act);
    if (w.recurrent) {
      // The cell's own activation (candidate and output state, tanh by default); its gates keep
      // their recurrent activation. The input kernel is drawn for the new activation's init,
      // the recurrent kernel again from its own (orthogonal by default).
      config.activation = id;
      config.kernel_initializer = initializerFor(recommendedInit(act), nextSeed());
      seedInitializers(config, nextSeed);
      swapped.add(w.name);
      continue;
    }
    if (!w.site) continue;
    if (w.site.kind === "fused") config.activation = id;
    else {
      const siteJson = byName.get(w.site.layer.name) as Json;
      const sc = siteJson.config as Record<string, unknown>;
      siteJson.class_name = "Activation";
      siteJson.config = { name: sc.name, trainable: sc.trainable ?? true, dtype: sc.dtype ?? "float32", activation: id };
    }
    const init = initializerFor(recommendedInit(act), nextSeed());
    for (const key of ["kernel_initializer", "depthwise_initializer", "pointwise_initializer"]) if (key in config) config[key] = key === "kernel_initializer" ? init : { ...init, config: { ...(init.config as object), seed: nextSeed() } };
    if ("bias_initializer" in config) config.bias_initializer = { class_name: "Zeros", config: {} };
    swapped.add(w.name);
    swapped.add(w.site.layer.name);
  }
  const copy = await tf.models.modelFromJSON({ modelTopology: topology as never });
  if (!o.reinitializeAll) {
    for (const layer of model.layers) {
      if (swapped.has(layer.name) || layer.weights.length === 0) continue;
      const target = copy.getLayer(layer.name);
      if (target.weights.length === layer.weights.length) target.setWeights(layer.getWeights());
    }
  }
  compileLike(model, copy);
  return copy;
}

/** Compiles the copy with the same loss and a fresh optimizer of the same kind and settings. */
function compileLike(model: tf.LayersModel, copy: tf.LayersModel): void {
  const loss = (model as unknown as { loss?: unknown }).loss;
  const optimizer = (model as unknown as { optimizer?: tf.Optimizer }).optimizer;
  if (loss === undefined || !optimizer) return;
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = map[optimizer.getClassName()];
  const fresh = entry ? (entry[1](entry[0], optimizer.getConfig()) as tf.Optimizer) : optimizer;
  copy.compile({ optimizer: fresh, loss: loss as string });
  // The copy owns its optimizer (made here for it): copy.dispose() then frees the optimizer's state too.
  (copy as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/**
 * The hidden layers whose activation can be replaced: weighted, not the output, with an
 * element-wise activation, or recurrent (LSTM, GRU, SimpleRNN) with a cell activation.
 */
export function swappableLayers(model: tf.LayersModel): WeightedLayer[] {
  return layout(model).weighted.filter((w) => !w.output && (w.recurrent ? cellActivation(w) !== undefined : w.site !== null && w.site.elementwise));
}

function describeLayers(model: tf.LayersModel): string {
  const what = (w: WeightedLayer) => (w.recurrent ? `cell activation ${cellActivation(w) ?? "linear"}` : w.site ? w.site.label : "no activation");
  return layout(model)
    .weighted.map((w) => `${w.name} (${w.className}, ${what(w)}${w.output ? ", output layer" : ""})`)
    .join(", ");
}

/** The layers `names` select (weighted layers or their activation layers), checked. */
export function selectLayers(fn: string, model: tf.LayersModel, names?: string[]): WeightedLayer[] {
  const candidates = swappableLayers(model);
  if (candidates.length === 0) {
    throw new RangeError(`${fn}: the model has no hidden layer with an activation to replace; its weighted layers: ${describeLayers(model)}. Give hidden Dense/Conv layers an activation (or follow them with an activation layer), or use a recurrent layer with a cell activation`);
  }
  if (names === undefined) return candidates;
  if (!Array.isArray(names) || names.length === 0) throw new TypeError(`${fn}: layers must be a non-empty array of layer names; valid: ${candidates.map((c) => c.name).join(", ")}`);
  return names.map((name) => {
    const found = candidates.find((c) => c.name === name || c.site?.layer.name === name);
    if (!found) throw new RangeError(`${fn}: layer "${name}" has no hidden activation to replace; valid layers: ${candidates.map((c) => c.name).join(", ")}`);
    return found;
  });
}

/**
 * A copy of `model` with the hidden activations replaced, re-initialised for the new one.
 *
 * ```ts
 * const leaky = await withActivation(model, { name: "leaky_relu", params: { alpha: 0.1 } });
 * const mine = await withActivation(model, defineActivation({ name: "bent", fn: (x) => tf.add(x, tf.sin(x)) }));
 * ```
 */
export async function withActivation(model: tf.LayersModel, act: ActivationLike, opts: WithActivationOptions = {}): Promise<tf.LayersModel> {
  const fn = "withActivation";
  const m = checkModel(fn, model);
  checkKeys(fn, opts, ["layers", "seed"]);
  const resolved = withContext(fn, "activation", () => resolveActivation(act));
  const seed = checkInt(fn, "seed", opts.seed ?? 0, -(2 ** 31), 2 ** 31 - 1);
  const chosen = selectLayers(fn, m, opts.layers);
  return rebuild(m, { swap: new Map(chosen.map((w) => [w.name, resolved])), seed, reinitializeAll: false });
}
