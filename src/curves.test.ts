import assert from "node:assert/strict";
import { before, test } from "node:test";
import { ready } from "./backend";
import { curveChartSpec, curveRows, decimate } from "./charts/curves";
import { curves, grid } from "./curves";
import { DISPLAY } from "./live";
import { tf } from "./tf";

before(async () => {
  await ready();
});

test("grid is evenly spaced with exact ends", () => {
  const x = grid(-6, 6, 1201);
  assert.equal(x.length, 1201);
  assert.equal(x[0], -6);
  assert.equal(x[1200], 6);
  assert.equal(x[600], 0);
  assert.ok(Math.abs(x[1] - x[0] - 0.01) < 1e-6);
});

test("curves: defaults, shapes, values against closed forms, no leaks", async () => {
  const before = tf.memory().numTensors;
  const set = await curves(["relu", "sigmoid"]);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(set.x.length, 1201);
  assert.ok(set.x instanceof Float32Array);
  assert.equal(set.series.length, 2);
  const sig = set.get("sigmoid");
  assert.ok(sig.y instanceof Float32Array && sig.dy instanceof Float32Array);
  for (let i = 0; i < set.x.length; i += 37) {
    const s = 1 / (1 + Math.exp(-set.x[i]));
    assert.ok(Math.abs(sig.y[i] - s) < 1e-6);
    assert.ok(Math.abs(sig.dy[i] - s * (1 - s)) < 1e-6);
  }
  assert.equal(set.backend.name, tf.getBackend(), "the set names the backend it computed on");
  assert.throws(() => set.get("tanh"), /no series "tanh" in this CurveSet; it has: relu, sigmoid/);
});

test("chart spec is pure vega-lite v5 with f solid, f′ dashed, tooltips with x, f, f′", () => {
  const spec = curveChartSpec({ x: [0, 1, 2], series: [{ label: "a", y: [0, 1, 4], dy: [0, 2, 4] }] });
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  const values = (spec.data as { values: unknown[] }).values;
  assert.deepEqual(values[1], { x: 1, activation: "a", f: 1, df: 2 });
  const enc = spec.encoding as Record<string, { field?: string; title?: string }[] | { field?: string }>;
  assert.deepEqual((enc.tooltip as { field: string }[]).map((t) => t.field), ["activation", "x", "f", "df"]);
  const noDerivative = curveChartSpec({ x: [0], series: [{ label: "a", y: [0] }] }, { showDerivative: false });
  assert.deepEqual((noDerivative.transform as { fold?: string[] }[])[0].fold, ["f"]);
});

test("long curves are decimated for charts, keeping both ends; non-finite values become null", () => {
  const idx = decimate(10_001, 100);
  assert.equal(idx.length, 100);
  assert.equal(idx[0], 0);
  assert.equal(idx[99], 10_000);
  const rows = curveRows({ x: [0, 1], series: [{ label: "a", y: [Number.NaN, 1], dy: [Infinity, 0] }] });
  assert.equal(rows[0].f, null);
  assert.equal(rows[0].df, null);
});

test("a CurveSet displays as vega-lite (object), server-side SVG and text", async () => {
  const set = await curves(["relu", "gelu"], { from: -3, to: 3, points: 61 });
  const bundle = await set[DISPLAY]();
  const spec = bundle["application/vnd.vegalite.v5+json"] as { $schema: string };
  assert.equal(typeof spec, "object");
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  const svg = bundle["image/svg+xml"] as string;
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok((svg.match(/<path/g) ?? []).length >= 4, "the SVG has drawn paths (f and f′ of two activations)");
  assert.match(svg, />gelu</);
  assert.match(bundle["text/plain"] as string, /CurveSet: 2 activation\(s\), 61 points on \[-3, 3\]/);
  assert.deepEqual(set.toSpec(), spec);
});
