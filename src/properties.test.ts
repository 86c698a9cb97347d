import assert from "node:assert/strict";
import { before, test } from "node:test";
import { REFERENCE } from "../test/support/reference";
import { defineActivation, removeActivation } from "./activations";
import { ready } from "./backend";
import { curves } from "./curves";
import { DISPLAY } from "./live";
import { formatRange, properties } from "./properties";
import { tf } from "./tf";

before(async () => {
  await ready();
});

test("sigmoid: range (0, 1), derivative max 0.25, saturates both sides, Glorot", () => {
  const r = properties(["sigmoid"]).row("sigmoid");
  assert.deepEqual(r.range, [0, 1]);
  assert.deepEqual(r.rangeClosed, [false, false]);
  assert.equal(formatRange(r), "(0, 1)");
  assert.ok(Math.abs(r.derivativeMax - 0.25) < 1e-6, `max f' ${r.derivativeMax}`);
  assert.equal(r.saturates, "both");
  assert.equal(r.zeroCentered, false);
  assert.equal(r.recommendedInit, "glorot");
});

test("relu saturates left only, is not smooth, f'(0) = 0, He init; tanh is zero-centred", () => {
  const t = properties(["relu", "tanh", "leaky_relu"]);
  assert.equal(t.row("relu").saturates, "left");
  assert.equal(t.row("relu").smooth, false);
  assert.equal(t.row("relu").derivativeAtZero, 0);
  assert.equal(t.row("relu").recommendedInit, "he");
  assert.equal(formatRange(t.row("relu")), "[0, ∞)");
  assert.equal(t.row("tanh").zeroCentered, true);
  assert.equal(t.row("tanh").smooth, true);
  assert.equal(t.row("leaky_relu").saturates, "none");
});

test("non-monotonic minima: gelu, swish/silu, mish at the published points", () => {
  const t = properties(["gelu", "swish", "silu", "mish", "relu"]);
  const near = (v: number, expected: number, tol: number, what: string) =>
    assert.ok(Math.abs(v - expected) < tol, `${what}: ${v}, expected ≈ ${expected}`);
  for (const [name, x, y] of [["gelu", -0.752, -0.17], ["swish", -1.278, -0.2785], ["silu", -1.278, -0.2785], ["mish", -1.192, -0.3088]] as const) {
    const r = t.row(name);
    assert.equal(r.monotonic, false, `${name} should be non-monotonic`);
    assert.ok(r.minimum, `${name} has an interior minimum`);
    near(r.minimum!.x, x, 2e-3, `${name} argmin`);
    near(r.minimum!.value, y, 5e-4, `${name} min`);
  }
  assert.equal(t.row("relu").monotonic, true);
  assert.equal(t.row("relu").minimum, null);
});

test("selu is the one self-normalizing activation and asks for LeCun init", () => {
  const t = properties();
  const selfNormalizing = t.filter((r) => r.selfNormalizing).map((r) => r.name);
  assert.deepEqual(selfNormalizing, ["selu"]);
  assert.equal(t.row("selu").recommendedInit, "lecun");
  assert.ok(Math.abs(t.row("selu").meanUnderNormal) < 1e-3);
  assert.ok(Math.abs(t.row("selu").secondMomentUnderNormal - 1) < 1e-3);
});

test("moments under N(0,1) match closed forms: E[relu] = 1/√(2π), E[relu²] = 1/2, E[gelu] = 1/(2√π)", () => {
  const t = properties(["relu", "gelu"]);
  assert.ok(Math.abs(t.row("relu").meanUnderNormal - 1 / Math.sqrt(2 * Math.PI)) < 1e-5);
  assert.ok(Math.abs(t.row("relu").secondMomentUnderNormal - 0.5) < 1e-5);
  assert.ok(Math.abs(t.row("gelu").meanUnderNormal - 1 / (2 * Math.sqrt(Math.PI))) < 1e-5);
});

test("ranges of bounded functions are measured: relu6 [0, 6], hard_tanh [−1, 1], elu (−α, ∞), selu (−λα, ∞)", () => {
  const t = properties(["relu6", "hard_tanh", { name: "elu", params: { alpha: 2 } }, "selu"]);
  assert.deepEqual(t.row("relu6").range, [0, 6]);
  assert.deepEqual(t.row("relu6").rangeClosed, [true, true]);
  assert.deepEqual(t.row("hard_tanh").range, [-1, 1]);
  assert.deepEqual(t.row("elu(alpha=2)").range, [-2, Infinity]);
  assert.ok(Math.abs(t.row("selu").range[0] + 1.6732632423543772 * 1.0507009873554805) < 1e-5);
});

test("gelu_tanh stays within 4.8e-4 of gelu on [−10, 10]", async () => {
  const set = await curves(["gelu", "gelu_tanh"], { from: -10, to: 10, points: 20001 });
  let worst = 0;
  const exact = set.get("gelu").y;
  const approx = set.get("gelu_tanh").y;
  for (let i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(exact[i] - approx[i]));
  assert.ok(worst < 4.8e-4, `max difference ${worst}`);
  assert.ok(worst > 1e-4, `the approximation differs measurably (${worst}), so this test can fail`);
  // Cross-check the float32 computation with the float64 reference at its worst point.
  const i = exact.findIndex((v, k) => Math.abs(v - approx[k]) === worst);
  const x = set.x[i];
  assert.ok(Math.abs(Math.abs(REFERENCE.gelu(x, {}) - REFERENCE.gelu_tanh(x, {})) - worst) < 2e-5);
});

test("a user-defined activation is measured like a built-in", () => {
  defineActivation({ name: "shifted_relu", fn: (x) => tf.relu(tf.sub(x, 1)) });
  try {
    const r = properties(["shifted_relu"]).row("shifted_relu");
    assert.equal(r.saturates, "left");
    assert.equal(r.derivativeAtZero, 0);
    assert.equal(r.monotonic, true);
    assert.equal(r.smooth, false);
    assert.equal(r.recommendedInit, "he");
  } finally {
    removeActivation("shifted_relu");
  }
});

test("the table displays as HTML and text only (no JSON tree in JupyterLab), and leaks no tensors", () => {
  const before = tf.memory().numTensors;
  const t = properties(["sigmoid", "gelu"]);
  assert.equal(tf.memory().numTensors, before);
  const bundle = t[DISPLAY]() as Record<string, string>;
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.match(bundle["text/html"], /<table>.*sigmoid.*\(0, 1\)/s);
  assert.match(bundle["text/html"], /gelu: minimum −?-?0\.17/);
  assert.match(bundle["text/plain"], /sigmoid\s+\(0, 1\)/);
  assert.ok(Array.isArray(t) && t.length === 2);
});
