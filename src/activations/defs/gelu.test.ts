import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../tf";
import { activation } from "../index";

/** φ(x) and x·Φ(x) in float64 for the far tail, where Φ(x) ≈ φ(x)/|x| (Mills' ratio, error < 1/x²). */
const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

test("gelu's tails: the error stays under 1.1e-7 (value) and 8e-7 (slope) however large |x| is", async () => {
  const xs = [-1e6, -1e4, -100, -60, -10, -7, -6.2, -5.6, 5.6, 6.2, 7, 10, 60, 100, 1e4, 1e6];
  const gelu = activation("gelu");
  const before = tf.memory().numTensors;
  const x = tf.tensor1d(xs);
  const [yt, dyt] = [gelu.apply(x), gelu.derivative(x)];
  const [y, dy] = await Promise.all([yt.data(), dyt.data()]);
  tf.dispose([x, yt, dyt]);
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    const tail = v < 0 ? -phi(v) : 0; // x·Φ(x) ≈ −φ(x) for x ≪ 0, and x − x·Φ(−x) ≈ x for x ≫ 0
    const exact = v < 0 ? tail : v;
    assert.ok(Math.abs(y[i] - exact) <= 1.1e-7 + 6e-8 * Math.abs(exact), `gelu(${v}) = ${y[i]}, expected ≈ ${exact}`);
    const slope = v < 0 ? 0 : 1; // Φ(x) + x·φ(x) → 0 below, 1 above, each within 8e-7 past |x| = 5.5
    assert.ok(Math.abs(dy[i] - slope) <= 8e-7, `gelu′(${v}) = ${dy[i]}, expected ≈ ${slope}`);
  }
});
