/**
 * withActivation: built-in, parameterized and user-defined activations replace the hidden ones,
 * the output layer and the input model stay as they were, swapped layers are re-drawn at the
 * recommended init's scale, and the copy serializes and loads back computing the same function.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { activation, defineActivation, removeActivation } from "../activations";
import { withActivation } from "./swap";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

function mlp(): tf.LayersModel {
  const m = tf.sequential({
    name: "mlp",
    layers: [
      tf.layers.dense({ inputShape: [64], units: 256, activation: "relu", name: "h1" }),
      tf.layers.dense({ units: 128, name: "h2" }),
      tf.layers.reLU({ name: "h2_act" }),
      tf.layers.dense({ units: 10, activation: "softmax", name: "out" }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.003), loss: "categoricalCrossentropy" });
  return m;
}

const snapshot = (m: tf.LayersModel) => ({ json: JSON.stringify(m.toJSON(null, false)), weights: m.getWeights().map((w) => Array.from(w.dataSync())) });

function std(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

test("built-in: hidden activations replaced, output layer and input model untouched", async () => {
  const model = mlp();
  const before = snapshot(model);
  const copy = await withActivation(model, "tanh");
  assert.deepEqual(snapshot(model), before, "the input model is unchanged");
  const act = (name: string) => (copy.getLayer(name) as unknown as { activation: { getClassName(): string } }).activation.getClassName();
  assert.equal(act("h1"), "tanh");
  assert.equal(act("h2_act"), "tanh");
  assert.equal(copy.getLayer("h2_act").getClassName(), "Activation");
  assert.equal(act("out"), "softmax");
  assert.deepEqual(copy.getLayer("out").getWeights().map((w) => Array.from(w.dataSync())), model.getLayer("out").getWeights().map((w) => Array.from(w.dataSync())), "output weights copied");
  assert.deepEqual(copy.layers.map((l) => l.name), model.layers.map((l) => l.name));
  assert.equal((copy as unknown as { loss: string }).loss, "categoricalCrossentropy", "compiled with the same loss");
  assert.equal(copy.optimizer.getConfig().learningRate, 0.003);
  // tanh asks for Glorot: std √(2 / (fanIn + fanOut)); relu → He √(2 / fanIn); selu → LeCun √(1 / fanIn).
  const kernelStd = (m: tf.LayersModel, name: string) => std(m.getLayer(name).getWeights()[0].dataSync() as Float32Array);
  assert.ok(Math.abs(kernelStd(copy, "h1") / Math.sqrt(2 / (64 + 256)) - 1) < 0.05, `glorot std ${kernelStd(copy, "h1")}`);
  const relu = await withActivation(copy, "relu", { seed: 3 });
  assert.ok(Math.abs(kernelStd(relu, "h1") / Math.sqrt(2 / 64) - 1) < 0.05, `he std ${kernelStd(relu, "h1")}`);
  const selu = await withActivation(copy, "selu");
  assert.ok(Math.abs(kernelStd(selu, "h2") / Math.sqrt(1 / 256) - 1) < 0.05, `lecun std ${kernelStd(selu, "h2")}`);
  assert.ok(copy.getLayer("h1").getWeights()[1].dataSync().every((b) => b === 0), "biases start at 0");
  [model, copy, relu, selu].forEach((m) => m.dispose());
});

test("tfjs's own activations stand in only where they compute the registry's function", async () => {
  const model = mlp();
  const z = tf.linspace(-8, 8, 801).reshape([801, 1]);
  for (const name of ["relu", "relu6", "sigmoid", "tanh", "selu", "elu", "softplus", "softsign", "silu", "swish", "mish", "gelu", "gelu_tanh", "hard_sigmoid"]) {
    const copy = await withActivation(model, name, { layers: ["h1"] });
    const tfAct = (copy.getLayer("h1") as unknown as { activation: { apply(x: tf.Tensor): tf.Tensor } }).activation;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tfAct.apply(z), activation(name).apply(z)))).dataSync()[0]);
    assert.ok(diff < 1e-5, `${name}: max |tfjs − registry| = ${diff}`);
    copy.dispose();
  }
  z.dispose();
  model.dispose();
});

test("parameterized and user-defined activations serialize and load back computing the same outputs", async () => {
  const model = mlp();
  const bent = defineActivation({ name: "bent_test", fn: (x) => tf.add(x, tf.mul(0.5, tf.sin(x))) });
  const x = tf.randomNormal([5, 64], 0, 1, "float32", 4);
  for (const act of [{ name: "leaky_relu", params: { alpha: 0.1 } }, bent]) {
    const copy = await withActivation(model, act, { layers: ["h2"] });
    const h2 = copy.getLayer("h2_act") as unknown as { activation: { getClassName(): string } };
    assert.match(h2.activation.getClassName(), /^al:/);
    assert.equal((copy.getLayer("h1") as unknown as { activation: { getClassName(): string } }).activation.getClassName(), "relu", "layers not named stay as they were");
    const loaded = await tf.models.modelFromJSON({ modelTopology: copy.toJSON(null, false) as never });
    loaded.setWeights(copy.getWeights());
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(copy.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0]);
    assert.equal(diff, 0, `${JSON.stringify(act.name)} round-trips through JSON`);
    // The swapped layer computes the activation on its input.
    const z = tf.randomNormal([3, 128], 0, 2, "float32", 5);
    const layerOut = tf.tidy(() => tf.max(tf.abs(tf.sub(copy.getLayer("h2_act").apply(z) as tf.Tensor, activation(act).apply(z)))).dataSync()[0]);
    assert.ok(layerOut < 1e-6);
    z.dispose();
    [copy, loaded].forEach((m) => m.dispose());
  }
  removeActivation("bent_test");
  x.dispose();
  model.dispose();
});

test("bad requests name the valid choices", async () => {
  const model = mlp();
  await assert.rejects(withActivation(model, "relu", { layers: ["out"] }), /layer "out" has no hidden activation to replace; valid layers: h1, h2/);
  await assert.rejects(withActivation(model, "reluu"), /unknown activation "reluu" — did you mean "relu"\?.*valid choices: linear, sigmoid/);
  const linearOnly = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, name: "plain" }), tf.layers.dense({ units: 2, activation: "softmax", name: "probs" })] });
  await assert.rejects(withActivation(linearOnly, "relu"), /no hidden layer with an activation to replace; its weighted layers: plain \(Dense, no activation\), probs \(Dense, softmax, output layer\)/);
  await assert.rejects(withActivation({} as never, "relu"), /model must be a tf\.LayersModel/);
  [model, linearOnly].forEach((m) => m.dispose());
});

test("a recurrent layer's cell activation is swapped, its gates keep theirs; the copy computes a tfjs LSTM with that activation", async () => {
  const model = tf.sequential({
    layers: [tf.layers.lstm({ inputShape: [5, 3], units: 4, name: "lstm" }), tf.layers.dense({ units: 2, activation: "softmax", name: "out" })],
  });
  const before = snapshot(model);
  const gelu = await withActivation(model, "gelu");
  const lstm = gelu.getLayer("lstm").getConfig();
  assert.equal(lstm.activation, "gelu");
  assert.equal(lstm.recurrentActivation, model.getLayer("lstm").getConfig().recurrentActivation, "the gates keep their activation");
  assert.deepEqual(gelu.getLayer("out").getWeights().map((w) => Array.from(w.dataSync())), model.getLayer("out").getWeights().map((w) => Array.from(w.dataSync())), "the output layer is copied");
  assert.deepEqual(snapshot(model), before, "the input model is unchanged");
  // The same weights in a plain tfjs LSTM built with activation "gelu" give the same outputs.
  const reference = tf.sequential({
    layers: [tf.layers.lstm({ inputShape: [5, 3], units: 4, activation: "gelu" as never }), tf.layers.dense({ units: 2, activation: "softmax" })],
  });
  reference.setWeights(gelu.getWeights());
  const x = tf.randomNormal([6, 5, 3], 0, 1, "float32", 3);
  const [a, b] = [gelu.predict(x) as tf.Tensor, reference.predict(x) as tf.Tensor];
  assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-6);
  // A user-defined activation works there too, and the layer can be named.
  defineActivation({ name: "cell_bent", fn: (t) => tf.add(tf.tanh(t), tf.mul(t, 0.1)) });
  try {
    const bent = await withActivation(model, "cell_bent", { layers: ["lstm"] });
    assert.match(String(bent.getLayer("lstm").getConfig().activation), /cell-bent/);
    const loaded = await tf.models.modelFromJSON({ modelTopology: bent.toJSON(null, false) as never });
    loaded.setWeights(bent.getWeights());
    const [c, d] = [bent.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    assert.ok(tf.max(tf.abs(tf.sub(c, d))).dataSync()[0] < 1e-6, "serializes and loads back computing the same function");
    [bent, loaded, c, d].forEach((t) => t.dispose());
  } finally {
    removeActivation("cell_bent");
  }
  [model, gelu, reference, x, a, b].forEach((t) => t.dispose());
});
