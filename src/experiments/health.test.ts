/**
 * Unit health: dead (output 0 on every example) and stuck (|f′| < 1 % of max |f′| on every
 * example) on constructed layers, through both code paths (tensors in train, read-backs in
 * gradientFlow), and max |f′| against closed forms.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { activation, defineActivation, removeActivation } from "../activations";
import { deadShares, maxAbsDerivative, stuckShares, stuckThreshold } from "./health";
import { forwardStats } from "./stats";

before(() => useBackend("wasm"));

test("max |f′| matches closed forms (and works for a user-defined activation)", async () => {
  const close = (v: number, want: number, tol: number, what: string) => assert.ok(Math.abs(v - want) <= tol * want, `${what}: ${v} vs ${want}`);
  close(await maxAbsDerivative(activation("relu")), 1, 1e-6, "relu");
  close(await maxAbsDerivative(activation("sigmoid")), 0.25, 1e-6, "sigmoid'(0) = 1/4");
  close(await maxAbsDerivative(activation("tanh")), 1, 1e-6, "tanh'(0) = 1");
  // SELU: λ·α·e^z just left of 0, λα ≈ 1.7581 (the grid's nearest point is 0.005 left of 0).
  close(await maxAbsDerivative(activation("selu")), 1.0507009873554805 * 1.6732632423543772, 0.01, "selu");
  const steep = defineActivation({ name: "steep_tanh_test", fn: (x) => tf.tanh(tf.mul(x, 2)) });
  try {
    close(await maxAbsDerivative(steep), 2, 1e-3, "tanh(2x) by autodiff");
  } finally {
    removeActivation("steep_tanh_test");
  }
});

/** One layer z = x·W + b over 64 examples and 16 units, with every bias set to `bias`. */
async function health(name: string, bias: number): Promise<{ dead: number; stuck: number; readBackStuck: number }> {
  const act = activation(name);
  const below = await stuckThreshold(act);
  const before = tf.memory().numTensors;
  const [shares, h, d] = tf.tidy(() => {
    const x = tf.randomNormal([64, 8], 0, 1, "float32", 1);
    const w = tf.randomNormal([8, 16], 0, 0.3, "float32", 2);
    const z = tf.add(tf.matMul(x, w), bias);
    const out = act.apply(z);
    const deriv = act.derivative(z);
    return [tf.concat([deadShares([out]), stuckShares([deriv], below)]), out, deriv];
  });
  const [values, hv, dv] = await Promise.all([shares.data(), h.data(), d.data()]);
  tf.dispose([shares, h, d]);
  assert.equal(tf.memory().numTensors, before, "health leaked tensors");
  const readBack = forwardStats(hv as Float32Array, dv as Float32Array, 0, 16, below);
  return { dead: values[0], stuck: values[1], readBackStuck: readBack.stuckFraction };
}

test("relu with a large negative bias: every unit dead and stuck", async () => {
  assert.deepEqual(await health("relu", -100), { dead: 1, stuck: 1, readBackStuck: 1 });
});

test("elu with a large negative bias: no unit dead (outputs ≈ −1), every unit stuck (f′ ≈ e^−100)", async () => {
  assert.deepEqual(await health("elu", -100), { dead: 0, stuck: 1, readBackStuck: 1 });
});

test("leaky_relu with a large negative bias: slope α = 1 % of max f′ is not below it, so nothing is stuck", async () => {
  assert.deepEqual(await health("leaky_relu", -100), { dead: 0, stuck: 0, readBackStuck: 0 });
});

test("sigmoid pushed into its upper tail is stuck; unbiased units are not", async () => {
  assert.deepEqual(await health("sigmoid", 100), { dead: 0, stuck: 1, readBackStuck: 1 });
  assert.deepEqual(await health("sigmoid", 0), { dead: 0, stuck: 0, readBackStuck: 0 });
});

test("relu with a moderate negative bias: some units dead, stuck equals dead (f′ = 0 exactly where the output is 0)", async () => {
  const r = await health("relu", -2);
  assert.ok(r.dead > 0 && r.dead < 1, `dead ${r.dead}`);
  assert.equal(r.stuck, r.dead);
  assert.equal(r.readBackStuck, r.stuck);
});
