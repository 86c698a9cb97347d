import { before, test } from "node:test";
import assert from "node:assert/strict";
import { ready } from "../backend";
import { DISPLAY } from "../live";
import { tf } from "../tf";
import { medianInterval, Ratio, ratio, timeit, Timing } from "./timing";

before(async () => {
  await ready();
});

/** ~`n` floating-point steps of pure JS; the result is returned so the JIT cannot drop the loop. */
function work(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i + s * 1e-9);
  return s;
}

/** Loop length that takes about `ms` on this machine (measured, so the test holds on fast and slow CPUs). */
function lengthFor(ms: number): number {
  let n = 1e5;
  for (;;) {
    const t0 = performance.now();
    work(n);
    const took = performance.now() - t0;
    if (took > 2) return Math.max(1, Math.round((n * ms) / took));
    n *= 4;
  }
}

test("median interval: order statistics from the binomial, checked by hand", () => {
  // n = 21: P(B ≤ 5) = (1+21+210+1330+5985+20349)/2²¹ = 27896/2097152, 2·P = 0.0266 ≤ 0.05;
  // adding C(21,6) = 54264 gives 2·P(B ≤ 6) = 0.0784 > 0.05, so k = 6: [x₍6₎, x₍16₎].
  const xs = Array.from({ length: 21 }, (_, i) => (i * 8) % 21); // 0..20, shuffled (8 and 21 are coprime)
  const m = medianInterval(xs);
  assert.equal(m.median, 10);
  assert.equal(m.lo, 5);
  assert.equal(m.hi, 15);
  assert.ok(Math.abs(m.coverage - (1 - (2 * 27896) / 2097152)) < 1e-12, `coverage ${m.coverage}`);
  // n = 10: 2·P(B ≤ 1) = 2·11/1024 = 0.0215; 2·P(B ≤ 2) = 2·56/1024 = 0.109: k = 2, [x₍2₎, x₍9₎]; even n: mean of the middle two
  const ten = medianInterval([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
  assert.deepEqual([ten.median, ten.lo, ten.hi], [5.5, 2, 9]);
  assert.ok(Math.abs(ten.coverage - (1 - 22 / 1024)) < 1e-12);
  // n = 6 is the smallest with an interval (2·2⁻⁶ = 0.031); n = 5 has none (2·2⁻⁵ = 0.0625)
  assert.deepEqual([medianInterval([1, 2, 3, 4, 5, 6]).lo, medianInterval([1, 2, 3, 4, 5, 6]).hi], [1, 6]);
  assert.deepEqual([medianInterval([1, 2, 3, 4, 5]).lo, medianInterval([1, 2, 3, 4, 5]).hi], [-Infinity, Infinity]);
  assert.ok(Number.isNaN(medianInterval([1, NaN, 3]).median));
  assert.throws(() => medianInterval([]), /no values/);
});

test("large n: the interval's coverage stays just above 95 % (normal approximation k ≈ n/2 − 0.98·√n)", () => {
  const n = 1001;
  const m = medianInterval(Array.from({ length: n }, (_, i) => i + 1));
  const k = m.lo; // values are their own ranks
  assert.ok(Math.abs(k - (n / 2 - 0.98 * Math.sqrt(n))) <= 2, `k ${k}`);
  assert.equal(m.hi, n + 1 - k);
  assert.ok(m.coverage >= 0.95 && m.coverage < 0.96, `coverage ${m.coverage}`);
});

test("ratio verdicts: an interval containing 1 never prints as a multiplier", () => {
  const same = new Ratio("silu", "swish", [0.97, 1.02, 0.95, 1.04, 0.99, 1.01, 0.98, 1.06, 0.93]);
  assert.equal(same.verdict, "no measurable difference");
  assert.ok(same.lo <= 1 && same.hi >= 1);
  assert.match(String(same), /^silu vs swish: no measurable difference \(ratio 0\.99, 95 % CI 0\.9[0-9]–1\.0[0-9], 9 rounds\)$/);
  assert.doesNotMatch(String(same), /×/);
  const slower = new Ratio("gelu", "relu", [3.1, 3.0, 3.3, 2.9, 3.2, 3.05, 3.15]);
  assert.equal(slower.verdict, "gelu slower than relu");
  assert.match(String(slower), /^gelu slower than relu: 3\.10× \(95 % CI 2\.90–3\.30, 7 rounds\)$/);
  assert.equal(new Ratio("relu", "gelu", [0.3, 0.31, 0.32, 0.33, 0.29, 0.3]).verdict, "relu faster than gelu");
  const bundle = same[DISPLAY]() as Record<string, string>;
  assert.match(bundle["text/html"], /no measurable difference/);
  assert.doesNotMatch(bundle["text/html"], /×/);
});

test("clears(noise): a ratio counts only beyond both 1 and the identical pair's spread", () => {
  // per-round ratios: the noise pair spans 0.90–1.30 on a loaded machine (interval excludes 1 by chance)
  const noise = new Ratio("silu", "swish", [1.1, 1.2, 1.25, 1.15, 1.3, 1.05, 1.12, 1.22, 1.18]);
  assert.equal(noise.measurable, true, "the identical pair itself reads measurable here");
  const modest = new Ratio("elu", "relu", [1.15, 1.2, 1.18, 1.22, 1.16, 1.21, 1.19, 1.17, 1.2]);
  assert.equal(modest.measurable, true);
  assert.equal(modest.clears(noise), false, "inside the noise pair's spread: says nothing");
  const large = new Ratio("gelu", "relu", [3.1, 3.0, 3.3, 2.9, 3.2, 3.05, 3.15, 3.0, 3.1]);
  assert.equal(large.clears(noise), true);
  const faster = new Ratio("relu", "gelu", [0.3, 0.31, 0.32, 0.33, 0.29, 0.3, 0.31, 0.3, 0.32]);
  assert.equal(faster.clears(noise), true, "below 1 and below the noise interval");
  const quiet = new Ratio("silu", "swish", [0.98, 1.01, 0.99, 1.02, 1.0, 0.97, 1.03, 1.0, 0.99]);
  assert.equal(modest.clears(quiet), true, "with a quiet timer the same modest ratio stands out");
});

test("identical tasks read as no measurable difference; the interval contains 1", async (ctx) => {
  const n = lengthFor(3);
  const t = await timeit({ first: () => work(n), second: () => work(n) }, { rounds: 21, minMs: 10 });
  const r = t.ratio("first", "second");
  assert.equal(r.rounds, 21);
  assert.equal(t.task("first").samples.length, 21);
  assert.ok(t.task("first").lo <= t.task("first").median && t.task("first").median <= t.task("first").hi);
  // a false alarm here has probability ≤ 2.7 % (the interval's coverage), so check a second run before failing
  ctx.diagnostic(String(r));
  const verdicts = [r.verdict];
  if (r.verdict !== "no measurable difference") {
    verdicts.push((await timeit({ first: () => work(n), second: () => work(n) })).ratio("first", "second").verdict);
  }
  assert.ok(verdicts.includes("no measurable difference"), `verdicts ${verdicts.join("; ")}; ${r}`);
  assert.equal(ratio(t, "first", "second").ratio, r.ratio);
  assert.ok(Math.abs(Math.log(r.ratio)) < Math.log(1.3), `identical work measured ${r}`);
});

test("a task doing 4× the work reads slower; its interval excludes 1", async (ctx) => {
  const n = lengthFor(2);
  const t = await timeit({ small: () => work(n), large: () => work(4 * n) }, { rounds: 15 });
  const r = t.ratio("large", "small");
  ctx.diagnostic(String(r));
  assert.equal(r.verdict, "large slower than small");
  assert.ok(r.lo > 1, `${r}`);
  assert.ok(r.ratio > 2.5 && r.ratio < 6, `4× the work measured ${r}`);
  assert.equal(t.ratio("small", "large").verdict, "small faster than large");
  assert.ok(t.task("large").iterations <= t.task("small").iterations, "calibration gives the slower task no more calls per sample");
  const bundle = t[DISPLAY]() as Record<string, string>;
  assert.match(bundle["text/plain"], /^task\s+median ms\/call/);
  assert.match(bundle["text/html"], /<table>.*<td>large<\/td>/);
});

test("calibration: calls per sample make a sample of about minMs", async () => {
  // A busy-wait lasts at least its wall time however loaded the machine is, so the bounds are exact:
  // a batch of n calls lasts ≥ 0.5·n ms, so calibration stops by n = 20 and aims at most 20 % past it.
  const spin = (ms: number) => () => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  const t = await timeit({ spin: spin(0.5) }, { rounds: 6, minMs: 10 });
  const { iterations, samples } = t.task("spin");
  assert.ok(iterations >= 2 && iterations <= 24, `calls per sample ${iterations}`);
  assert.ok(samples.every((ms) => ms >= 0.5), `ms per call ${samples.join(", ")}`);
});

test("returned tensors are read back and disposed; an input returned as-is is not; leaks are refused", async () => {
  const x = tf.randomNormal([1 << 14]);
  const start = tf.memory().numTensors;
  const t = await timeit(
    {
      relu: () => tf.relu(x),
      pair: () => [tf.sigmoid(x), { y: tf.tanh(x) }],
      async: async () => tf.elu(x),
      input: () => x,
    },
    { rounds: 6, minMs: 2 },
  );
  assert.equal(tf.memory().numTensors, start, "every returned tensor was disposed");
  assert.equal(x.isDisposed, false, "the task's input survives");
  assert.equal(t.tasks.length, 4);
  const kept: tf.Tensor[] = []; // the leaky task's tensors, kept here only so the test can clean up
  await assert.rejects(
    timeit({ leaky: () => void kept.push(tf.relu(x)) }, { rounds: 6, minMs: 1 }),
    (e: Error) => /task "leaky" left \d+ tensors behind over \d+ calls; wrap its body in tf\.tidy/.test(e.message) && e.message.includes(`left ${kept.length} tensors`),
  );
  tf.dispose(kept);
  tf.dispose(x);
  assert.equal(tf.memory().numTensors, start - 1);
});

test("bad options are refused with the valid choices", async () => {
  await assert.rejects(timeit({}), /no tasks/);
  await assert.rejects(timeit({ a: 3 as never }), /task "a" is number, not a function/);
  await assert.rejects(timeit({ a: () => 1 }, { rounds: 5 }), /rounds must be an integer ≥ 6/);
  await assert.rejects(timeit({ a: () => 1 }, { minMs: 0 }), /minMs must be a positive/);
  assert.throws(() => new Timing([], 21, 10).task("nope"), /no task "nope"/);
});
