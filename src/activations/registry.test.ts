import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRange, curves } from "../curves";
import { tf } from "../tf";
import { activation, defineActivation, listActivations, removeActivation } from "./index";

const CONTRACT = [
  "linear", "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "celu", "gelu", "gelu_tanh",
  "silu", "swish", "mish", "softplus", "softsign", "hard_sigmoid", "hard_swish", "hard_tanh", "log_sigmoid",
  "tanhshrink", "squareplus",
];

test("every activation of the contract is registered, each with an info record", () => {
  assert.deepEqual([...listActivations()].sort(), [...CONTRACT].sort());
  for (const name of CONTRACT) {
    const a = activation(name);
    assert.ok(a.info.latex.length > 3 && a.info.summary.length > 10 && a.info.reference.length > 0, name);
  }
});

test("parameter defaults follow the contract", () => {
  assert.equal(activation("leaky_relu").params.alpha, 0.01);
  assert.equal(activation("prelu").params.alpha, 0.25);
  assert.equal(activation("elu").params.alpha, 1);
  assert.equal(activation("celu").params.alpha, 1);
  assert.equal(activation("swish").params.beta, 1);
  assert.equal(activation("softplus").params.beta, 1);
  assert.equal(activation("squareplus").params.b, 4);
  assert.equal(activation("leaky_relu", { alpha: 0.2 }).label, "leaky_relu(alpha=0.2)");
});

test("an unknown name suggests the closest one and lists the choices", () => {
  assert.throws(() => activation("rleu"), /unknown activation "rleu" — did you mean "relu"\?.*valid choices: linear, sigmoid/);
  assert.throws(() => activation("gleu"), /did you mean "gelu"/);
  assert.throws(() => activation(42 as never), /expected an activation name/);
});

test("bad parameters name the problem and the valid range or names", () => {
  assert.throws(() => activation("swish", { beta: -1 }), /swish: beta=-1 is out of range; it must be ≥ 0/);
  assert.throws(() => activation("softplus", { beta: 0 }), /softplus: beta=0 is out of range; it must be > 0/);
  assert.throws(() => activation("elu", { alpah: 1 }), /elu has no parameter "alpah"; valid parameters: alpha/);
  assert.throws(() => activation("relu", { alpha: 1 }), /relu has no parameter "alpha"; valid parameters: none/);
  assert.throws(() => activation("elu", { alpha: Number.NaN }), /alpha must be a finite number/);
});

test("bad ranges: NaN, from ≥ to, points < 2 or > 10,000,000, unknown options", () => {
  assert.throws(() => checkRange({ from: Number.NaN }), /from must be a finite number, got NaN/);
  assert.throws(() => checkRange({ from: 2, to: 2 }), /from \(2\) must be less than to \(2\)/);
  assert.throws(() => checkRange({ points: 1 }), /points must be an integer from 2 to 10,000,000, got 1/);
  assert.throws(() => checkRange({ points: 10_000_001 }), /got 10000001/);
  assert.throws(() => checkRange({ points: 2.5 }), /points must be an integer/);
  assert.throws(() => checkRange({ form: 1 } as never), /unknown curve option "form"; valid options: from, to, points/);
});

test("error paths leak no tensors", async () => {
  const before = tf.memory().numTensors;
  await assert.rejects(curves(["relu", "nope"]), /unknown activation "nope"/);
  await assert.rejects(curves(["relu"], { points: 0 }), /points must be/);
  assert.throws(() => defineActivation({ name: "bad_shape", fn: (x) => tf.sum(x) }), /must be element-wise/);
  assert.throws(() => defineActivation({ name: "not_tensor", fn: (() => 3) as never }), /must return a tf.Tensor/);
  assert.equal(tf.memory().numTensors, before);
});

test("defineActivation: validated, replaceable, and goes through curves with autodiff", async () => {
  assert.throws(() => defineActivation({ name: "relu", fn: (x) => x }), /"relu" is a built-in/);
  assert.throws(() => defineActivation({ name: "has space", fn: (x) => x }), /name must be an identifier/);
  defineActivation({ name: "cube", fn: (x) => tf.mul(x, 0) });
  defineActivation({ name: "cube", fn: (x, p) => tf.mul(tf.pow(x, 3), p.k), params: { k: 2 } });
  try {
    assert.ok(listActivations().includes("cube"));
    const before = tf.memory().numTensors;
    const set = await curves([{ name: "cube", params: { k: 0.5 } }], { from: -2, to: 2, points: 5 });
    assert.equal(tf.memory().numTensors, before);
    const s = set.series[0];
    assert.equal(s.label, "cube(k=0.5)");
    assert.deepEqual([...s.y], [-4, -0.5, 0, 0.5, 4]);
    // derivative by autodiff: 3k x² = 1.5 x²
    assert.deepEqual([...s.dy], [6, 1.5, 0, 1.5, 6]);
  } finally {
    removeActivation("cube");
  }
});
