/**
 * The smaller experiments against closed forms and the claims they illustrate:
 * output/loss pairing (C21), recurrent state growth (C7), normalization spread (C18),
 * data drift (C28).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { DISPLAY } from "../live";
import { interruptAfter } from "../../test/support/live-host";
import { outputLossPairing } from "./pairing";
import { recurrentCell } from "./recurrent";
import { normComparison } from "./norm-comparison";
import { dataDrift } from "./drift";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

test("pairing: gradients at the true logit match the closed forms; matched pairs recover, MSE pairs stall", async () => {
  const K = 4;
  const result = await outputLossPairing({ from: -10, to: 10, points: 81, classes: K, maxSteps: 500 });
  const closed: Record<string, (z: number) => number> = {
    "sigmoid + cross_entropy": (z) => sigmoid(z) - 1,
    "sigmoid + mse": (z) => 2 * (sigmoid(z) - 1) * sigmoid(z) * (1 - sigmoid(z)),
    "softmax + cross_entropy": (z) => Math.exp(z) / (Math.exp(z) + K - 1) - 1,
    "softmax + mse": (z) => {
      const s = Math.exp(z) + K - 1;
      const p = Math.exp(z) / s;
      const q = 1 / s;
      return (2 * (p - 1) * p * (1 - p) - 2 * (K - 1) * q * q * p) / K;
    },
  };
  for (const s of result.series) {
    s.gradient.forEach((g, i) => {
      const want = closed[s.pairing](result.x[i]);
      assert.ok(Math.abs(g - want) <= 1e-5 + 1e-3 * Math.abs(want), `${s.pairing} at z=${result.x[i]}: ${g} vs ${want}`);
    });
  }
  const bce = result.pairing("sigmoid + cross_entropy");
  const mse = result.pairing("sigmoid + mse");
  assert.ok(Math.abs(bce.atWrong) / Math.abs(mse.atWrong) > 1000, "confidently wrong: BCE passes back > 1000× what MSE does");
  assert.ok(bce.stepsToCorrect !== null && bce.stepsToCorrect <= 12, `BCE steps ${bce.stepsToCorrect}`);
  assert.equal(mse.stepsToCorrect, null, "MSE does not recover within 500 steps");
  assert.ok((result.pairing("softmax + cross_entropy").stepsToCorrect ?? Infinity) <= 12);
  await assert.rejects(outputLossPairing({ from: 3, to: 1 }), /to must be greater than from/);
});

test("recurrent: tanh stays bounded, relu's state explodes at gain 2 and not at 0.5; gates lie in (0, 1)", async () => {
  const cell = await recurrentCell({ activations: ["tanh", "relu"], steps: 60, hidden: 32, gain: 2 });
  for (const gated of [false, true]) {
    const tanh = cell.run("tanh", gated);
    assert.ok(tanh.maxAbs <= 1, `tanh ${gated ? "gated" : "plain"} max |h| ${tanh.maxAbs}`);
    assert.ok(Math.max(...tanh.norms) <= Math.sqrt(32) + 1e-6, "‖h‖ ≤ √hidden when every |h| ≤ 1");
  }
  const relu = cell.run("relu");
  // About (gain/√2)^59 ≈ 10⁹ expected; finite width scatters it by orders of magnitude.
  assert.ok(relu.growth > 1000, `relu growth ${relu.growth}`);
  assert.equal(relu.verdict, "exploding");
  assert.equal(cell.run("tanh").verdict, "stable");
  const gates = cell.run("relu", true).gateMean ?? [];
  assert.equal(gates.length, 60);
  assert.ok(gates.every((g) => g > 0 && g < 1));
  const calm = await recurrentCell({ activations: ["relu"], steps: 60, hidden: 32, gain: 0.5 });
  assert.ok(calm.run("relu").growth < 10, `relu at gain 0.5: growth ${calm.run("relu").growth}`);
});

test("recurrent: an interrupt stops a long sequence within 1 s and frees its tensors", async () => {
  const before = tf.memory().numTensors;
  const { result: cell, askedAt } = await interruptAfter(200, () => recurrentCell({ activations: ["tanh"], steps: 100_000, hidden: 64 }));
  assert.ok(askedAt > 0 && Date.now() - askedAt < 1000, `stopped ${Date.now() - askedAt} ms after the request`);
  assert.equal(cell.interrupted, true);
  assert.equal(cell.runs.length, 0);
  assert.equal(tf.memory().numTensors, before);
});

test("normalization narrows the differences between activations; batch norm rescues deep sigmoid", async () => {
  const before = tf.memory().numTensors;
  const cmp = await normComparison({ activations: ["relu", "elu", "tanh", "sigmoid"], depth: 16, width: 64, batch: 64 });
  const none = cmp.row("none");
  const batch = cmp.row("batch");
  const layer = cmp.row("layer");
  assert.ok(batch.ratioSpread < none.ratioSpread / 5, `batch ${batch.ratioSpread} vs none ${none.ratioSpread} decades`);
  assert.ok(layer.ratioSpread < none.ratioSpread, `layer ${layer.ratioSpread} vs none ${none.ratioSpread} decades`);
  const sigmoidRun = (row: typeof none) => row.runs.find((r) => r.activation === "sigmoid");
  assert.equal(sigmoidRun(none)?.verdict, "vanishing");
  assert.ok((sigmoidRun(batch)?.ratio ?? 0) > 0.1, "batch norm keeps sigmoid's gradient alive");
  // The spread is what the runs say.
  const logs = none.runs.map((r) => Math.log10(r.ratio));
  assert.ok(Math.abs(none.ratioSpread - (Math.max(...logs) - Math.min(...logs))) < 1e-9);
  assert.equal(tf.memory().numTensors, before);
});

test("data drift: shifted inputs kill ReLU units and saturate sigmoid ones", async () => {
  const drift = await dataDrift({ activations: ["relu", "leaky_relu", "sigmoid"], dataset: "moons", epochs: 40, shift: 4 });
  const relu = drift.row("relu");
  const sig = drift.row("sigmoid");
  assert.ok(Math.max(...relu.after.dead) > Math.max(...relu.before.dead) + 0.2, `relu dead ${relu.before.dead} → ${relu.after.dead}`);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(mean(sig.after.saturated) > mean(sig.before.saturated) + 0.05, `sigmoid saturated ${sig.before.saturated} → ${sig.after.saturated}`);
  assert.deepEqual(drift.row("leaky_relu").after.dead, [0, 0, 0], "leaky ReLU never outputs exactly 0");
  for (const r of drift.rows) assert.ok((r.after.accuracy ?? 1) < (r.before.accuracy ?? 0), `${r.activation} accuracy drops`);
  await assert.rejects(dataDrift({ shift: Number.NaN }), /dataDrift: shift must be a finite number/);
  await assert.rejects(dataDrift({ shfit: 2 } as never), /dataDrift: unknown option "shfit"; valid options: .*shift, scale/);
});

test("every experiment displays a vega-lite v5 chart with an SVG, an HTML table and text", async () => {
  const results = [
    await outputLossPairing({ points: 11, maxSteps: 20 }),
    await recurrentCell({ steps: 5, hidden: 4 }),
    await normComparison({ activations: ["relu", "tanh"], depth: 3, width: 8, batch: 8 }),
    await dataDrift({ activations: ["relu"], epochs: 2, n: 20 }),
  ];
  for (const r of results) {
    // Two outputs, chart then table: JupyterLab shows one type per output and ranks HTML over vega-lite.
    const [chart, table, ...more] = await r[DISPLAY]();
    assert.equal(more.length, 0);
    assert.deepEqual(Object.keys(chart).sort(), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"], r.constructor.name);
    assert.match(String((chart["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema), /vega-lite\/v5/);
    assert.match(String(chart["image/svg+xml"]), /^<svg/, r.constructor.name);
    assert.deepEqual(Object.keys(table).sort(), ["text/html", "text/plain"]);
    assert.match(String(table["text/html"]), /<table>/);
    assert.equal(table["text/plain"], r.toString());
  }
});
