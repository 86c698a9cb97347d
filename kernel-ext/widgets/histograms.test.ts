import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { CommManager } from "../comm";
import { WIDGET_VIEW_MIME } from "../widget";
import { DISPLAY, type MimeBundle } from "../../src/live";
import { gradientFlow } from "../../src/experiments/gradient-flow";
import { gradStats } from "../../src/experiments/stats";
import { train } from "../../src/experiments/train";
import { gradientHistograms, GradientHistograms } from "./histograms";
import { renderSvg } from "../../src/charts/render";
import { layerBins, statsRows } from "../../src/histograms/cube";
import { histogramRows } from "../../src/histograms/rows";
import { layerSpec, withData, BINS_DATA } from "../../src/histograms/specs";
import { frontEndUpdate, recordingFrontEnd, type Sent } from "../../test/support/recording-channel";

let sent: Sent[] = [];
let manager: CommManager;
process.env.ACTIVATION_LAB_QUIET = "1";
process.env.ACTIVATION_LAB_BACKEND ??= "cpu";

beforeEach(() => {
  ({ sent, manager } = recordingFrontEnd());
});

/** The stats table the page shows for the widget's current selection and layer. */
function shownStats(w: GradientHistograms) {
  return statsRows(w.get("cube"), w.get("selected"), w.get("layer"));
}

function frontEnd(w: GradientHistograms, state: Record<string, unknown>): Promise<void> {
  return frontEndUpdate(manager, w.id, state);
}

/**
 * A TrainingRun-shaped fixture (per activation, gradient histograms per recorded
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

test("a GradientFlow's every layer goes out once as binary buffers, counts equal to the layer's weights", async () => {
  const width = 8;
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 3, width, batch: 8, bins: 12, seed: 1 });
  const w = gradientHistograms(flow);
  assert.equal(w.get("kind"), "flow");
  assert.deepEqual(w.get("activations"), ["sigmoid", "relu"]);
  assert.equal(w.get("layer_count"), 3);
  assert.deepEqual(w.get("steps"), []);
  assert.equal(w.get("mode"), "layer");
  const open = sent.find((s) => s.msgType === "comm_open")!;
  const paths = (open.content.data as { buffer_paths: unknown[] }).buffer_paths;
  assert.deepEqual(paths, ["binOffsets", "edgeOffsets", "edges", "counts", "stats"].map((k) => ["cube", k]));
  const cube = w.get("cube");
  for (const [k, activation] of ["sigmoid", "relu"].entries()) {
    for (const layer of [1, 2, 3]) {
      const grad = flow.runs[k].layers[layer - 1].grad;
      const { edges, counts } = layerBins(cube, activation, layer);
      assert.deepEqual(Array.from(edges), grad.histogram.edges);
      assert.deepEqual(Array.from(counts), grad.histogram.counts);
      const [row] = statsRows(cube, [activation], layer);
      // Input "normal" has `width` features and no biases: every layer's W is width × width.
      assert.equal(row.count, width * width);
      assert.equal(counts.reduce((a, b) => a + b, 0) + row.nan + row.inf, width * width);
      assert.equal(row.min, grad.min);
      assert.equal(row.max, grad.max);
      assert.equal(row.norm, grad.norm);
    }
  }
  w.close();
});

test("switching layer, mode, overlay or shared x from the front end sends no data back", async () => {
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 3, width: 8, batch: 8, bins: 6, seed: 2 });
  const w = gradientHistograms(flow);
  const cube = w.get("cube");
  const before = sent.length;
  await frontEnd(w, { layer: 3, mode: "overview", overlay: true, shared_x: true });
  assert.equal(w.get("error"), "");
  assert.equal(w.get("cube"), cube, "the page already holds every layer");
  const buffers = sent.slice(before).flatMap((s) => s.options.buffers ?? []);
  assert.deepEqual(buffers, []);
  assert.equal(shownStats(w)[1].max, flow.runs[1].layers[2].grad.max);
  await frontEnd(w, { mode: "grid" });
  assert.match(w.get("error"), /mode must be one of "layer", "overview", got "grid"/);
  w.close();
});

test("a TrainingRun adds step selection; stats match the values' closed forms", async () => {
  const w = gradientHistograms(trainingRunFixture(), { layer: 2 });
  assert.equal(w.get("kind"), "run");
  assert.deepEqual(w.get("steps"), [0, 10, 20]);
  assert.equal(w.get("step"), 20, "starts at the last recorded step");
  // The overview's axis spans every step: widest |edge| 2·2·21 (tanh, step 20), narrowest 2 (relu, step 0).
  const overview = w.get("overview_scale");
  assert.equal(overview.max, 84);
  assert.ok(Math.abs(overview.constant - 0.02) < 1e-15);
  assert.equal(overview.maxCount, 2, "4 bins over [-2, 2]·s: {-2}, {-1}, {0, 0}, {1, 2}");
  const before = sent.length;
  await frontEnd(w, { step: 10, selected: ["tanh"] });
  assert.equal(w.get("error"), "");
  assert.equal(w.get("cube").step, 10);
  const update = sent.slice(before).find((s) => (s.content.data as { method?: string }).method === "update")!;
  assert.deepEqual((update.content.data as { buffer_paths: unknown[] }).buffer_paths.length, 5, "a new step sends a new cube");
  const [row] = shownStats(w);
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
  const before = w.get("cube");
  await frontEnd(w, { layer: 7 });
  assert.match(w.get("error"), /layer must be an integer from 1 to 2, got 7/);
  assert.equal(w.get("cube"), before);
  await frontEnd(w, { layer: 1, step: 5 });
  assert.match(w.get("error"), /step 5 was not recorded; recorded steps: 0, 10, 20/);
  await frontEnd(w, { step: 0, selected: ["gelu"] });
  assert.match(w.get("error"), /no gradients recorded for "gelu"; valid choices: relu, tanh/);
  await frontEnd(w, { selected: ["relu"] });
  assert.equal(w.get("error"), "");
  w.close();
});

test("bad data or options throw and say what shape is expected", () => {
  assert.throws(() => gradientHistograms({}), /need data with runs; expected a GradientFlow .* or a TrainingRun \(\{ runs: \[\{ activation, steps: \[\{ step, layers/);
  assert.throws(() => gradientHistograms({ runs: [{ activation: "relu", layers: [{ layer: 1 }] }] }), /no grad.histogram/);
  assert.throws(() => gradientHistograms(trainingRunFixture(), { layers: 2 } as never), /unknown gradientHistograms option "layers"; valid options: activations, layer, step, mode, overlay, sharedX, logScale/);
  assert.throws(() => gradientHistograms(trainingRunFixture(), { mode: "heatmap" as never }), /mode must be one of "layer", "overview", got "heatmap"/);
  assert.throws(() => gradientHistograms(trainingRunFixture(), { overlay: "yes" as never }), /option overlay must be true or false, got "yes"/);
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
  const bins = counts.map((count, i) => ({ activation: "relu", x0: i, x1: i + 1, count }));
  const svg = await renderSvg(withData(layerSpec({ activations: ["relu"], logScale: false, width: 600, sharedX: false }), { [BINS_DATA]: bins }));
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
  const row = shownStats(w)[1];
  assert.equal(row.activation, "tanh");
  assert.equal(row.max, grad.max);
  // Hidden layer 2 maps width → width: width² weights, every one counted once.
  assert.equal(row.count, 8 * 8);
  w.close();
});

test("an overview widget's static fallback is the overview: one heat map and norm line per activation, as SVG", async () => {
  const flow = await gradientFlow({ activations: ["sigmoid", "relu"], depth: 5, width: 8, batch: 8, bins: 6, seed: 7 });
  const w = gradientHistograms(flow, { mode: "overview", logScale: true });
  const bundle = (await w[DISPLAY]()) as MimeBundle;
  const spec = bundle["application/vnd.vegalite.v5+json"] as { vconcat: unknown[]; datasets: { cells: { count: number }[]; norms: unknown[] } };
  assert.equal(spec.vconcat.length, 2, "a row per activation");
  const nonEmpty = flow.runs.flatMap((r) => r.layers.flatMap((l) => l.grad.histogram.counts.filter((c) => c > 0))).length;
  assert.equal(spec.datasets.cells.length, nonEmpty);
  assert.equal(spec.datasets.norms.length, 2 * 5);
  const svg = String(bundle["image/svg+xml"]);
  assert.equal((svg.match(/aria-roledescription="rect mark"/g) ?? []).length, nonEmpty, "a rect per non-empty cell");
  assert.match(svg, /symmetric log/);
  assert.match(String(bundle["text/plain"]), /^Gradient histograms of all 5 layers/);
  w.close();
});

test("the page's \"download CSV\" asks the kernel, which answers with every step's rows: histogramRows(data).toCSV()", async () => {
  const run = trainingRunFixture();
  const w = gradientHistograms(run);
  sent.length = 0;
  await manager.handle("comm_msg", { comm_id: w.id, data: { method: "custom", content: { type: "csv" } } }, []);
  const answers = sent.filter((m) => (m.content.data as { method?: string } | undefined)?.method === "custom");
  assert.equal(answers.length, 1, "one answer");
  const content = (answers[0].content.data as { content: { type: string; csv: string } }).content;
  assert.equal(content.type, "csv");
  assert.equal(content.csv, histogramRows(run).toCSV());
  const steps = new Set(content.csv.trim().split("\n").slice(1).map((line) => line.split(",")[2]));
  assert.deepEqual([...steps], ["0", "10", "20"], "every recorded step, not only the shown one");
  // Other custom messages are not answered.
  sent.length = 0;
  await manager.handle("comm_msg", { comm_id: w.id, data: { method: "custom", content: { type: "other" } } }, []);
  assert.equal(sent.filter((m) => (m.content.data as { method?: string } | undefined)?.method === "custom").length, 0);
});
