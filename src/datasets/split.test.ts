/** Held-out splits: disjoint, covering, class proportions kept, the same rows for the same seed. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { splitRandom, splitStratified } from "./split";
import { spiral } from ".";

function assertPartition(split: { train: Int32Array; validation: Int32Array }, n: number): void {
  const seen = new Uint8Array(n);
  for (const part of [split.train, split.validation]) {
    for (let k = 0; k < part.length; k++) {
      if (k > 0) assert.ok(part[k] > part[k - 1], "indices ascending, no repeats");
      assert.equal(seen[part[k]], 0, `row ${part[k]} in both parts`);
      seen[part[k]] = 1;
    }
  }
  assert.ok(seen.every((s) => s === 1), "every row in one part");
}

test("splitStratified: disjoint, covering, round(fraction · count) held out of each class", () => {
  // Classes of 40, 25 and 7 rows, interleaved so a split by position would not keep proportions.
  const counts = [40, 25, 7];
  const labels: number[] = [];
  for (let c = 0; c < counts.length; c++) for (let k = 0; k < counts[c]; k++) labels.push(c);
  const shuffled = labels.map((l, i) => ({ l, key: (i * 7919) % labels.length })).sort((a, b) => a.key - b.key).map((e) => e.l);
  const split = splitStratified(shuffled, 0.25, 1);
  assertPartition(split, shuffled.length);
  for (let c = 0; c < counts.length; c++) {
    const held = Array.from(split.validation).filter((i) => shuffled[i] === c).length;
    assert.equal(held, Math.round(0.25 * counts[c]), `class ${c}`);
  }
});

test("splitStratified: same seed, same rows; other seed, other rows", () => {
  const { y } = spiral({ n: 120, seed: 0 });
  const a = splitStratified(y, 0.3, 5);
  assert.deepEqual(splitStratified(y, 0.3, 5), a);
  assert.notDeepEqual(splitStratified(y, 0.3, 6).validation, a.validation);
});

test("splitStratified: fraction 0 holds out nothing; a one-row class stays in training", () => {
  const none = splitStratified([0, 1, 1, 0], 0, 3);
  assert.deepEqual(Array.from(none.train), [0, 1, 2, 3]);
  assert.equal(none.validation.length, 0);
  const labels = [0, 0, 0, 0, 1];
  const split = splitStratified(labels, 0.25, 0);
  assert.ok(split.train.includes(4), "round(0.25 · 1) = 0 rows of class 1 held out");
  assert.equal(split.validation.length, 1);
});

test("splitRandom: disjoint, covering, deterministic per seed", () => {
  const a = splitRandom(101, 0.2, 9);
  assertPartition(a, 101);
  assert.equal(a.validation.length, 20);
  assert.deepEqual(splitRandom(101, 0.2, 9), a);
  assert.notDeepEqual(splitRandom(101, 0.2, 10).validation, a.validation);
});

test("bad fractions and seeds name the valid range", () => {
  for (const f of [1, -0.1, NaN, 1.5]) {
    assert.throws(() => splitStratified([0, 1], f, 0), /fraction must be a number in \[0, 1\)/);
    assert.throws(() => splitRandom(10, f, 0), /fraction must be a number in \[0, 1\)/);
  }
  assert.throws(() => splitRandom(10, 0.2, 1.5), /seed must be an integer/);
  assert.throws(() => splitRandom(1, 0.6, 0), /leaves none to train on/);
});
