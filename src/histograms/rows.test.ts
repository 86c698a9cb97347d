import { test } from "node:test";
import assert from "node:assert/strict";
import { gradientFlow } from "../experiments/gradient-flow";
import { gradStats } from "../experiments/stats";
import { train } from "../experiments/train";
import { DISPLAY, type MimeBundle } from "../live";
import { tf } from "../tf";
import { cubeRows, histogramCSV, parseHistogramCSV, type HistogramRow } from "./cube";
import { histogramRows, HistogramRows } from "./rows";
import { histogramCube, histogramSource } from "./source";
import * as index from "../index";

process.env.ACTIVATION_LAB_QUIET = "1";
process.env.ACTIVATION_LAB_BACKEND ??= "cpu";

type GradLike = { nan: number; inf: number; histogram: { edges: ArrayLike<number>; counts: ArrayLike<number> } };

/** Checks one layer's rows against its GradStats: same bins, contiguous, counts summing to the finite values. */
function checkLayer(rows: HistogramRow[], grad: GradLike, total: number, where: string): void {
  const edges = Array.from(grad.histogram.edges);
  assert.equal(rows.length, grad.histogram.counts.length, `${where}: one row per bin`);
  rows.forEach((r, b) => {
    assert.equal(r.bin_lo, edges[b], `${where} bin ${b} starts at its edge`);
    assert.equal(r.bin_hi, edges[b + 1], `${where} bin ${b} ends at the next edge`);
    if (b > 0) assert.equal(r.bin_lo, rows[b - 1].bin_hi, `${where}: bins ${b - 1} and ${b} touch`);
  });
  const finite = total - grad.nan - grad.inf;
  assert.equal(rows.reduce((a, r) => a + r.count, 0), finite, `${where}: counts sum to the finite values`);
}

test("histogramRows of a GradientFlow: every bin of every layer, contiguous, summing to the layer's finite count", async () => {
  const width = 8;
  const flow = await gradientFlow({ activations: ["tanh", "relu"], depth: 4, width, batch: 8, bins: 10, seed: 4 });
  const rows = histogramRows(flow);
  assert.ok(rows instanceof HistogramRows);
  assert.equal(rows.length, 2 * 4 * 10);
  for (const run of flow.runs) {
    for (const l of run.layers) {
      const mine = rows.filter((r) => r.activation === run.activation && r.layer === l.layer);
      assert.ok(mine.every((r) => r.step === 0), "a flow is one snapshot: step 0");
      // No biases, input "normal": each layer's W is width × width.
      checkLayer(mine, l.grad, width * width, `${run.activation} layer ${l.layer}`);
    }
  }
  assert.equal(index.histogramRows, histogramRows, "exported from the package");
});

test("histogramRows of a TrainingRun: rows for every recorded step", async () => {
  const run = await train({ activations: ["relu", "tanh"], dataset: "xor", n: 32, depth: 2, width: 8, epochs: 4, recordEvery: 2, bins: 8, seed: 3 });
  const rows = histogramRows(run);
  const steps = run.runs[0].steps.map((s) => s.step);
  assert.ok(steps.length >= 2);
  assert.deepEqual([...new Set(rows.map((r) => r.step))], steps);
  for (const r of run.runs) {
    for (const s of r.steps) {
      for (const l of s.layers) {
        const mine = rows.filter((x) => x.activation === r.activation && x.step === s.step && x.layer === l.layer);
        const total = l.grad.histogram.counts.reduce((a, b) => a + b, 0) + l.grad.nan + l.grad.inf;
        checkLayer(mine, l.grad, total, `${r.activation} step ${s.step} layer ${l.layer}`);
      }
    }
  }
  const tensors = tf.memory().numTensors;
  histogramRows(run);
  assert.equal(tf.memory().numTensors, tensors, "reading rows makes no tensors");
});

test("a user model's inspection shape (layers with names) and NaN/Inf values", () => {
  const values = Float32Array.from([-3, -1, 0, 0, 2, 5, NaN, Infinity]);
  const grad = gradStats(values, 4);
  const data = { runs: [{ activation: "gelu", layers: [{ layer: 1, name: "dense_1", grad }, { layer: 2, name: "dense_2", grad }] }] };
  const rows = histogramRows(data);
  assert.equal(rows.length, 8);
  checkLayer(rows.filter((r) => r.layer === 2), grad, 8, "layer 2");
  assert.equal(rows[0].bin_lo, -3);
  assert.equal(rows[3].bin_hi, 5);
  assert.deepEqual(histogramSource(data).layerNames, ["dense_1", "dense_2"]);
  assert.throws(() => histogramRows({ runs: [{ activation: "gelu", layers: [] }] }), /gelu: no layers; expected a GradientFlow/);
});

test("CSV round-trips exactly, quotes names that need it, and the page's CSV is the same text", async () => {
  const flow = await gradientFlow({ activations: ["sigmoid", "selu"], depth: 3, width: 8, batch: 8, bins: 7, seed: 5 });
  const rows = histogramRows(flow);
  const csv = rows.toCSV();
  assert.equal(csv.split("\n")[0], "activation,layer,step,bin_lo,bin_hi,count");
  assert.deepEqual(parseHistogramCSV(csv), [...rows]);
  // The widget's download builds rows from the cube it received, through the same functions.
  assert.equal(histogramCSV(cubeRows(histogramCube(histogramSource(flow), 0))), csv);
  const odd: HistogramRow[] = [{ activation: 'leaky_relu(alpha=0.1, "x")', layer: 1, step: 0, bin_lo: -1e-20, bin_hi: 3.5e-21, count: 2 }];
  const text = histogramCSV(odd);
  assert.equal(text.split("\n")[1], '"leaky_relu(alpha=0.1, ""x"")",1,0,-1e-20,3.5e-21,2');
  assert.deepEqual(parseHistogramCSV(text), odd);
  assert.throws(() => parseHistogramCSV("a,b\n1,2\n"), /not a histogram CSV: header "a,b"/);
});

test("the rows display as a text table head with the row count", async () => {
  const flow = await gradientFlow({ activations: ["relu"], depth: 2, width: 8, batch: 8, bins: 6, seed: 6 });
  const rows = histogramRows(flow);
  const text = String((rows[DISPLAY]() as MimeBundle)["text/plain"]);
  const lines = text.split("\n");
  assert.equal(lines[0], "12 histogram rows");
  assert.match(lines[1], /^activation\s+layer\s+step\s+bin_lo\s+bin_hi\s+count$/);
  assert.equal(lines.length, 2 + 1 + 10 + 1, "title, header, rule, ten rows, the rest counted");
  assert.equal(lines[lines.length - 1], "… 2 more rows");
  assert.ok(!(rows.filter(() => true) instanceof HistogramRows), "filtering gives plain arrays");
});
