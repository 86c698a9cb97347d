/**
 * Held-out splits: which rows a model trains on and which it is judged on. Both take a seed,
 * so the experiments' `seeds` fix the split together with the data draw and the init.
 */
import { Rng } from "../experiments/rng";

export interface Split {
  /** Row indices to train on, ascending. */
  train: Int32Array;
  /** Row indices held out, ascending. */
  validation: Int32Array;
}

function checkFraction(where: string, fraction: number): void {
  if (typeof fraction !== "number" || !(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`${where}: fraction must be a number in [0, 1) (the share of rows held out for validation; 0 = none), got ${String(fraction)}`);
  }
}

function checkSeed(where: string, seed: number): void {
  if (!Number.isInteger(seed)) throw new RangeError(`${where}: seed must be an integer, got ${String(seed)}`);
}

function ascending(indices: number[]): Int32Array {
  return Int32Array.from(indices).sort();
}

/**
 * Holds out round(fraction · count) rows of each class, chosen by a seeded shuffle within the
 * class, so training and validation keep the data set's class proportions (up to rounding).
 * A class too small to lose a row (round(fraction · count) = 0) stays entirely in training.
 */
export function splitStratified(labels: ArrayLike<number>, fraction: number, seed: number): Split {
  checkFraction("splitStratified", fraction);
  checkSeed("splitStratified", seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isFinite(label)) throw new RangeError(`splitStratified: label ${i} is ${String(label)}; labels must be finite class values`);
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  }
  const rng = new Rng(seed);
  const train: number[] = [];
  const validation: number[] = [];
  // Classes in a fixed (sorted) order so the draw does not depend on which label comes first.
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    const order = rng.permutation(members.length);
    const held = Math.round(fraction * members.length);
    for (let k = 0; k < members.length; k++) (k < held ? validation : train).push(members[order[k]]);
  }
  if (train.length === 0 && labels.length > 0) {
    throw new RangeError(`splitStratified: holding out ${fraction} of ${labels.length} rows leaves none to train on; use a smaller fraction or more rows`);
  }
  return { train: ascending(train), validation: ascending(validation) };
}

/** Holds out round(fraction · n) of the rows 0..n−1 at random (regression: no classes to keep). */
export function splitRandom(n: number, fraction: number, seed: number): Split {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`splitRandom: n must be an integer ≥ 0 (the number of rows), got ${String(n)}`);
  checkFraction("splitRandom", fraction);
  checkSeed("splitRandom", seed);
  const order = new Rng(seed).permutation(n);
  const held = Math.round(fraction * n);
  if (held === n && n > 0) throw new RangeError(`splitRandom: holding out ${fraction} of ${n} rows leaves none to train on; use a smaller fraction or more rows`);
  return { train: ascending(Array.from(order.subarray(held))), validation: ascending(Array.from(order.subarray(0, held))) };
}
