import { test } from "node:test";
import assert from "node:assert/strict";
import { compare, difference, formatSummary, SHARE, summarize, tQuantile975 } from "./summary";

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("summarize gives mean, sample sd and the 95 % t-interval", () => {
  const s = summarize([1, 2, 3, 4, 5]);
  close(s.mean, 3, 1e-12, "mean");
  close(s.sd, Math.sqrt(2.5), 1e-12, "sd");
  // t(0.975, 4) = 2.776445 (tables); half-width = t · sd / √n
  close(s.hi - s.mean, 2.776445 * Math.sqrt(2.5) / Math.sqrt(5), 2e-3, "half-width");
  close(s.mean - s.lo, s.hi - s.mean, 1e-12, "symmetric");
  assert.equal(s.n, 5);
});

test("one seed gives no interval, and a NaN seed is not hidden", () => {
  const one = summarize([0.7]);
  assert.equal(one.lo, -Infinity);
  assert.equal(one.hi, Infinity);
  assert.match(formatSummary(one), /no interval/);
  assert.ok(Number.isNaN(summarize([1, NaN, 2]).mean));
  assert.throws(() => summarize([]), /no values/);
});

test("t quantiles beyond the table follow the published values", () => {
  close(tQuantile975(40), 2.021075, 2e-3, "df 40");
  close(tQuantile975(120), 1.979930, 1e-3, "df 120");
  close(tQuantile975(1e6), 1.959964, 1e-4, "df → ∞");
});

test("paired differences remove shared noise; identical samples read as no difference", () => {
  const base = [0.80, 0.90, 0.70, 0.85, 0.95];
  const shifted = base.map((v) => v + 0.01);
  assert.equal(compare(shifted, base).verdict, "higher");
  // a constant shift is exact when paired: sd 0, so only the sign decides
  close(difference(shifted, base).mean, 0.01, 1e-12, "paired mean");
  assert.equal(compare(base, base).verdict, "no measurable difference");
  // unpaired (Welch), the same shift is lost in the seed-to-seed spread
  assert.equal(compare(shifted, base, { paired: false }).verdict, "no measurable difference");
  assert.equal(compare([5, 5.1, 4.9, 5.05], [1, 1.1, 0.9, 1.05], { paired: false }).verdict, "higher");
});

test("a bounded quantity's interval is cut at its bound, the mean and sd untouched", () => {
  const shares = [0.9, 0.4, 1, 1, 1];
  const free = summarize(shares);
  assert.ok(free.hi > 1, `the plain t-interval reaches past 1: ${free.hi}`);
  const cut = summarize(shares, { within: SHARE });
  assert.equal(cut.hi, 1);
  assert.equal(cut.lo, free.lo);
  assert.equal(cut.mean, free.mean);
  assert.equal(cut.sd, free.sd);
  assert.deepEqual([summarize([0.3], { within: SHARE }).lo, summarize([0.3], { within: SHARE }).hi], [0, 1]);
  assert.throws(() => summarize([1, 2], { within: [1, 1] }), /low < high/);
});
