/** The synthetic datasets: shapes, determinism, and the geometry each one promises (checked with noise 0). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { circles, dataset, moons, sine, spiral, xor } from ".";

test("shapes, labels and determinism per seed", () => {
  for (const make of [spiral, moons, circles, xor]) {
    const d = make({ n: 90, seed: 3 });
    assert.equal(d.x.length, 90 * 2);
    assert.equal(d.y.length, 90);
    assert.ok(d.y.every((c) => Number.isInteger(c) && c >= 0 && c < d.classes), d.name);
    assert.deepEqual(make({ n: 90, seed: 3 }).x, d.x, `${d.name}: same seed, same points`);
    assert.notDeepEqual(make({ n: 90, seed: 4 }).x, d.x, `${d.name}: other seed, other points`);
  }
  const s = spiral({ n: 99, classes: 3 });
  assert.deepEqual([0, 1, 2].map((c) => s.y.filter((y) => y === c).length), [33, 33, 33]);
});

test("geometry with zero noise", () => {
  const c = circles({ n: 100, noise: 0 });
  for (let i = 0; i < c.n; i++) {
    const r = Math.hypot(c.x[2 * i], c.x[2 * i + 1]);
    assert.ok(Math.abs(r - (c.y[i] === 0 ? 1 : 0.5)) < 1e-6);
  }
  const x = xor({ n: 100, noise: 0 });
  for (let i = 0; i < x.n; i++) assert.equal(x.y[i], x.x[2 * i] * x.x[2 * i + 1] < 0 ? 1 : 0);
  const w = sine({ n: 50, noise: 0 });
  assert.equal(w.task, "regression");
  for (let i = 0; i < w.n; i++) assert.ok(Math.abs(w.y[i] - Math.sin(w.x[i])) < 1e-6 && Math.abs(w.x[i]) <= Math.PI + 1e-6);
  const m = moons({ n: 100, noise: 0 });
  // Upper moon: unit circle centred at the origin; lower moon: centred at (1, 0.5).
  for (let i = 0; i < m.n; i++) {
    const [cx, cy] = m.y[i] === 0 ? [0, 0] : [1, 0.5];
    assert.ok(Math.abs(Math.hypot(m.x[2 * i] - cx, m.x[2 * i + 1] - cy) - 1) < 1e-6);
  }
  const s = spiral({ n: 30, classes: 2, noise: 0 });
  for (let i = 0; i < s.n; i++) assert.ok(Math.hypot(s.x[2 * i], s.x[2 * i + 1]) <= 1 + 1e-6);
});

test("bad options name the problem and the valid choices", () => {
  assert.throws(() => dataset("mnist"), /unknown dataset "mnist"; valid choices: spiral, moons, circles, xor, sine/);
  assert.throws(() => moons({ n: 2 }), /datasets.moons: n must be an integer in \[4, 1000000\], got 2/);
  assert.throws(() => moons({ classes: 3 } as never), /datasets.moons: unknown option "classes"; valid options: n, noise, seed/);
  assert.throws(() => spiral({ noise: -1 }), /noise must be a finite number ≥ 0/);
});
