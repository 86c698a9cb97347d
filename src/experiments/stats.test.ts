import { test } from "node:test";
import assert from "node:assert/strict";
import { gradStats } from "./stats";

/** The statistics straight from their definitions, over the finite values, in float64. */
function reference(values: number[]) {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((a, v) => a + v, 0) / finite.length;
  const variance = finite.reduce((a, v) => a + (v - mean) ** 2, 0) / finite.length;
  return {
    norm: Math.sqrt(finite.reduce((a, v) => a + v * v, 0)),
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...finite),
    max: Math.max(...finite),
    zeros: values.filter((v) => v === 0).length,
  };
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

test("gradStats matches the definitions, with and without NaN and ±Infinity in the data", () => {
  const base = Array.from({ length: 1001 }, (_, i) => Math.fround(Math.sin(i * 0.37) * (i % 7 === 0 ? 0 : 1e-3 * (1 + (i % 5)))));
  for (const extra of [[], [NaN], [Infinity, -Infinity, NaN, NaN]]) {
    const data = [...base, ...extra];
    const s = gradStats(Float32Array.from(data), 20);
    const r = reference(data);
    for (const key of ["norm", "mean", "std", "min", "max"] as const) close(s[key], r[key], `${key} with ${extra.length} non-finite`);
    assert.equal(s.zeroFraction, r.zeros / data.length);
    assert.equal(s.nan, extra.filter(Number.isNaN).length);
    assert.equal(s.inf, extra.filter((v) => v === Infinity || v === -Infinity).length);
    // Every finite value lands in its bin (the top edge in the last); the extremes are the outer edges.
    const width = (r.max - r.min) / 20;
    const expected = new Array(20).fill(0);
    for (const v of data.filter(Number.isFinite)) expected[Math.min(19, Math.floor((v - r.min) / width))]++;
    assert.deepEqual(s.histogram.counts, expected);
    assert.equal(s.histogram.counts.reduce((a, c) => a + c, 0), base.length);
    assert.equal(s.histogram.edges[0], r.min);
    assert.equal(s.histogram.edges[20], r.max);
  }
});

test("gradStats of only non-finite values: NaN statistics, an empty histogram, the counts kept", () => {
  const s = gradStats(Float32Array.from([NaN, Infinity]), 10);
  assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.min) && Number.isNaN(s.max));
  assert.equal(s.nan, 1);
  assert.equal(s.inf, 1);
  assert.deepEqual(s.histogram, { edges: [], counts: [] });
});
