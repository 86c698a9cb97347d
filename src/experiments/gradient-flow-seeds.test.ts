/**
 * gradientFlow over seeds: each seed's run is the single-seed run, the ratio is their geometric
 * mean, summaries are evidence's summarize; stuck units per layer; `backwardFrom: "unit"`.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../tf";
import { useBackend } from "../backend";
import { NON_NEGATIVE, SHARE, summarize } from "../evidence/summary";
import { DISPLAY } from "../live";
import { combineSeeds, gradientFlow, type FlowRun } from "./gradient-flow";

process.env.ACTIVATION_LAB_QUIET = "1";
before(() => useBackend("wasm"));

const SMALL = { depth: 6, width: 32, batch: 32, bins: 5 };

test("seeds: each seed's numbers are that seed's run alone; ratio is their geometric mean; summary is summarize", async () => {
  const flow = await gradientFlow({ ...SMALL, activations: ["tanh", "relu"], seeds: 3, seed: 7 });
  assert.deepEqual(flow.seedsFinished, [7, 8, 9]);
  for (const run of flow.runs) {
    assert.deepEqual(run.seeds, [7, 8, 9]);
    const alone = await Promise.all([7, 8, 9].map(async (seed) => (await gradientFlow({ ...SMALL, activations: [run.activation], seed })).runs[0]));
    assert.deepEqual(run.layers, alone[0].layers, "layers (with histograms) are the first seed's");
    alone.forEach((a, k) => {
      assert.equal(run.perSeed[k].ratio, a.ratio);
      assert.equal(run.perSeed[k].verdict, a.verdict);
      assert.deepEqual(run.perSeed[k].gradNorms, a.layers.map((l) => l.grad.norm));
    });
    const geometric = Math.cbrt(alone[0].ratio * alone[1].ratio * alone[2].ratio);
    assert.ok(Math.abs(run.ratio / geometric - 1) < 1e-12, `${run.activation}: ratio ${run.ratio} vs geometric mean ${geometric}`);
    assert.deepEqual(run.summary.log10Ratio, summarize(alone.map((a) => Math.log10(a.ratio))));
    run.summary.layers.forEach((s, l) => {
      assert.deepEqual(s.gradNorm, summarize(alone.map((a) => a.layers[l].grad.norm), { within: NON_NEGATIVE }));
      assert.deepEqual(s.forwardStd, summarize(alone.map((a) => a.layers[l].forward.std), { within: NON_NEGATIVE }));
      assert.deepEqual(s.stuckFraction, summarize(alone.map((a) => a.layers[l].forward.stuckFraction), { within: SHARE }));
    });
  }
  // One seed: the same run as before seeds existed (ratio exactly the first/last norm quotient).
  const one = (await gradientFlow({ ...SMALL, activations: ["tanh"], seed: 7 })).runs[0];
  assert.equal(one.ratio, one.layers[0].grad.norm / one.layers[SMALL.depth - 1].grad.norm);
  assert.deepEqual(one.perSeed, [{ seed: 7, ratio: one.ratio, verdict: one.verdict, gradNorms: one.layers.map((l) => l.grad.norm) }]);
});

test("the combined verdict rests on the geometric mean, and is exploding when any seed had NaN or ±Inf", () => {
  const fake = (seed: number, ratio: number, nan: number): FlowRun => {
    const layer = (norm: number) => ({ layer: 1, grad: { norm, mean: 0, std: 0, min: 0, max: 0, zeroFraction: 0, nan, inf: 0, histogram: { edges: [], counts: [] } }, forward: { mean: 0, std: 1, zeroFraction: 0, saturatedFraction: 0, stuckFraction: 0, inputSecondMoment: 1 } });
    const layers = [layer(ratio), layer(1)];
    return { activation: "x", init: "he", norm: "none", verdict: "healthy", ratio, layers, seeds: [seed], perSeed: [{ seed, ratio, verdict: "healthy", gradNorms: [ratio, 1] }], summary: { log10Ratio: summarize([Math.log10(ratio)]), layers: [] } };
  };
  // 0.05 and 0.5: each alone is vanishing / healthy; their geometric mean 0.158 is healthy.
  const mixed = combineSeeds([fake(0, 0.05, 0), fake(1, 0.5, 0)]);
  assert.ok(Math.abs(mixed.ratio - Math.sqrt(0.025)) < 1e-12);
  assert.equal(mixed.verdict, "healthy");
  assert.equal(combineSeeds([fake(0, 0.05, 0), fake(1, 0.05, 0)]).verdict, "vanishing");
  assert.equal(combineSeeds([fake(0, 1, 0), fake(1, 1, 3)]).verdict, "exploding", "a NaN in one seed");
});

test("stuck units per layer: relu's are a subset of its zero outputs, leaky_relu has none", async () => {
  const flow = await gradientFlow({ ...SMALL, activations: ["relu", "leaky_relu"], init: "glorot", depth: 12 });
  for (const l of flow.run("relu").layers) assert.ok(l.forward.stuckFraction <= l.forward.zeroFraction + 1e-12, `layer ${l.layer}: stuck ${l.forward.stuckFraction} > zero ${l.forward.zeroFraction}`);
  assert.ok(flow.run("relu").layers.some((l) => l.forward.stuckFraction > 0), "a narrow relu stack has some unit off on the whole batch");
  for (const l of flow.run("leaky_relu").layers) assert.equal(l.forward.stuckFraction, 0);
});

test("backwardFrom: 'unit' removes the output-scale factor that 'loss' carries (relu, He = √2 · Glorot)", async () => {
  // ReLU is positively homogeneous and He weights are √2 × Glorot's here (fan_in = fan_out), so
  // every h_l grows by √2 per layer. From a fixed start, each weight gradient h_{l−1}ᵀδ_l grows by
  // the same factor in every layer; starting from h_depth/batch adds (√2)^depth more.
  const depth = 5;
  const norms = async (init: "he" | "glorot", backwardFrom: "loss" | "unit") => (await gradientFlow({ ...SMALL, depth, activations: ["relu"], init, backwardFrom })).runs[0].layers.map((l) => l.grad.norm);
  const perLayer = async (from: "loss" | "unit") => {
    const [he, glorot] = [await norms("he", from), await norms("glorot", from)];
    return he.map((v, l) => v / glorot[l]);
  };
  const [loss, unit] = [await perLayer("loss"), await perLayer("unit")];
  for (const ratios of [loss, unit]) for (const r of ratios) assert.ok(Math.abs(r / ratios[0] - 1) < 1e-4, `same factor in every layer: ${ratios}`);
  assert.ok(Math.abs(loss[0] / unit[0] / 2 ** (depth / 2) - 1) < 1e-4, `loss/unit factor ${loss[0] / unit[0]} vs 2^(depth/2) = ${2 ** (depth / 2)}`);
  const before = tf.memory().numTensors;
  const a = await gradientFlow({ ...SMALL, activations: ["tanh"], backwardFrom: "unit", seeds: 2 });
  assert.equal(tf.memory().numTensors, before, "no tensor leak");
  assert.deepEqual(a.runs, (await gradientFlow({ ...SMALL, activations: ["tanh"], backwardFrom: "unit", seeds: 2 })).runs, "deterministic");
  assert.match(a.toString(), /backward from a unit-RMS direction/);
  await assert.rejects(gradientFlow({ backwardFrom: "output" as never }), /backwardFrom must be one of "loss", "unit"/);
});

test("charts and tables with several seeds: mean line with a 95 % band, `mean ± half-width`", async () => {
  const flow = await gradientFlow({ ...SMALL, activations: ["tanh"], seeds: 4 });
  const spec = flow.toSpec() as unknown as { layer: unknown[]; data: { values: { layer: number; gradNorm: number; lo: number; hi: number; seeds: number }[] } };
  assert.equal(spec.layer.length, 2, "band and line");
  const row = spec.data.values[0];
  assert.equal(row.gradNorm, flow.runs[0].summary.layers[0].gradNorm.mean);
  assert.equal(row.seeds, 4);
  assert.ok(row.lo < row.gradNorm && row.hi > row.gradNorm);
  assert.match(flow.toString(), /tanh\s+glorot\s+\w+\s+\S+\s+\S+ ± \S+/);
  assert.match(String((await flow[DISPLAY]())[0]["image/svg+xml"]), /^<svg/, "the band layer compiles and renders");
});
