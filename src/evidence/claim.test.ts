import { test } from "node:test";
import assert from "node:assert/strict";
import { DISPLAY } from "../live";
import { Claim, CLAIM_MIME, claim, ClaimError, jsonSafe } from "./claim";
import { compare, summarize } from "./summary";
import { Ratio } from "./timing";

type Bundle = Record<string, unknown>;

test("a claim that holds displays as a card with the claim MIME payload", () => {
  const dead = summarize([0.4, 0.42, 0.45, 0.41, 0.43]);
  const c = claim("C9", "ReLU units can die: a share of them outputs 0 on every example.", { "dead share (relu)": dead, "largest gradient": 0 }, true);
  assert.ok(c instanceof Claim);
  assert.equal(c.verdict, "holds");
  const bundle = c[DISPLAY]() as Bundle;
  assert.deepEqual(bundle[CLAIM_MIME], {
    id: "C9",
    says: "ReLU units can die: a share of them outputs 0 on every example.",
    measured: { "dead share (relu)": { ...dead }, "largest gradient": 0 },
    verdict: "holds",
  });
  const text = bundle["text/plain"] as string;
  assert.match(text, /^✔ C9 holds — ReLU units can die/);
  assert.match(text, /\n {4}largest gradient = 0(\n|$)/);
  // Summaries show their interval, not a bare mean: sd = √(0.00148/4) = 0.019235, half-width 2.776 · sd/√5 = 0.0239
  assert.match(text, /\n {4}dead share \(relu\) = 0\.422 ± 0\.0239 \(95 % CI 0\.398 to 0\.446, n = 5\)\n/);
  const html = bundle["text/html"] as string;
  assert.match(html, /<b>C9<\/b>/);
  assert.match(html, />holds</);
  assert.doesNotMatch(html, /common wording/);
  assert.deepEqual(JSON.parse(JSON.stringify(c)), bundle[CLAIM_MIME], "toJSON is the same payload");
});

test('"partly" needs the common wording it corrects, and shows myth vs measurement', () => {
  const ratio = new Ratio("gelu", "relu", [1.9, 2.1, 2.0, 2.05, 1.95, 2.02]);
  const c = claim("C14", "GELU costs about 2× ReLU per call, which the rest of a layer hides.", { "gelu / relu": ratio }, "partly", {
    corrects: "GELU is much more expensive than ReLU",
  });
  const bundle = c[DISPLAY]() as Bundle;
  const payload = bundle[CLAIM_MIME] as Record<string, unknown>;
  assert.equal(payload.verdict, "partly");
  assert.equal(payload.corrects, "GELU is much more expensive than ReLU");
  assert.deepEqual(payload.measured, { "gelu / relu": { a: "gelu", b: "relu", ratio: ratio.ratio, lo: ratio.lo, hi: ratio.hi, rounds: 6, verdict: "gelu slower than relu" } });
  assert.match(bundle["text/plain"] as string, /^◐ C14 partly — .*\n {4}common wording: GELU is much more expensive than ReLU\n {4}gelu \/ relu = gelu slower than relu: 2\.0\d× \(95 % CI/);
  assert.match(bundle["text/html"] as string, /common wording:.*<s>GELU is much more expensive than ReLU<\/s>.*measured:/);
  assert.throws(() => claim("C14", "GELU costs more.", { r: 2 }, "partly"), (e: Error) => e instanceof TypeError && /C14: verdict "partly" needs options\.corrects/.test(e.message));
});

test("a claim its numbers contradict throws a ClaimError naming the id, the sentence and every number", () => {
  const says = "Sigmoid's derivative is at most 0.25.";
  assert.throws(
    () => claim("C3", says, { "max f'": 0.3, "at x": 0, backend: "wasm" }, false),
    (e: unknown) => {
      assert.ok(e instanceof ClaimError);
      assert.equal(e.name, "ClaimError");
      assert.equal(e.id, "C3");
      assert.match(e.message, /^C3 does not hold: "Sigmoid's derivative is at most 0\.25\." — measured: max f' = 0\.3; at x = 0; backend = wasm$/);
      return true;
    },
  );
});

test("holds as a function of the measurements: true, partly, false, or a check that throws", () => {
  const measured = { "max f'": 0.25, samples: [0.1, 0.2, 0.25] };
  assert.equal(claim("C3", "Sigmoid's derivative is at most 0.25.", measured, (m) => m["max f'"] <= 0.25 + 1e-6).verdict, "holds");
  assert.equal(claim("C3", "Only the centre reaches 0.25.", measured, (m) => (m.samples.length ? "partly" : false), { corrects: "sigmoid's slope is 0.25" }).verdict, "partly");
  assert.throws(() => claim("C3", "Sigmoid's derivative exceeds 0.3.", measured, (m) => m["max f'"] > 0.3), /^ClaimError: C3 does not hold: .* max f' = 0\.25; samples = \[0\.1, 0\.2, 0\.25\]$/m);
  assert.throws(
    () => claim("C3", "Sigmoid is bounded.", measured, () => { throw new RangeError("no such row"); }),
    (e: unknown) => e instanceof ClaimError && /^C3 could not be checked \(no such row\): "Sigmoid is bounded\." — measured: max f' = 0\.25/.test(e.message) && e.cause instanceof RangeError,
  );
  // a check that forgets to return is a usage error, not a verdict
  assert.throws(() => claim("C3", "x", measured, (() => undefined) as never), /holds must be true, "partly" or false, .* got undefined/);
});

test("NaN and infinities in measured stay JSON-safe; the card's payload survives JSON", () => {
  const c = claim("C26", "float16 overflows past 65504.", { "exp(12) in float16": Infinity, "diverged loss": NaN, low: -Infinity, seeds: [1, NaN], one: summarize([0.5]) }, true);
  const payload = (c[DISPLAY]() as Bundle)[CLAIM_MIME] as { measured: Record<string, unknown> };
  assert.deepEqual(payload.measured, {
    "exp(12) in float16": "Infinity",
    "diverged loss": "NaN",
    low: "-Infinity",
    seeds: [1, "NaN"],
    one: { mean: 0.5, sd: "NaN", lo: "-Infinity", hi: "Infinity", n: 1 },
  });
  assert.deepEqual(JSON.parse(JSON.stringify(payload)), payload, "nothing turns into null");
  assert.match(String(c), /exp\(12\) in float16 = ∞/);
  assert.deepEqual(jsonSafe(new Float32Array([1, Infinity])), [1, "Infinity"]);
});

test("compare() results and records format with their verdict", () => {
  const cmp = compare([0.9, 0.91, 0.92, 0.9, 0.93], [0.8, 0.82, 0.81, 0.8, 0.83]);
  const c = claim("C12", "Leaky ReLU trains past the dead units.", { "leaky − relu accuracy": cmp, "dead share": { relu: 0.4, leaky_relu: 0 } }, (m) => m["leaky − relu accuracy"].verdict === "higher");
  assert.match(String(c), /leaky − relu accuracy = higher \(difference 0\.1 ± /);
  assert.match(String(c), /dead share = relu: 0\.4, leaky_relu: 0/);
});

test("bad input is refused with what is valid", () => {
  assert.throws(() => claim("c9", "x", { a: 1 }, true), /id "c9" must be like "C9"/);
  assert.throws(() => claim("C9", "  ", { a: 1 }, true), /says must be the sentence/);
  assert.throws(() => claim("C9", "x", {}, true), /measured is empty/);
  assert.throws(() => claim("C9", "x", { t: new Map() }, true), /C9 measured\.t is a Map; a measured value must be a number, string, boolean, Summary, Ratio/);
  assert.throws(() => claim("C9", "x", { deep: { list: [1, null] } }, true), /C9 measured\.deep\.list\[1\] is null/);
  assert.throws(() => claim("C9", "x", { a: 1 }, true, { key: "b" }), /key "b" is not measured; measured: a/);
  assert.throws(() => claim("C9", "x", { a: 1 }, (async () => true) as never), /must be synchronous/);
  assert.equal(claim("GELU-cost.2", "Labels other than C-numbers work.", { a: 1 }, true).id, "GELU-cost.2");
});
