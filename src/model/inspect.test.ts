/**
 * inspect on user models: its gradients are tfjs's own gradients of the same loss (through
 * model.apply, not our layer-by-layer run), dead/stuck follow their definitions on layers
 * forced into known states, the model is left as it was, and nothing leaks.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { DISPLAY } from "../live";
import { datasets } from "../datasets";
import { histogramSource } from "../histograms/source";
import { inspect } from "./inspect";
import { withActivation } from "./swap";
import { gradStats } from "../experiments/stats";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

function convNet(): tf.LayersModel {
  const m = tf.sequential({
    name: "convnet",
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 6, kernelSize: 3, activation: "relu", name: "conv" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 16, name: "hidden" }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.activation({ activation: "tanh", name: "act" }),
      tf.layers.dense({ units: 10, activation: "softmax", name: "out" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  return m;
}

function functionalNet(): tf.LayersModel {
  const input = tf.input({ shape: [64] });
  const a = tf.layers.dense({ units: 12, activation: "elu", name: "a" }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 12, activation: "selu", name: "b" }).apply(input) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const norm = tf.layers.layerNormalization({ name: "ln" }).apply(joined) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, activation: "softmax", name: "out" }).apply(norm) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out, name: "branches" });
  m.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
  return m;
}

/** Per-layer gradients the way model.fit computes them: tf.variableGrads through model.apply. */
function referenceGradients(model: tf.LayersModel, x: tf.Tensor, oneHot: tf.Tensor): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(oneHot, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
    for (const layer of model.layers) {
      if (layer.trainableWeights.length === 0) continue;
      const flat = tf.concat(layer.trainableWeights.map((w) => tf.reshape(grads[(w.read() as tf.Variable).name], [-1])));
      out.set(layer.name, flat.dataSync() as Float32Array);
    }
  });
  return out;
}

function near(a: number, b: number, rel: number, what: string): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12), `${what}: ${a} vs ${b}`);
}

test("gradients equal tf.variableGrads of the compiled loss through model.apply (Conv2D + BatchNorm, functional + LayerNorm)", async () => {
  const d = datasets.digits({ normalize: true, shape: "image" });
  const flat = datasets.digits({ normalize: true });
  const n = 200;
  for (const [model, data, x] of [
    [convNet(), { x: d.x.subarray(0, n * 64), y: d.y.subarray(0, n), shape: [n, 8, 8, 1] }, tf.tensor4d(d.x.subarray(0, n * 64), [n, 8, 8, 1])],
    [functionalNet(), { x: flat.x.subarray(0, n * 64), y: d.y.subarray(0, n), shape: [n, 64] }, tf.tensor2d(flat.x.subarray(0, n * 64), [n, 64])],
  ] as const) {
    const oneHot = tf.oneHot(tf.tensor1d(d.y.subarray(0, n), "int32"), 10);
    const movingBefore = model.getWeights().map((w) => w.dataSync().slice());
    const report = await inspect(model, data as unknown as { x: Float32Array; y: Float32Array; shape: number[] }, { bins: 20 });
    model.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), movingBefore[i], "inspect leaves every weight (and BN's moving statistics) as it was"));
    const reference = referenceGradients(model, x, oneHot);
    assert.deepEqual(report.layers.map((l) => l.name), [...reference.keys()], "one record per weighted layer, named as in the model");
    for (const l of report.layers) {
      const r = gradStats(reference.get(l.name) as Float32Array, 20);
      for (const key of ["norm", "mean", "min", "max", "std"] as const) near(l.grad[key], r[key], 1e-4, `${model.name} ${l.name} ${key}`);
    }
    assert.equal(report.verdict, "healthy");
    near(report.ratio, report.layers[0].grad.norm / report.layers[report.layers.length - 1].grad.norm, 1e-12, "ratio");
    tf.dispose([x, oneHot]);
    model.dispose();
  }
});

test("layers report their activation, output role, and the histogram widget reads the inspection", async () => {
  const model = convNet();
  const d = datasets.digits({ normalize: true, shape: "image" });
  const report = await inspect(model, d, { batch: 300 });
  assert.deepEqual(report.layers.map((l) => [l.name, l.activation, l.output]), [
    ["conv", "relu", false],
    ["hidden", "tanh", false],
    ["bn", null, false],
    ["out", "softmax", true],
  ]);
  assert.equal(report.layer("out").dead, null);
  assert.equal(report.options.batch, 300);
  const source = histogramSource(report);
  assert.equal(source.kind, "flow");
  assert.equal(source.layerCount, 4);
  assert.deepEqual(source.layerNames, ["conv", "hidden", "bn", "out"], "the widget names layers as the model does");
  assert.deepEqual(source.lookup(source.activations[0], 0, 2), report.layer("hidden").grad);
  const [chart, table] = await report[DISPLAY]();
  assert.ok(chart["application/vnd.vegalite.v5+json"], "the gradient-norm chart");
  assert.match(String(table["text/plain"]), /hidden\s+Dense\s+tanh/);
  assert.match(String(table["text/html"]), /<table>/);
  model.dispose();
});

test("dead and stuck: a bias of −50 kills every ReLU unit (dead = stuck = 1); leaky ReLU's 1 % slope is not stuck; +50 parks sigmoid (stuck 1, dead 0)", async () => {
  const x = tf.randomNormal([64, 5], 0, 1, "float32", 1);
  const y = Array.from({ length: 64 }, (_, i) => i % 3);
  const build = (activation: "relu" | "sigmoid", bias: number) => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 8, activation, name: "h" }), tf.layers.dense({ units: 3, activation: "softmax", name: "o" })] });
    m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
    const [w] = m.getLayer("h").getWeights();
    m.getLayer("h").setWeights([w, tf.fill([8], bias)]);
    return m;
  };
  const relu = build("relu", -50);
  const r = await inspect(relu, { x, y });
  assert.equal(r.layer("h").dead, 1);
  assert.equal(r.layer("h").stuck, 1);
  const leaky = await withActivation(relu, { name: "leaky_relu", params: { alpha: 0.01 } });
  leaky.getLayer("h").setWeights([leaky.getLayer("h").getWeights()[0], tf.fill([8], -50)]);
  const l = await inspect(leaky, { x, y });
  assert.equal(l.layer("h").dead, 0);
  assert.equal(l.layer("h").stuck, 0, "f′ = α = 1 % of max f′ is at the threshold, not below it");
  const sig = await inspect(build("sigmoid", 50), { x, y });
  assert.equal(sig.layer("h").dead, 0);
  assert.equal(sig.layer("h").stuck, 1);
  const healthy = await inspect(build("relu", 0), { x, y });
  assert.ok((healthy.layer("h").dead as number) < 0.5);
  tf.dispose([x]);
  [relu, leaky].forEach((m) => m.dispose());
});

test("LSTM, GRU, Conv1D and Dropout models inspect without leaking tensors", async () => {
  const x = tf.randomNormal([16, 6, 3], 0, 1, "float32", 2);
  const y = Array.from({ length: 16 }, (_, i) => i % 2);
  const m = tf.sequential({
    layers: [
      tf.layers.conv1d({ inputShape: [6, 3], filters: 4, kernelSize: 2, activation: "relu", name: "c1" }),
      tf.layers.lstm({ units: 5, returnSequences: true, name: "lstm" }),
      tf.layers.gru({ units: 4, name: "gru" }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 1, activation: "sigmoid", name: "o" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
  const before = tf.memory().numTensors;
  const r = await inspect(m, { x, y });
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  assert.deepEqual(r.layers.map((l) => l.name), ["c1", "lstm", "gru", "o"]);
  assert.ok(r.layers.every((l) => l.grad.norm > 0 && Number.isFinite(l.grad.norm)));
  assert.equal(r.layer("lstm").parameters, 4 * (5 * (4 + 5) + 5));
  tf.dispose(x);
  m.dispose();
});

test("data as typed arrays with a shape, nested arrays or tensors: the same inspection", async () => {
  const model = functionalNet();
  const d = datasets.digits({ normalize: true });
  const n = 40;
  const x = d.x.slice(0, n * 64);
  const y = d.y.slice(0, n);
  const nested = { x: Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 64, (i + 1) * 64))), y: Array.from(y) };
  const tensors = { x: tf.tensor2d(x, [n, 64]), y: tf.tensor1d(y) };
  const oneHot = { x: nested.x, y: Array.from(y, (c) => Array.from({ length: 10 }, (_, k) => (k === c ? 1 : 0))) };
  const reports = [];
  for (const data of [{ x, y, shape: [n, 64] }, nested, tensors, oneHot]) reports.push(await inspect(model, data, { training: false }));
  for (const r of reports.slice(1)) {
    assert.equal(r.loss, reports[0].loss);
    assert.deepEqual(r.layers.map((l) => l.grad.norm), reports[0].layers.map((l) => l.grad.norm));
  }
  tf.dispose([tensors.x, tensors.y]);
  model.dispose();
});
