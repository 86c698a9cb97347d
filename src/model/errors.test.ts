/**
 * Bad input to inspect / train / advise is refused with an error that names the problem, before
 * any training starts (no progress bar is ever opened) and without leaving tensors behind.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { withProgress } from "../../test/support/live-host";
import { datasets } from "../datasets";
import { train } from "../experiments/train";
import { inspect } from "./inspect";
import { advise } from "./advise";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

const digits = datasets.digits({ normalize: true });

function mlp(inputs = 64): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units: 8, activation: "relu", name: "hidden" }), tf.layers.dense({ units: 10, activation: "softmax", name: "out" })] });
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  return m;
}

/** Each entry point rejects with `pattern`, opens no progress bar (nothing trained), and leaks nothing. */
async function refused(call: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  let bars = 0;
  const before = tf.memory().numTensors;
  await withProgress({ open: () => bars++ }, () => assert.rejects(call(), pattern));
  assert.equal(bars, 0, "refused before training started");
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
}

const entryPoints = (model: tf.LayersModel, data: unknown) => [
  () => inspect(model, data as never),
  () => train({ model, data: data as never, epochs: 1 }),
  () => advise(model, data as never, { epochs: 1 }),
];

test("not a LayersModel", async () => {
  for (const notModel of [{}, "mlp", null, tf.zeros([2])]) {
    await refused(() => inspect(notModel as never, digits), /inspect: model must be a tf\.LayersModel \(from tf\.sequential\(\), tf\.model\(\) or tf\.loadLayersModel\(\)\)/);
    await refused(() => train({ model: notModel as never, data: digits }), /train: model must be a tf\.LayersModel/);
    await refused(() => advise(notModel as never, digits), /advise: model must be a tf\.LayersModel/);
  }
});

test("x features not matching the model's input", async () => {
  const model = mlp(32);
  for (const call of entryPoints(model, digits)) await refused(call, /x has shape \[1797, 64\] but the model's input is \[null, 32\]/);
  model.dispose();
});

test("x images shaped for another model: flat digits into a Conv2D, with the reshape hint", async () => {
  const conv = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: "relu" }), tf.layers.flatten(), tf.layers.dense({ units: 10, activation: "softmax" })] });
  conv.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  for (const call of entryPoints(conv, digits)) await refused(call, /x has shape \[1797, 64\] but the model's input is \[null, 8, 8, 1\].*reshape x to \[1797, 8, 8, 1\].*shape: "image"/);
  conv.dispose();
});

test("y labels out of range", async () => {
  const model = mlp();
  const y = digits.y.slice();
  y[5] = 10;
  for (const call of entryPoints(model, { ...digits, y })) await refused(call, /y\[5\] = 10 is not a class index; labels must be integers 0\.\.9 \(the model has 10 outputs\)/);
  y[5] = 2.5;
  await refused(() => inspect(model, { ...digits, y }), /y\[5\] = 2\.5 is not a class index/);
  model.dispose();
});

test("y with the wrong count", async () => {
  const model = mlp();
  for (const call of entryPoints(model, { ...digits, y: digits.y.subarray(0, 1000) })) await refused(call, /y has 1000 rows but x has 1797; give one target per example/);
  model.dispose();
});

test("NaN or ±Infinity in x or y", async () => {
  const model = mlp();
  const x = digits.x.slice();
  x[64 * 7 + 3] = NaN;
  for (const call of entryPoints(model, { ...digits, x })) await refused(call, /x contains NaN \(row 7\); remove or impute those rows before training/);
  x[64 * 7 + 3] = -Infinity;
  await refused(() => inspect(model, { ...digits, x }), /x contains -Infinity \(row 7\)/);
  const nested = { x: [[0, 1], [2, 3]], y: [[0], [Infinity]] };
  const small = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: "relu" }), tf.layers.dense({ units: 1 })] });
  small.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  await refused(() => inspect(small, nested), /y contains Infinity \(row 1\)/);
  [model, small].forEach((m) => m.dispose());
});

test("an unknown candidate names the valid ones", async () => {
  const model = mlp();
  await refused(() => advise(model, digits, { candidates: ["relu", "swsh"] }), /advise: candidates: unknown activation "swsh" — did you mean "swish"\?; valid choices: linear, sigmoid, tanh, relu/);
  model.dispose();
});

test("a model with no hidden activation to swap says which layers it has", async () => {
  const plain = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 8, name: "affine" }), tf.layers.dense({ units: 10, activation: "softmax", name: "probs" })] });
  plain.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  await refused(() => advise(plain, digits), /advise: the model has no hidden layer with an activation to replace; its weighted layers: affine \(Dense, no activation\), probs \(Dense, softmax, output layer\)/);
  plain.dispose();
});
