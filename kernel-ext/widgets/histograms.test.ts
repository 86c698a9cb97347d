import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { CommManager } from "../comm";
import { WIDGET_VIEW_MIME } from "../widget";
import { DISPLAY, type MimeBundle } from "../../src/live";
import { gradientFlow } from "../../src/experiments/gradient-flow";
import { gradStats } from "../../src/experiments/stats";
import { train } from "../../src/experiments/train";
import { gradientHistograms, GradientHistograms, histogramChartSpec } from "./histograms";
import { renderSvg } from "../../src/charts/render";
import { frontEndUpdate, recordingFrontEnd, type Sent } from "../../test/support/recording-channel";

let sent: Sent[] = [];
let manager: CommManager;
process.env.ACTIVATION_LAB_QUIET = "1";
process.env.ACTIVATION_LAB_BACKEND ??= "cpu";

beforeEach(() => {
  ({ sent, manager } = recordingFrontEnd());
});

function frontEnd(w: GradientHistograms, state: Record<string, unknown>): Promise<void> {
  return frontEndUpdate(manager, w.id, state);
}

/**
 * A TrainingRun-shaped fixture (DESIGN §8: per activation, gradient histograms per recorded
 * step), with values chosen so every statistic is known: layer L at step S of activation k
 * holds the values (k+1)·(S+1)·[-2, -1, 0, 0, 1, 2] followed by L NaNs and one +Inf.
 */
function trainingRunFixture() {
  const acts = ["relu", "tanh"];
  const steps = [0, 10, 20];
  const values = (k: number, step: number, layer: number) =>
    Float32Array.from([...[-2, -1, 0, 0, 1, 2].map((v) => v * (k + 1) * (step + 1)), ...Array(layer).fill(NaN), Infinity]);
  return {
    options: { dataset: "spiral", depth: 2, optimizer: "adam" },
    runs: acts.map((activation, k) => ({
      activation,
      history: { step: steps, loss: steps.map(() => 1) },
      gradients: steps.map((step) => ({
        step,
        layers: [1, 2].map((layer) => ({ layer, grad: gradStats(values(k, step, layer), 4) })),
      })),
    })),
  };
}

test("a GradientFlow gives one histogram per activation, with counts equal to the layer's weights", async () => {
  const width = 8;
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 3, width, batch: 8, bins: 12, seed: 1 });
  const w = gradientHistograms(flow);
  assert.equal(w.get("kind"), "flow");
  assert.deepEqual(w.get("activations"), ["sigmoid", "relu"]);
  assert.equal(w.get("layer_count"), 3);
  assert.deepEqual(w.get("steps"), []);
  const open = sent.find((s) => s.msgType === "comm_open")!;
  const paths = (open.content.data as { buffer_paths: unknown[] }).buffer_paths;
  assert.deepEqual(paths, [["bins", 0, "edges"], ["bins", 0, "counts"], ["bins", 1, "edges"], ["bins", 1, "counts"]]);
  for (const [k, row] of w.get("stats").entries()) {
    // Input "normal" has `width` features and no biases: every layer's W is width × width.
    assert.equal(row.count, width * width);
    const bins = w.get("bins")[k];
    assert.equal(bins.counts.length, 12);
    assert.equal(bins.edges.length, 13);
    assert.equal(bins.counts.reduce((a, b) => a + b, 0) + row.nan + row.inf, width * width);
    const grad = flow.runs[k].layers[0].grad;
    assert.equal(row.min, grad.min);
    assert.equal(row.max, grad.max);
  }
  w.close();
});

test("switching the layer from the front end sends that layer's histograms", async () => {
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 3, width: 8, batch: 8, bins: 6, seed: 2 });
  const w = gradientHistograms(flow);
  await frontEnd(w, { layer: 3 });
  assert.equal(w.get("error"), "");
  const update = [...sent].reverse().find((s) => (s.content.data as { method?: string }).method === "update")!;
  const state = (update.content.data as { state: { stats: { max: number }[] } }).state;
  assert.equal(state.stats[1].max, flow.runs[1].layers[2].grad.max);
  const counts = update.options.buffers![1] as Float64Array;
  assert.deepEqual(Array.from(counts), flow.runs[0].layers[2].grad.histogram.counts);
  w.close();
});

test("a TrainingRun adds step selection; stats match the values' closed forms", async () => {
  const w = gradientHistograms(trainingRunFixture(), { layer: 2 });
  assert.equal(w.get("kind"), "run");
  assert.deepEqual(w.get("steps"), [0, 10, 20]);
  assert.equal(w.get("step"), 20, "starts at the last recorded step");
  await frontEnd(w, { step: 10, selected: ["tanh"] });
  assert.equal(w.get("error"), "");
  const [row] = w.get("stats");
  const scale = 2 * 11; // activation index 1 → ×2, step 10 → ×11
  assert.equal(row.activation, "tanh");
  assert.equal(row.count, 6 + 2 + 1);
  assert.equal(row.min, -2 * scale);
  assert.equal(row.max, 2 * scale);
  assert.equal(row.mean, 0);
  assert.ok(Math.abs(row.std - scale * Math.sqrt(10 / 6)) < 1e-9);
  assert.ok(Math.abs(row.zeros_pct - (100 * 2) / 9) < 1e-9);
  assert.equal(row.nan, 2);
  assert.equal(row.inf, 1);
  w.close();
});

test("bad selections set an error with the valid choices and keep the shown data", async () => {
  const w = gradientHistograms(trainingRunFixture());
  const before = w.get("stats");
  await frontEnd(w, { layer: 7 });
  assert.match(w.get("error"), /layer must be an integer from 1 to 2, got 7/);
  assert.equal(w.get("stats"), before);
  await frontEnd(w, { layer: 1, step: 5 });
  assert.match(w.get("error"), /step 5 was not recorded; recorded steps: 0, 10, 20/);
  await frontEnd(w, { step: 0, selected: ["gelu"] });
  assert.match(w.get("error"), /no gradients recorded for "gelu"; valid choices: relu, tanh/);
  await frontEnd(w, { selected: ["relu"] });
  assert.equal(w.get("error"), "");
  w.close();
});

test("bad data or options throw and say what shape is expected", () => {
  assert.throws(() => gradientHistograms({}), /needs data with runs; expected a GradientFlow .* or a TrainingRun \(\{ runs: \[\{ activation, steps: \[\{ step, layers/);
  assert.throws(() => gradientHistograms({ runs: [{ activation: "relu", layers: [{ layer: 1 }] }] }), /no grad.histogram/);
  assert.throws(() => gradientHistograms(trainingRunFixture(), { layers: 2 } as never), /unknown gradientHistograms option "layers"; valid options: activations, layer, step, logScale/);
  assert.throws(() => gradientHistograms(trainingRunFixture(), { layer: 0 }), /layer must be an integer from 1 to 2/);
});

test("the display bundle carries the widget view, a v5 chart with SVG and the stats table", async () => {
  const w = gradientHistograms(trainingRunFixture(), { logScale: true });
  const bundle = (await w[DISPLAY]()) as MimeBundle;
  assert.equal((bundle[WIDGET_VIEW_MIME] as { model_id: string }).model_id, w.id);
  assert.match((bundle["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema, /vega-lite\/v5/);
  assert.match(String(bundle["image/svg+xml"]), /^<svg[\s\S]*<path/);
  assert.match(String(bundle["text/html"]), /^<div><img alt="Gradient histograms[^"]*" src="data:image\/svg\+xml;base64,[\s\S]*<th>% zeros<\/th>[\s\S]*<td>relu<\/td>/);
  w.close();
});

test("the static chart draws each bin as a bar from 0 to its count, in proportion", async () => {
  const counts = [1, 5, 2];
  const svg = await renderSvg(histogramChartSpec([{ activation: "relu", edges: Float64Array.from([0, 1, 2, 3]), counts: Float64Array.from(counts) }], ["relu"], false));
  const heights = [...svg.matchAll(/aria-roledescription="rect mark" d="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)h/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 3);
  // Pixel heights over counts must be one constant: bars are vertical and start at zero.
  const scale = heights[1] / counts[1];
  heights.forEach((h, i) => assert.ok(Math.abs(h - counts[i] * scale) < 0.5, `bin ${i}: ${h}px for count ${counts[i]}`));
});

test("a real TrainingRun is read with its recorded steps and layers", async () => {
  const run = await train({ activations: ["relu", "tanh"], dataset: "xor", n: 32, depth: 2, width: 8, epochs: 4, recordEvery: 2, bins: 8, seed: 3 });
  const w = gradientHistograms(run);
  assert.equal(w.get("kind"), "run");
  assert.deepEqual(w.get("steps"), run.runs[0].steps.map((s) => s.step));
  assert.equal(w.get("layer_count"), run.runs[0].steps[0].layers.length);
  const firstStep = w.get("steps")[0];
  await frontEnd(w, { step: firstStep, layer: 2 });
  assert.equal(w.get("error"), "");
  const grad = run.runs[1].steps[0].layers.find((l) => l.layer === 2)!.grad;
  const row = w.get("stats")[1];
  assert.equal(row.activation, "tanh");
  assert.equal(row.max, grad.max);
  // Hidden layer 2 maps width → width: width² weights, every one counted once.
  assert.equal(row.count, 8 * 8);
  w.close();
});
