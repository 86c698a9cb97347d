/**
 * The histogram chart specs: golden snapshots (test/support/snapshot.ts; a missing or
 * different snapshot fails), and what the specs draw, read from headless vega
 * views and checked against closed forms.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as vega from "vega";
import * as vl from "vega-lite";
import { matchSnapshot } from "../../test/support/snapshot";
import { renderSvg } from "../charts/render";
import type { VegaLiteSpec } from "../charts/palette";
import { histogramCube, histogramSource } from "./source";
import { BINS_DATA, overviewScale, viewData, viewSpec, withData, type HistogramView } from "./specs";

const SNAPSHOTS = path.resolve(__dirname, "..", "..", "..", "test", "fixtures", "histogram-specs");
const matchesSnapshot = (name: string, spec: VegaLiteSpec) => matchSnapshot(SNAPSHOTS, name, spec);

/**
 * A flow-shaped fixture with known bins: activation k, layer l holds `bins` equal bins over
 * ±scale(k, l) with counts 1..bins, where the scale falls by 10× per layer (a vanishing
 * gradient from 1e-1 at layer 1 down to 1e-(layers)).
 */
function syntheticFlow(activations: string[], layers: number, bins: number) {
  return {
    runs: activations.map((activation, k) => ({
      activation,
      layers: Array.from({ length: layers }, (_, j) => {
        const scale = (k + 1) * 10 ** -(j + 1);
        const edges = Array.from({ length: bins + 1 }, (_, b) => -scale + (2 * scale * b) / bins);
        const counts = Array.from({ length: bins }, (_, b) => b + 1);
        return { layer: j + 1, grad: { norm: scale, mean: 0, std: scale / 2, min: -scale, max: scale, zeroFraction: 0, nan: 0, inf: 0, histogram: { edges, counts } } };
      }),
    })),
  };
}

const ACTS = ["sigmoid", "relu", "tanh"];
const base: HistogramView = { activations: ACTS, selected: ACTS, layer: 2, mode: "layer", overlay: false, shared_x: false, log_scale: false };
const cube = histogramCube(histogramSource(syntheticFlow(ACTS, 4, 5)), 0);

test("snapshots: layer, shared_x, overlay and overview specs", () => {
  matchesSnapshot("layer", viewSpec(base, cube, 640));
  matchesSnapshot("shared_x", viewSpec({ ...base, shared_x: true, log_scale: true }, cube, 640));
  matchesSnapshot("overlay", viewSpec({ ...base, overlay: true, selected: ["sigmoid", "tanh"] }, cube, 640));
  matchesSnapshot("overview", viewSpec({ ...base, mode: "overview", log_scale: true }, cube, 640));
});

async function headless(spec: VegaLiteSpec): Promise<vega.View> {
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: "none" });
  await view.runAsync();
  return view;
}

interface Item {
  x: number;
  width: number;
  y: number;
  height: number;
  datum: Record<string, unknown>;
  mark: { marktype: string };
}

function rectItems(view: vega.View): Item[] {
  const out: Item[] = [];
  const walk = (node: { items?: unknown[]; marktype?: string }) => {
    for (const item of (node.items ?? []) as (Item & { items?: unknown[] })[]) {
      if (node.marktype === "rect" && item.datum && "count" in item.datum) out.push({ ...item, mark: { marktype: "rect" } });
      walk(item as never);
    }
  };
  walk((view.scenegraph() as unknown as { root: never }).root);
  return out;
}

test("overview: every layer's own edges land on one symmetric-log axis, 1e-20 and 1e-1 both a readable width", async () => {
  // Two layers 19 decades apart: ±1e-1 and ±1e-20.
  const data = {
    runs: [
      {
        activation: "sigmoid",
        layers: [0.1, 1e-20].map((s, j) => ({
          layer: j + 1,
          grad: { norm: s, mean: 0, std: s, min: -s, max: s, zeroFraction: 0, nan: 0, inf: 0, histogram: { edges: [-s, -s / 2, 0, s / 2, s], counts: [1, 2, 3, 4] } },
        })),
      },
    ],
  };
  const c = histogramCube(histogramSource(data), 0);
  const scale = overviewScale(c);
  assert.ok(Math.abs(scale.constant / 1e-22 - 1) < 1e-12, "a hundredth of the narrowest layer's reach");
  assert.equal(scale.max, 0.1);
  assert.ok(scale.ticks.includes(0) && scale.ticks.includes(0.1) && scale.ticks.includes(-0.1));
  const v: HistogramView = { ...base, activations: ["sigmoid"], selected: ["sigmoid"], mode: "overview" };
  const width = 640;
  const view = await headless(withData(viewSpec(v, c, width), viewData(v, c)));
  const cells = rectItems(view);
  assert.equal(cells.length, 8);
  const plotWidth = width - 320;
  // symlog(x) = sign(x)·log1p(|x|/c), mapped linearly from [-max, max] onto [0, plotWidth].
  const f = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x) / scale.constant);
  const px = (x: number) => ((f(x) - f(-scale.max)) / (f(scale.max) - f(-scale.max))) * plotWidth;
  for (const cell of cells) {
    const { x0, x1 } = cell.datum as { x0: number; x1: number };
    assert.ok(Math.abs(cell.x - px(x0)) < 0.01, `cell [${x0}, ${x1}] starts at ${cell.x}, expected ${px(x0)}`);
    assert.ok(Math.abs(cell.x + cell.width - px(x1)) < 0.01, `cell [${x0}, ${x1}] ends at ${cell.x + cell.width}`);
  }
  const span = (layer: number) => {
    const mine = cells.filter((k) => k.datum.layer === layer);
    return Math.max(...mine.map((k) => k.x + k.width)) - Math.min(...mine.map((k) => k.x));
  };
  // The 1e-20 layer spans log1p(100)/log1p(1e21)·100 % ≈ 9.5 % of the axis; the 1e-1 layer all of it.
  assert.ok(span(2) > 0.09 * plotWidth, `the 1e-20 layer is ${span(2)} px wide`);
  assert.ok(Math.abs(span(1) - plotWidth) < 0.01);
  // Layer 1 above layer 2, each its own band.
  const top = (layer: number) => Math.min(...cells.filter((k) => k.datum.layer === layer).map((k) => k.y));
  assert.ok(top(1) < top(2));
  view.finalize();
});

test("layer views: shared_x puts every activation on one x scale, the default gives each its own", async () => {
  const span = async (v: HistogramView) => {
    const view = await headless(withData(viewSpec(v, cube, 640), viewData(v, cube)));
    const cells = rectItems(view);
    const widths = ACTS.map((a) => {
      const mine = cells.filter((k) => k.datum.activation === a);
      return Math.max(...mine.map((k) => k.x + k.width)) - Math.min(...mine.map((k) => k.x));
    });
    view.finalize();
    return widths;
  };
  // Layer 2 of activation k spans ±(k+1)·1e-2: own scales fill the width each; a shared one is proportional.
  const own = await span(base);
  assert.ok(own.every((w) => Math.abs(w - own[0]) < 1), `own scales: ${own}`);
  const shared = await span({ ...base, shared_x: true });
  assert.ok(Math.abs(shared[0] / shared[2] - 1 / 3) < 0.01, `shared: ${shared}`);
  assert.ok(Math.abs(shared[1] / shared[2] - 2 / 3) < 0.01);
});

test("overlay: one chart, one x scale, every shown activation semi-transparent", async () => {
  const v: HistogramView = { ...base, overlay: true, selected: ["sigmoid", "tanh"] };
  const spec = viewSpec(v, cube, 640);
  const view = await headless(withData(spec, viewData(v, cube)));
  const cells = rectItems(view);
  assert.deepEqual([...new Set(cells.map((k) => k.datum.activation))], ["sigmoid", "tanh"]);
  assert.equal(cells.length, 10);
  for (const k of cells) assert.ok((k as unknown as { opacity: number }).opacity < 1 && (k as unknown as { opacity: number }).opacity > 0.3);
  const extent = (a: string) => cells.filter((k) => k.datum.activation === a).map((k) => k.x);
  assert.ok(Math.min(...extent("sigmoid")) > Math.min(...extent("tanh")), "sigmoid's narrower range sits inside tanh's");
  view.finalize();
});

test("the static overview renders to SVG with one rect per non-empty cell", async () => {
  const v: HistogramView = { ...base, mode: "overview" };
  const data = viewData(v, cube);
  assert.equal(data.cells.length, 3 * 4 * 5);
  const svg = await renderSvg(withData(viewSpec(v, cube, 640), data));
  const rects = svg.match(/aria-roledescription="rect mark"/g) ?? [];
  // Rect marks in SVG carry the role description once per item.
  assert.equal(rects.length, 3 * 4 * 5);
  assert.deepEqual(Object.keys(viewData(base, cube)), [BINS_DATA]);
});
