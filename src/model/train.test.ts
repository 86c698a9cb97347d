/**
 * train({ model, data }): a user's model learns the digits with the built-in records (train
 * and validation curves, dead/stuck per hidden layer, gradient histograms per weighted layer),
 * per-seed results with their summary, determinism per seed, interrupts, and no leaks.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { DISPLAY } from "../live";
import { interruptAtStep } from "../../test/support/live-host";
import { datasets } from "../datasets";
import { summarize } from "../evidence/summary";
import { histogramSource } from "../histograms/source";
import { train } from "../experiments/train";
import type { ModelTrainingRun } from "./train";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

function mlp(): tf.LayersModel {
  const m = tf.sequential({
    name: "mlp",
    layers: [
      tf.layers.dense({ inputShape: [64], units: 32, activation: "relu", name: "h1" }),
      tf.layers.dense({ units: 16, activation: "tanh", name: "h2" }),
      tf.layers.dense({ units: 10, activation: "softmax", name: "out" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  return m;
}

const digits = datasets.digits({ normalize: true });

test("learns the digits over two seeds with the built-in records; the user's model is not changed", async () => {
  const model = mlp();
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  const before = tf.memory().numTensors;
  const run = (await train({ model, data: digits, epochs: 6, seeds: 2, recordEvery: 3 })) as ModelTrainingRun;
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), weights, "trained copies, not the model");
  const r = run.runs[0];
  assert.deepEqual(r.seeds, [0, 1]);
  for (const p of r.perSeed) {
    assert.ok((p.final.valAccuracy as number) > 0.85, `seed ${p.seed} validation accuracy ${p.final.valAccuracy}`);
    assert.equal(p.history.length, 6);
  }
  const vals = r.perSeed.map((p) => p.final.valAccuracy as number);
  assert.deepEqual(r.summary.valAccuracy, summarize(vals));
  assert.deepEqual(r.steps.map((s) => s.epoch), [0, 3, 6]);
  for (const s of r.steps) {
    assert.equal(s.dead.length, 2, "two hidden layers");
    assert.equal(s.stuck.length, 2);
    assert.ok(s.stuck[0] >= s.dead[0], "relu: stuck ⊇ dead");
    assert.equal(s.dead[1], 0, "tanh is never exactly 0 on every example");
    assert.deepEqual(s.layers.map((l) => l.name), ["h1", "h2", "out"]);
    assert.ok(s.valLoss !== null && s.valAccuracy !== null);
  }
  assert.ok(r.history[5].loss < r.steps[0].loss / 3, "training loss fell");
  const source = histogramSource(run);
  assert.equal(source.kind, "run");
  assert.deepEqual(source.steps, r.steps.map((s) => s.step));
  assert.equal(source.layerCount, 3);
  const [chart, table] = await run[DISPLAY]();
  assert.ok(chart["application/vnd.vegalite.v5+json"]);
  assert.match(String(table["text/plain"]), /mean ± 95 % half-width over 2 seeds/);
  model.dispose();
});

test("the same seed gives the same run; another seed another", async () => {
  const model = mlp();
  const a = (await train({ model, data: digits, epochs: 2, seeds: [5] })) as ModelTrainingRun;
  const b = (await train({ model, data: digits, epochs: 2, seeds: [5] })) as ModelTrainingRun;
  const c = (await train({ model, data: digits, epochs: 2, seeds: [6] })) as ModelTrainingRun;
  assert.deepEqual(a.runs[0].history, b.runs[0].history);
  assert.notDeepEqual(a.runs[0].history, c.runs[0].history);
  model.dispose();
});

test("an interrupt stops within a second and keeps a consistent partial run", async () => {
  const model = mlp();
  try {
    const before = tf.memory().numTensors;
    const { result: run, askedAt } = await interruptAtStep(2, async () => (await train({ model, data: digits, epochs: 50, seeds: 2 })) as ModelTrainingRun);
    assert.ok(Date.now() - askedAt < 1000, `stopped ${Date.now() - askedAt} ms after the request`);
    assert.equal(run.interrupted, true);
    const r = run.runs[0];
    assert.deepEqual(r.seeds, [0], "the second seed never started");
    assert.ok(r.history.length >= 2 && r.history.length < 50);
    const last = r.steps[r.steps.length - 1];
    assert.ok(last.epoch >= r.history.length && last.epoch < r.history.length + 1, "the partial epoch is recorded, not counted as finished");
    assert.equal(tf.memory().numTensors, before);
    assert.match(run.toString(), /interrupted/);
  } finally {
    model.dispose();
  }
});

test("a Conv2D model trains on wasm (the registered filter gradient); a regression model reports losses only", async () => {
  const images = datasets.digits({ normalize: true, shape: "image" });
  const n = 400;
  const conv = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: "relu", name: "conv" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax", name: "out" }),
    ],
  });
  conv.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const before = tf.memory().numTensors;
  const run = (await train({ model: conv, data: { x: images.x.subarray(0, n * 64), y: images.y.subarray(0, n), shape: [n, 8, 8, 1] }, epochs: 4 })) as ModelTrainingRun;
  assert.equal(tf.memory().numTensors, before);
  const r = run.runs[0];
  assert.ok(r.history[3].loss < r.steps[0].loss / 2, `conv loss ${r.steps[0].loss} → ${r.history[3].loss}`);
  assert.deepEqual(r.steps[0].layers.map((l) => l.name), ["conv", "out"]);
  assert.equal(r.steps[0].dead.length, 1);

  const x = Array.from({ length: 200 }, (_, i) => [i / 100 - 1]);
  const y = x.map(([v]) => [Math.sin(3 * v)]);
  const reg = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 16, activation: "tanh" }), tf.layers.dense({ units: 1 })] });
  reg.compile({ optimizer: "adam", loss: "meanSquaredError" });
  const fit = (await train({ model: reg, data: { x, y }, epochs: 30, lr: 0.02, seeds: [0, 1] })) as ModelTrainingRun;
  for (const p of fit.runs[0].perSeed) {
    assert.equal(p.final.accuracy, null);
    assert.equal(p.final.valAccuracy, null);
  }
  const start = fit.runs[0].steps[0].valLoss as number;
  const end = fit.runs[0].final.valLoss as number;
  assert.ok(end < start / 3, `regression validation MSE ${start} → ${end}`);
  [conv, reg].forEach((m) => m.dispose());
});
