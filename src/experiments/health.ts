/**
 * Unit health per hidden layer (README "Seeds, held-out rows and unit health"): `dead` units output exactly 0 on every example;
 * `stuck` units have |f′(z)| < 1 % of the activation's largest |f′| on every example, so they
 * pass back almost no gradient whatever their output (ReLU's zero side, but also ELU/SELU's
 * negative plateau and the flat tails of sigmoid and tanh).
 */
import { tf, type Tensor } from "../tf";
import type { Activation } from "../activations";

/** A unit is stuck when |f′(z)| stays below this share of max |f′| on every example. */
export const STUCK_RELATIVE_THRESHOLD = 0.01;
/** max |f′| is sampled on this range and step: wide enough for every saturating built-in. */
const GRID = { from: -20, to: 20, step: 0.005 };

const maxDerivativeCache = new WeakMap<Activation, number>();

/**
 * The largest finite |f′(x)| over a fine grid on [−20, 20], computed once per activation
 * object (user-defined activations included: only `derivative` is needed).
 */
export async function maxAbsDerivative(act: Activation): Promise<number> {
  const cached = maxDerivativeCache.get(act);
  if (cached !== undefined) return cached;
  const points = Math.round((GRID.to - GRID.from) / GRID.step) + 1;
  const grid = Float32Array.from({ length: points }, (_, i) => GRID.from + i * GRID.step);
  const d = tf.tidy(() => act.derivative(tf.tensor1d(grid)));
  // Asynchronous read: the only kind webgpu allows in Node.
  const values = await d.data();
  d.dispose();
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (v > max && v !== Infinity) max = v;
  }
  maxDerivativeCache.set(act, max);
  return max;
}

/** |f′| below which a unit counts as stuck, for this activation. */
export async function stuckThreshold(act: Activation): Promise<number> {
  // Rounded to float32, as the derivatives it is compared with are: leaky_relu's α = 0.01 is then
  // exactly at the threshold, not (through float32 rounding of 0.01) just below it.
  return Math.fround(STUCK_RELATIVE_THRESHOLD * (await maxAbsDerivative(act)));
}

/** Per layer (rows = examples, columns = units): share of units whose output is 0 on every row. Call inside a tidy. */
export function deadShares(outputs: Tensor[]): Tensor {
  return tf.stack(outputs.map((h) => tf.mean(tf.cast(tf.equal(tf.max(tf.abs(h), 0), 0), "float32"))));
}

/** Per layer: share of units whose |f′(z)| is below `threshold` on every row. Call inside a tidy. */
export function stuckShares(localDerivatives: Tensor[], threshold: number): Tensor {
  return tf.stack(localDerivatives.map((d) => tf.mean(tf.cast(tf.less(tf.max(tf.abs(d), 0), threshold), "float32"))));
}
