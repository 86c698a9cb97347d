/**
 * One numerics suite, run on every backend (scripts/test.js gives each its own process; see
 * test/support/backends.ts): each activation's float32 values and closed-form derivatives
 * against independent float64 formulas, central differences of those formulas, and tfjs
 * autodiff; finiteness on [−100, 100]; no tensor leaks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeWithBackends } from "../../test/support/backends";
import { centralDifference, REFERENCE } from "../../test/support/reference";
import { tf } from "../tf";
import { activation, listActivations } from "./index";
import { definitionOf } from "./registry";
import type { Params } from "./types";

/** Built-ins with non-default parameters too, so parameters are exercised. */
const CASES: [string, Params?][] = [
  ...listActivations().filter((n) => n in REFERENCE).map((n) => [n] as [string]),
  ["leaky_relu", { alpha: 0.2 }],
  ["prelu", { alpha: 0.1 }],
  ["elu", { alpha: 0.5 }],
  ["celu", { alpha: 2 }],
  ["swish", { beta: 2 }],
  ["swish", { beta: 0 }],
  ["softplus", { beta: 3 }],
  ["squareplus", { b: 1 }],
];

const GRID = Array.from({ length: 801 }, (_, i) => -10 + i * 0.025);
const FAR = [-100, -60, -30, -20, 20, 30, 60, 100];

/** Async read: the webgpu backend cannot read a GPU buffer synchronously in Node. */
async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

function within(actual: number, expected: number, abs: number, rel: number): boolean {
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
}

describeWithBackends("numerics", () => {
  for (const [name, params] of CASES) {
    const act = activation(name, params);
    const ref = REFERENCE[name];
    const p = act.params;
    const awayFromKinks = (x: number) => act.kinks.every((k) => Math.abs(x - k) > 1e-3);

    test(`${act.label}: values within 1e-5 abs + 1e-5 rel of float64`, async () => {
      const xs = Float32Array.from([...GRID, ...FAR]);
      const before = tf.memory().numTensors;
      const x = tf.tensor1d(xs);
      const y = act.apply(x);
      const got = await values(y);
      tf.dispose([x, y]);
      assert.equal(tf.memory().numTensors, before, "apply leaked tensors");
      for (let i = 0; i < xs.length; i++) {
        const expected = ref(xs[i], p);
        assert.ok(Number.isFinite(got[i]), `${act.label}(${xs[i]}) is not finite: ${got[i]}`);
        assert.ok(within(got[i], expected, 1e-5, 1e-5), `${act.label}(${xs[i]}) = ${got[i]}, expected ${expected}`);
      }
    });

    test(`${act.label}: derivative within 1e-4 of central differences and of autodiff`, async () => {
      const xs = Float32Array.from([...GRID, ...FAR].filter(awayFromKinks));
      const before = tf.memory().numTensors;
      const x = tf.tensor1d(xs);
      const dy = act.derivative(x);
      // Autodiff of the raw definition: independent of the closed form that apply() uses for its gradient.
      const def = definitionOf(act.name);
      const auto = tf.grad((v: tf.Tensor) => tf.sum(def.fn(v, p)))(x);
      const throughApply = tf.grad((v: tf.Tensor) => tf.sum(act.apply(v)))(x);
      assert.deepEqual(await values(throughApply), await values(dy), "tf.grad through apply() uses the closed form");
      throughApply.dispose();
      const closed = await values(dy);
      const autodiff = await values(auto);
      tf.dispose([x, dy, auto]);
      assert.equal(tf.memory().numTensors, before, "derivative leaked tensors");
      for (let i = 0; i < xs.length; i++) {
        const fd = centralDifference((v) => ref(v, p), xs[i]);
        assert.ok(Number.isFinite(closed[i]), `${act.label}'(${xs[i]}) is not finite`);
        assert.ok(within(closed[i], fd, 1e-4, 1e-4), `${act.label}'(${xs[i]}) = ${closed[i]}, central difference ${fd}`);
        if (Math.abs(xs[i]) <= 20 && xs[i] !== 0) {
          // Autodiff of saturating forms can round differently far out, and stable forms have a
          // seam at 0 (|x|) where autodiff picks a one-sided value; elsewhere it must agree.
          assert.ok(within(closed[i], autodiff[i], 1e-4, 1e-4), `${act.label}'(${xs[i]}) = ${closed[i]}, autodiff ${autodiff[i]}`);
        }
      }
    });
  }

  test("derivative at kinks takes PyTorch's value (relu'(0) = 0, leaky_relu'(0) = alpha, elu'(0) = alpha)", async () => {
    const at = async (name: string, x: number, params?: Params) => {
      const xt = tf.tensor1d([x]);
      const d = activation(name, params).derivative(xt);
      const v = (await values(d))[0];
      tf.dispose([xt, d]);
      return v;
    };
    assert.equal(await at("relu", 0), 0);
    assert.ok(Math.abs(await at("leaky_relu", 0, { alpha: 0.2 }) - 0.2) < 1e-7);
    assert.ok(Math.abs(await at("elu", 0, { alpha: 0.5 }) - 0.5) < 1e-7);
    assert.equal(await at("relu6", 6), 0);
    assert.equal(await at("hard_tanh", 1), 0);
    assert.ok(Math.abs(await at("hard_swish", 3) - 1.5) < 1e-6);
  });
});
