import { test } from "node:test";
import assert from "node:assert/strict";
import { DISPLAY } from "../live";
import { answer, ANSWER_MIME } from "./answer";
import { Claim, claim } from "./claim";
import { summarize } from "./summary";

const c8 = claim("C8", "ReLU does not saturate for x > 0.", { "f'(x) for x > 0": 1, "f'(10)": 1 }, true, { key: "f'(10)" });
const c9 = claim("C9", "ReLU units can die.", { "dead share": summarize([0.4, 0.42, 0.45, 0.41, 0.43]) }, true);
const c14 = claim("C14", "GELU costs about 2× ReLU, hidden by the rest of a layer.", { "gelu / relu": 2.01 }, "partly", { corrects: "GELU is much slower" });

test("an answer lists each claim's sentence with its key number and id", () => {
  const a = answer("How would you choose the activation function of a deep network?", [c8, c9], {
    followUps: [{ q: "Is GELU worth its cost?", claims: [c14] }],
  });
  const text = String(a);
  assert.match(text, /^How would you choose the activation function of a deep network\?\n/);
  assert.match(text, /\n {2}• ReLU does not saturate for x > 0\. \(f'\(10\) = 1\) \[C8\]\n/);
  assert.match(text, /\n {2}• ReLU units can die\. \(dead share = 0\.422 ± .*n = 5\)\) \[C9\]\n/);
  assert.match(text, /\n {2}Follow-up: Is GELU worth its cost\?\n {4}• GELU costs about 2× ReLU, .* \(gelu \/ relu = 2\.01\) — only partly; not "GELU is much slower" \[C14\]/);
  assert.deepEqual(a.ids, ["C8", "C9", "C14"]);
  const bundle = a[DISPLAY]() as Record<string, unknown>;
  assert.match(bundle["text/html"] as string, /<li>ReLU units can die\. .*<code>C9<\/code><\/li>/);
  const payload = bundle[ANSWER_MIME] as { claims: { id: string }[]; followUps: { claims: { verdict: string }[] }[] };
  assert.deepEqual(payload.claims.map((c) => c.id), ["C8", "C9"]);
  assert.equal(payload.followUps[0].claims[0].verdict, "partly");
});

test("an answer rejects anything that is not a verified claim", () => {
  const lookalike = { id: "C9", says: "ReLU units can die.", measured: { x: 1 }, verdict: "holds" };
  assert.throws(() => answer("Q", [c8, lookalike as never]), /answer: claims\[1\] is not a verified claim \(got a plain object\); make each with claim\(/);
  const forged = Object.create(Claim.prototype) as Claim;
  assert.throws(() => answer("Q", [forged]), /claims\[0\] is not a verified claim \(got a Claim\)/);
  const constructed = new Claim("C1", "Stacks collapse.", { rank: 1 }, "holds", undefined, "rank");
  assert.throws(() => answer("Q", [constructed]), /claims\[0\] is not a verified claim/, "only claim() verifies");
  assert.throws(() => answer("Q", ["C9" as never]), /claims\[0\] is not a verified claim \(got string "C9"\)/);
  assert.throws(() => answer("Q", []), /claims must be a non-empty array/);
  assert.throws(() => answer("", [c8]), /title must be the question/);
  assert.throws(() => answer("Q", [c8], { followUps: [{ q: "Why?", claims: [null as never] }] }), /followUps\[0\]\.claims\[0\] is not a verified claim \(got null\)/);
});
