/**
 * The backend-specific forms (per-backend.ts), on every backend: each backend computes with
 * the form meant for it, and on tensorflow the erfc kernel is exact in the tail and
 * differentiable. The numerics suite checks every form's values and derivatives.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeWithBackends } from "../../test/support/backends";
import { tf } from "../tf";
import { activation, listActivations } from "./index";
import { formatRange, properties } from "../properties";
import { byBackend, erfcOnTensorflow } from "./per-backend";
import { LOGIT_PHI, geluLogit, geluLogitAndPdfExponent, logitOps } from "./gelu-kernels";
import { loopsRun } from "./loop-kernels";

/** Φ(−9) and Φ(−12) from published tables of the normal distribution (Abramowitz & Stegun 26.2). */
const PHI_MINUS_9 = 1.1285884e-19;
const PHI_MINUS_12 = 1.7764821e-33;

describeWithBackends("backend-specific forms", (backend) => {
  test("the form computed is the one for this backend", () => {
    const pick = byBackend({ tensorflow: (x) => tf.add(x, 1), portable: (x) => tf.add(x, 2) });
    const x = tf.scalar(0);
    const y = pick(x, {});
    assert.equal(y.dataSync()[0], backend === "tensorflow" ? 1 : 2);
    tf.dispose([x, y]);
  });

  test("gelu's logit polynomial: one loop on wasm and cpu, ops elsewhere; the same values (to float32 rounding) and slope either way", async () => {
    assert.equal(loopsRun(), backend === "wasm" || backend === "cpu");
    const xs = [-1e20, -60, -6, -5.5, -1, -1e-3, 0, 0.5, 1, 3, 5.5, 6, 60, 3e38, NaN];
    const x = tf.tensor1d(xs);
    const before = tf.memory().numTensors;
    const [g, lnPdf] = geluLogitAndPdfExponent(x);
    const [gOnly, ops] = [geluLogit(x), logitOps(x)];
    const slope = tf.grad((t: tf.Tensor) => tf.sum(geluLogit(t)))(x);
    const [gv, lv, gov, ov, sv] = await Promise.all([g, lnPdf, gOnly, ops, slope].map((t) => t.data()));
    xs.forEach((v, i) => {
      const exact = v * (LOGIT_PHI[0] + v * v * (LOGIT_PHI[1] + v * v * (LOGIT_PHI[2] + v * v * (LOGIT_PHI[3] + v * v * LOGIT_PHI[4]))));
      const close = (a: number, b: number) => (Number.isNaN(b) ? Number.isNaN(a) : !Number.isFinite(Math.fround(b)) ? a === Math.fround(b) : Math.abs(a - b) <= 4e-7 * Math.abs(b) + 1e-30);
      assert.ok(close(gv[i], exact) && close(gov[i], exact) && close(ov[i], exact), `g(${v}) = ${gv[i]} / ${gov[i]} / ops ${ov[i]}, expected ${exact}`);
      assert.ok(close(lv[i], -0.5 * Math.log(2 * Math.PI) - 0.5 * v * v), `ln φ(${v}) = ${lv[i]}`);
      if (Math.abs(v) <= 6) {
        const t = v * v;
        const dg = LOGIT_PHI[0] + 3 * LOGIT_PHI[1] * t + 5 * LOGIT_PHI[2] * t * t + 7 * LOGIT_PHI[3] * t ** 3 + 9 * LOGIT_PHI[4] * t ** 4;
        assert.ok(Math.abs(sv[i] - dg) <= 1e-6 * Math.abs(dg), `g′(${v}) = ${sv[i]}, expected ${dg}`);
      }
    });
    tf.dispose([g, lnPdf, gOnly, ops, slope]);
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    x.dispose();
  });

  test("every built-in's range reads the same as its mathematics, whatever the backend's kernels round", () => {
    // Open ends are limits no finite x attains (a float32 kernel may still round to them far out:
    // TensorFlow's tanh gives ±1 from |x| ≈ 7.9); the minima are the functions' own.
    const expected: Record<string, string> = {
      linear: "(−∞, ∞)", sigmoid: "(0, 1)", tanh: "(−1, 1)", relu: "[0, ∞)", relu6: "[0, 6]", leaky_relu: "(−∞, ∞)", prelu: "(−∞, ∞)",
      elu: "(−1, ∞)", selu: "(−1.758, ∞)", celu: "(−1, ∞)", gelu: "[−0.17, ∞)", gelu_tanh: "[−0.17, ∞)", swish: "[−0.2785, ∞)", silu: "[−0.2785, ∞)",
      mish: "[−0.3088, ∞)", softplus: "(0, ∞)", softsign: "(−1, 1)", hard_sigmoid: "[0, 1]", hard_swish: "[−0.375, ∞)", hard_tanh: "[−1, 1]",
      log_sigmoid: "(−∞, 0)", tanhshrink: "(−∞, ∞)", squareplus: "(0, ∞)",
    };
    const builtins = listActivations().filter((n) => n in expected);
    assert.equal(builtins.length, Object.keys(expected).length, "every built-in has its expected range");
    const ranges = Object.fromEntries(properties(builtins).map((r) => [r.label, formatRange(r)]));
    assert.deepEqual(ranges, expected);
  });

  if (backend === "tensorflow") {
    test("gelu's negative tail keeps its relative accuracy (no cancellation to 0)", async () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor1d([-9, -12]);
      const y = activation("gelu").apply(x);
      const [at9, at12] = await y.data();
      assert.ok(Math.abs(at9 / (-9 * PHI_MINUS_9) - 1) < 1e-3, `gelu(−9) = ${at9}, expected ${-9 * PHI_MINUS_9}`);
      assert.ok(Math.abs(at12 / (-12 * PHI_MINUS_12) - 1) < 1e-3, `gelu(−12) = ${at12}, expected ${-12 * PHI_MINUS_12}`);
      tf.dispose([x, y]);
      assert.equal(tf.memory().numTensors, before);
    });

    test("gelu′ on tensorflow (Φ from erf, formed before x·φ is added): within 8e-7 everywhere, x·φ(x) alone in the far tail", async () => {
      const xs = [-12, -9, -6, -5.5, -3, -1, 0, 0.5, 2, 5.5, 9];
      const x = tf.tensor1d(xs);
      const dy = activation("gelu").derivative(x);
      const got = await dy.data();
      const phi = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
      // Φ from the normal tables where it matters at 8e-7, and from the tail expansion below −5.
      const cdf: Record<number, number> = { [-12]: PHI_MINUS_12, [-9]: PHI_MINUS_9, [-6]: 9.865876450377e-10, [-5.5]: 1.898956246588e-8, [-3]: 1.349898031630e-3, [-1]: 0.158655253931457, 0: 0.5, 0.5: 0.691462461274013, 2: 0.977249868051821, 5.5: 1 - 1.898956246588e-8, 9: 1 };
      xs.forEach((v, i) => {
        const expected = cdf[v] + v * phi(v);
        assert.ok(Math.abs(got[i] - expected) <= 8e-7, `gelu′(${v}) = ${got[i]}, expected ${expected}`);
        if (v <= -9) assert.ok(Math.abs(got[i] / (v * phi(v)) - 1) < 1e-3, `gelu′(${v}) = ${got[i]}: the tail is x·φ(x) = ${v * phi(v)}`);
      });
      tf.dispose([x, dy]);
    });

    test("erfc's gradient is −(2/√π)·e^(−x²)", async () => {
      const xs = [-2, -0.5, 0, 0.7, 3];
      const x = tf.tensor1d(xs);
      const g = tf.grad((t: tf.Tensor) => tf.sum(erfcOnTensorflow(t)))(x);
      const got = await g.data();
      xs.forEach((v, i) => {
        const expected = (-2 / Math.sqrt(Math.PI)) * Math.exp(-v * v);
        assert.ok(Math.abs(got[i] - expected) <= 1e-6 + 1e-5 * Math.abs(expected), `erfc′(${v}) = ${got[i]}, expected ${expected}`);
      });
      tf.dispose([x, g]);
    });
  } else {
    test("erfc, which only tensorflow has, says so instead of computing", () => {
      const x = tf.scalar(1);
      assert.throws(() => erfcOnTensorflow(x), /tensorflow backend only; the backend now is/);
      x.dispose();
    });
  }
});
