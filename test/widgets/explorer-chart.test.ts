/**
 * The explorer's live Vega chart without a browser: the pure helpers (which series changed,
 * the y domain) and a headless view built from the spec, edited the way the view edits it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vega from "vega";
import { changedSeries, explorerSpec, fillView, modifySeries, seriesData, yDomain, Y_DOMAIN_SIGNAL, type CurveData } from "../../widgets/src/explorer-chart";

const N = 241;
const X = Float32Array.from({ length: N }, (_, i) => -6 + (12 * i) / (N - 1));

function curves(alpha: number, extra: Partial<Record<number, number>> = {}): CurveData {
  const relu = (x: number) => Math.max(0, x);
  return {
    x: X,
    series: [
      { name: "relu", label: "relu", y: X.map(relu), dy: X.map((x) => (x > 0 ? 1 : 0)) },
      { name: "leaky_relu", label: "leaky_relu(alpha=…)", y: X.map((x) => (x > 0 ? x : alpha * x)), dy: X.map((x) => (x > 0 ? 1 : alpha)) },
      { name: "sigmoid", label: "sigmoid", y: X.map((x, i) => extra[i] ?? 1 / (1 + Math.exp(-x))), dy: X.map((x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2) },
    ],
  };
}

test("yDomain: the finite extent of f (and f′ when shown), rounded as vega's nice: true rounds it", () => {
  const c = curves(0.3);
  // f spans [-1.8, 6]; f′ stays within [0, 1]; vega's nice over [-1.8, 6] gives [-2, 6].
  assert.deepEqual(yDomain(c, true), [-2, 6]);
  assert.deepEqual(yDomain(c, false), [-2, 6]);
  const big = curves(5);
  assert.deepEqual(yDomain(big, false), [-30, 10], "f down to -30 at x = -6");
  // NaN and ±Infinity are gaps, not part of the extent.
  assert.deepEqual(yDomain(curves(0.3, { 3: NaN, 4: Infinity, 5: -Infinity }), false), [-2, 6]);
  const empty: CurveData = { x: X.slice(0, 2), series: [{ name: "f", label: "f", y: Float32Array.of(NaN, Infinity), dy: Float32Array.of(NaN, NaN) }] };
  assert.deepEqual(yDomain(empty, true), [-1, 1]);
  // Same as a vega scale with nice: true over the same extent.
  const reference = vega.scale("linear")().domain([-1.8 * 1.37, 6]).nice().domain();
  assert.deepEqual(yDomain(curves(0.3 * 1.37), false), reference);
});

test("changedSeries: only the series (and the fields) a slider changed; undefined for a new grid or new series", () => {
  const before = curves(0.1);
  const after = curves(0.2);
  const changes = changedSeries(before, after);
  assert.deepEqual(changes?.map((c) => [c.index, !!c.y, !!c.dy]), [[1, true, true]]);
  assert.deepEqual(changedSeries(before, curves(0.1)), []);
  assert.equal(changedSeries(undefined, after), undefined);
  assert.equal(changedSeries(before, { ...after, x: X.map((x) => x * 2) }), undefined, "new grid");
  assert.equal(changedSeries(before, { ...after, series: after.series.slice(0, 2) }), undefined, "a series removed");
  const renamed = { ...after, series: after.series.map((s, k) => (k === 2 ? { ...s, name: "tanh" } : s)) };
  assert.equal(changedSeries(before, renamed), undefined, "another activation in a slot");
});

async function headlessView(data: CurveData): Promise<vega.View> {
  const view = new vega.View(vega.parse(explorerSpec(data.series.map((s) => s.name), true, 400)), { renderer: "none" });
  fillView(view, data, true);
  await view.runAsync();
  return view;
}

function markItems(view: vega.View, name: string): Record<string, unknown>[] {
  const root = (view.scenegraph() as unknown as { root: unknown }).root as { items: { items: { name?: string; items: Record<string, unknown>[] }[] }[] };
  const mark = root.items[0].items.find((m) => m.name === name);
  assert.ok(mark, `mark ${name}`);
  return mark.items;
}

test("a headless view: in-place edits reach the edited series only, the y domain follows its signal", async () => {
  const first = curves(0.1);
  const view = await headlessView(first);
  assert.deepEqual(view.scale("y").domain(), yDomain(first, true));
  const untouched = view.data(seriesData(0));
  const second = curves(0.25);
  modifySeries(view, changedSeries(first, second)!);
  view.signal(Y_DOMAIN_SIGNAL, yDomain(second, true));
  await view.runAsync();
  const edited = view.data(seriesData(1)) as { i: number; x: number; f: number; d: number }[];
  assert.equal(edited.length, N);
  edited.forEach((t, i) => {
    assert.equal(t.i, i);
    assert.equal(t.f, second.series[1].y[i]);
    assert.equal(t.d, second.series[1].dy[i]);
  });
  assert.equal(view.data(seriesData(0)), untouched, "the other series' tuples were not replaced");
  assert.deepEqual(view.scale("y").domain(), [-2, 6]);
  // The line of the edited series is drawn from the new values: its left end is at f(-6) = -1.5.
  const line = markItems(view, "line_f1");
  assert.equal(line.length, N);
  assert.equal(line[0].y, view.scale("y")(-1.5));
  view.finalize();
});

test("a headless view: the hover picks the grid point under the pointer and the tooltip reads every series there", async () => {
  const data = curves(0.1, { 100: NaN });
  const view = await headlessView(data);
  const i = 100; // x = -1, where the sigmoid value was made NaN
  view.signal("hoverX", X[i] + 0.01);
  await view.runAsync();
  const nearest = view.data("nearest") as { i: number }[];
  assert.deepEqual(nearest.map((t) => t.i), [i]);
  const tooltip = markItems(view, "hover_band")[0].tooltip as Record<string, string>;
  // vega formats negatives with the typographic minus sign.
  assert.equal(tooltip["x"], "\u22121");
  assert.equal(tooltip["relu: f(x)"], "0");
  assert.equal(tooltip["leaky_relu: f(x)"], "\u22120.1");
  assert.equal(tooltip["leaky_relu: f′(x)"], "0.1");
  assert.equal(tooltip["sigmoid: f(x)"], "n/a", "a non-finite value shows as n/a");
  assert.equal(tooltip["sigmoid: f′(x)"], (Math.exp(1) / (1 + Math.exp(1)) ** 2).toFixed(4));
  const dot = markItems(view, "hover_dot1")[0];
  assert.equal(dot.opacity, 1);
  assert.equal(dot.y, view.scale("y")(Math.fround(-0.1)), "at the float32 value the kernel sent");
  assert.equal(markItems(view, "hover_dot2")[0].opacity, 0, "no dot for a gap");
  view.finalize();
});
