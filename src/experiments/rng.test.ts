import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "./rng";

test("normals(n) gives exactly the values of n calls of normal(), whatever the spare", () => {
  for (const [n, before] of [[7, 0], [8, 1], [1, 1], [0, 1], [1001, 3]]) {
    const bulk = new Rng(42);
    const single = new Rng(42);
    for (let i = 0; i < before; i++) assert.equal(bulk.normal(), single.normal());
    const values = bulk.normals(n, 0.5);
    assert.equal(values.length, n);
    for (let i = 0; i < n; i++) assert.equal(values[i], Math.fround(single.normal() * 0.5), `n=${n} before=${before} i=${i}`);
    // Both generators end in the same state, spare included.
    assert.equal(bulk.normal(), single.normal());
    assert.equal(bulk.uniform(), single.uniform());
  }
});

test("normals are standard normal: mean 0, variance 1, P(|z| < 1.96) = 0.95", () => {
  const z = new Rng(7).normals(200_000);
  let sum = 0;
  let sumSq = 0;
  let inside = 0;
  for (const v of z) {
    sum += v;
    sumSq += v * v;
    if (Math.abs(v) < 1.959964) inside++;
  }
  const mean = sum / z.length;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sumSq / z.length - 1) < 0.015, `variance ${sumSq / z.length}`);
  assert.ok(Math.abs(inside / z.length - 0.95) < 0.003, `coverage ${inside / z.length}`);
});
