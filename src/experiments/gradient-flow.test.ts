/**
 * gradientFlow reproduces the facts of the papers it illustrates (Glorot & Bengio 2010, He et al. 2015, Klambauer et al. 2017), and
 * behaves: options checked, deterministic per seed, interruptible, no tensor leaks.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { defineActivation } from "../activations";
import { DISPLAY, takeInterrupt } from "../live";
import { interruptAfter, interruptAtStep, withProgress } from "../../test/support/live-host";
import { gradientFlow, HEALTHY_RATIO_RANGE, verdictFor } from "./gradient-flow";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

test("SELU + LeCun init self-normalizes through 32 layers of width 512 (Klambauer et al. 2017)", async () => {
  const flow = await gradientFlow({ activations: ["selu"], init: "lecun", depth: 32, width: 512, batch: 256 });
  for (const { layer, forward } of flow.runs[0].layers) {
    assert.ok(Math.abs(forward.mean) < 0.1, `layer ${layer}: mean ${forward.mean}`);
    const variance = forward.std ** 2;
    assert.ok(variance >= 0.8 && variance <= 1.25, `layer ${layer}: variance ${variance}`);
  }
});

/**
 * Each layer's pre-activation second moment, averaged over several weight draws: the papers'
 * claims are expectations over the init, and one width-256 network's second moment wanders
 * ±30–60% over 20 layers (finite-width noise, mostly from ReLU's non-zero mean). The
 * arithmetic mean estimates that expectation without bias; a geometric mean would not.
 */
async function meanSecondMoments(init: "he" | "glorot", draws: number): Promise<number[]> {
  const sums = new Array<number>(20).fill(0);
  for (let seed = 1; seed <= draws; seed++) {
    const flow = await gradientFlow({ activations: ["relu"], depth: 20, width: 256, batch: 16, init, seed, bins: 1 });
    flow.runs[0].layers.forEach((l, i) => (sums[i] += l.forward.inputSecondMoment / draws));
  }
  return sums;
}

test("ReLU: He init keeps the pre-activation second moment, Glorot halves it per layer (He et al. 2015)", async () => {
  const he = await meanSecondMoments("he", 48);
  // Input is standard normal: E[z₁²] = fan_in · (2/fan_in) · E[x²] = 2, and He keeps it there.
  for (const [l, m] of he.entries()) assert.ok(Math.abs(m / 2 - 1) <= 0.15, `He layer ${l + 1}: second moment ${m}, expected 2 ± 15%`);
  const glorot = await meanSecondMoments("glorot", 8);
  // Glorot with fan_in = fan_out: Var(w) = 1/fan_in, so each ReLU layer passes on half.
  for (let l = 1; l < 20; l++) {
    const r = glorot[l] / glorot[l - 1];
    assert.ok(r > 0.4 && r < 0.6, `Glorot layer ${l + 1}/${l}: ratio ${r}, expected ≈ 0.5`);
  }
  const overall = glorot[19] / glorot[0];
  assert.ok(Math.abs(Math.log2(overall) + 19) < 1.5, `19 halvings expected, got 2^${Math.log2(overall).toFixed(2)}`);
});

test("sigmoid's early-layer gradients vanish; ReLU + He stays healthy", async () => {
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 20, init: "auto" });
  const sigmoid = flow.run("sigmoid");
  const relu = flow.run("relu");
  assert.equal(sigmoid.init, "glorot");
  assert.ok(sigmoid.ratio < 1e-3, `sigmoid ratio ${sigmoid.ratio}`);
  assert.equal(sigmoid.verdict, "vanishing");
  assert.equal(relu.init, "he");
  assert.ok(relu.ratio >= 0.1 && relu.ratio <= 10, `relu ratio ${relu.ratio}`);
  assert.equal(relu.verdict, "healthy");
  // The ratio is what the layer stats say it is.
  assert.equal(relu.ratio, relu.layers[0].grad.norm / relu.layers[19].grad.norm);
});

test("verdicts: a 10× change over the stack either way leaves 'healthy'; NaN or Inf gradients explode", () => {
  assert.deepEqual(HEALTHY_RATIO_RANGE, [0.1, 10]);
  assert.equal(verdictFor(0.1, false), "healthy");
  assert.equal(verdictFor(10, false), "healthy");
  assert.equal(verdictFor(0.0999, false), "vanishing");
  assert.equal(verdictFor(10.01, false), "exploding");
  assert.equal(verdictFor(1, true), "exploding");
  assert.equal(verdictFor(Number.NaN, false), "vanishing", "0/0: no gradient reaches either end");
});

test("result shape and statistics agree with each other", async () => {
  const flow = await gradientFlow({ activations: ["relu", { name: "leaky_relu", params: { alpha: 0.2 } }], depth: 3, width: 16, batch: 32, bins: 12, norm: "layer" });
  assert.deepEqual(flow.runs.map((r) => r.activation), ["relu", "leaky_relu(alpha=0.2)"]);
  for (const run of flow.runs) {
    assert.equal(run.norm, "layer");
    assert.deepEqual(run.layers.map((l) => l.layer), [1, 2, 3]);
    for (const { grad, forward } of run.layers) {
      assert.equal(grad.histogram.edges.length, 13);
      assert.equal(grad.histogram.counts.reduce((a, b) => a + b, 0), 16 * 16, "every finite value lands in a bin");
      assert.equal(grad.histogram.edges[0], grad.min);
      assert.equal(grad.histogram.edges[12], grad.max);
      // ‖g‖² = n·(std² + mean²) for the 256 entries of a 16×16 weight gradient.
      assert.ok(Math.abs(grad.norm ** 2 / (256 * (grad.std ** 2 + grad.mean ** 2)) - 1) < 1e-6);
      assert.equal(grad.nan + grad.inf, 0);
      assert.ok(forward.zeroFraction >= 0 && forward.zeroFraction <= 1);
    }
  }
  // ReLU zeroes about half its outputs under a symmetric input; leaky ReLU none.
  assert.ok(Math.abs(flow.runs[0].layers[0].forward.zeroFraction - 0.5) < 0.1);
  assert.equal(flow.runs[1].layers[0].forward.zeroFraction, 0);
});

test("user-defined activations run like built-ins (autodiff derivative, measured init)", async () => {
  defineActivation({ name: "bent_identity", fn: (x) => tf.add(x, tf.mul(0.5, tf.sin(x))) });
  const flow = await gradientFlow({ activations: ["bent_identity", "tanh"], depth: 4, width: 16, batch: 16 });
  const bent = flow.run("bent_identity");
  assert.equal(bent.layers.length, 4);
  assert.ok(bent.layers.every((l) => l.grad.norm > 0 && Number.isFinite(l.grad.norm)));
  // f′(x) = 1 + ½cos x ≥ ½ everywhere: nothing saturates.
  assert.ok(bent.layers.every((l) => l.forward.saturatedFraction === 0));
});

test("deterministic per seed; another seed gives other numbers", async () => {
  const a = await gradientFlow({ activations: ["tanh"], depth: 4, width: 32, batch: 16, seed: 7 });
  const b = await gradientFlow({ activations: ["tanh"], depth: 4, width: 32, batch: 16, seed: 7 });
  const c = await gradientFlow({ activations: ["tanh"], depth: 4, width: 32, batch: 16, seed: 8 });
  assert.deepEqual(a.runs, b.runs);
  assert.notEqual(a.runs[0].layers[0].grad.norm, c.runs[0].layers[0].grad.norm);
});

test("dataset input: first layer takes the dataset's features", async () => {
  const flow = await gradientFlow({ activations: ["tanh"], depth: 3, width: 8, batch: 40, input: "moons", bins: 5 });
  // 2 input features × 8 units.
  assert.equal(flow.runs[0].layers[0].grad.histogram.counts.reduce((a, b) => a + b, 0), 16);
});

test("bad options name the option, the value and the valid choices", async () => {
  await assert.rejects(gradientFlow({ depth: 0 }), /gradientFlow: depth must be an integer in \[1, 1000\], got 0/);
  await assert.rejects(gradientFlow({ init: "xavier" as never }), /init must be one of "auto", "he", "glorot", "lecun", "normal", got "xavier"/);
  await assert.rejects(gradientFlow({ norm: "group" as never }), /norm must be one of "none", "batch", "layer"/);
  await assert.rejects(gradientFlow({ input: "mnist" as never }), /input must be one of "normal", "spiral", "moons"/);
  await assert.rejects(gradientFlow({ activations: ["relu", "rleu"] }), /gradientFlow: activations: unknown activation "rleu".*valid choices/);
  await assert.rejects(gradientFlow({ depht: 3 } as never), /unknown option "depht"; valid options: activations, depth/);
  await assert.rejects(gradientFlow({ bins: 2.5 }), /bins must be an integer/);
  await assert.rejects(gradientFlow({ activations: ["relu", { name: "relu" }] }), /"relu" appears twice/);
});

test("an interrupt stops between activations and keeps what finished", async () => {
  const { result: flow, askedAt } = await interruptAtStep(1, () => gradientFlow({ activations: ["relu", "tanh", "gelu"], depth: 10, width: 128, batch: 128 }));
  assert.ok(Date.now() - askedAt < 1000, "stopped within 1 s");
  assert.equal(flow.interrupted, true);
  assert.deepEqual(flow.runs.map((r) => r.activation), ["relu"]);
  assert.equal(takeInterrupt(), false, "the flag was consumed");
  assert.match(flow.toString(), /interrupted/);
});

test("an interrupt stops inside one long run, between layers, and frees its tensors", async () => {
  const before = tf.memory().numTensors;
  // Seconds of work for one activation: 200 layers of 512 units.
  const { result: flow, askedAt } = await interruptAfter(300, () => gradientFlow({ activations: ["gelu"], depth: 200, width: 512, batch: 512 }));
  assert.ok(askedAt > 0, "the run outlasted the timer");
  assert.ok(Date.now() - askedAt < 1000, `stopped ${Date.now() - askedAt} ms after the request`);
  assert.equal(flow.interrupted, true);
  assert.equal(flow.runs.length, 0, "an activation cut short is left out, not half-reported");
  assert.equal(tf.memory().numTensors, before);
});

test("progress: one bar per experiment, one tick per activation, closed as finished", async () => {
  const events: string[] = [];
  await withProgress(
    { open: (label, total) => events.push(`open ${label} ${total}`), update: (done, message) => events.push(`${done} ${message}`), close: (ok) => events.push(`close ${ok}`) },
    () => gradientFlow({ activations: ["relu", "tanh", "selu"], depth: 2, width: 4, batch: 4 }),
  );
  assert.deepEqual(events, ["open gradientFlow 3", "1 relu", "2 tanh", "3 selu", "close true"]);
});

test("no tensors leak across 100 runs", async () => {
  await gradientFlow({ activations: ["relu"], depth: 2, width: 8, batch: 8 });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) await gradientFlow({ activations: ["relu", "gelu"], depth: 3, width: 8, batch: 8, norm: i % 2 ? "batch" : "none", seed: i });
  assert.equal(tf.memory().numTensors, before);
});

test("displays as two outputs: a vega-lite v5 log-scale chart with its SVG, then an HTML and text table", async () => {
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 5, width: 16, batch: 16 });
  const [bundle, table] = await flow[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
  assert.deepEqual(Object.keys(table).sort(), ["text/html", "text/plain"]);
  const spec = bundle["application/vnd.vegalite.v5+json"] as { $schema: string; encoding: { y: { scale: { type: string } } }; data: { values: { layer: number; gradNorm: number }[] } };
  assert.match(spec.$schema, /vega-lite\/v5/);
  assert.equal(spec.encoding.y.scale.type, "log");
  assert.equal(spec.data.values.length, 10);
  assert.equal(spec.data.values[0].gradNorm, flow.runs[0].layers[0].grad.norm);
  assert.match(String(bundle["image/svg+xml"]), /^<svg/);
  assert.match(String(table["text/html"]), /<table>.*sigmoid.*relu/s);
  assert.match(String(table["text/plain"]), /sigmoid\s+glorot\s+(vanishing|healthy|exploding)/);
  // JSON round trip: vega tags inline data rows with symbol ids while rendering the SVG.
  assert.deepEqual(flow.toSpec(), JSON.parse(JSON.stringify(spec)));
});
