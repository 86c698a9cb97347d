/**
 * gelu's logit polynomial off tensorflow. g(x) = x·(c₀ + c₁x² + c₂x⁴ + c₃x⁶ + c₄x⁸) is the odd polynomial
 * with σ(g(x)) ≈ Φ(x) that gelu and its derivative use there (the fit and its accuracy: below).
 *
 * ```ts
 * geluLogit(tf.tensor([0, 1])).print(); // [0, 1.6686]   σ(1.6686) = 0.8413 = Φ(1)
 * ```
 *
 * Built from tfjs ops, g is ten passes over the data (the square, four Horner steps of two
 * ops, the product with x). On wasm and cpu it is one loop (loop-kernels.ts): on wasm, for 1e6
 * values, 2.3 ms where the ten passes took ~3.6, so gelu went from 6.1 to 5.0 ms and gelu′
 * from 9.2 to ~8, where the same loop also writes ln φ(x) = ln(1/√(2π)) − x²/2. Alone, short
 * chains lose as loops (ln φ 1.8 ms, Φ + x·φ 3.4, against ~1.0 and ~1.3 as ops). Differentiable (for
 * autodiff of the raw definitions): dg/dx = c₀ + 3c₁x² + 5c₂x⁴ + 7c₃x⁶ + 9c₄x⁸.
 */
import { tf, type Tensor } from "../tf";
import { loopsRun, registerLoopKernel, runLoop, runLoopOutputs } from "./loop-kernels";

/**
 * Odd polynomial g with σ(g(x)) ≈ Φ(x) on [−5.5, 5.5]: a weighted least-squares fit of logit Φ
 * (float64; weights Φ(1 − Φ)(1 + |x|), so the error is measured where gelu feels it). In
 * float64 σ(g(x)) is within 3.5e-6 of Φ, gelu within 3.8e-6 and gelu′ within 3.5e-6; in float32
 * the numerics suite checks gelu against an independent erf to 1e-5 and gelu′ against central
 * differences to 1e-4. Five terms, not more: on wasm every term is two passes over the data,
 * and gelu's cost is the number of passes (here, on wasm and cpu, they are one loop).
 *
 * Beyond ±5.5 the fit needs no clipping: g′ ≥ g′(0) = 1.596 for every x ≥ 0 (g is odd), and its
 * x⁹ term carries it far past the logit of Φ (g(±6) = ±29.9, where logit Φ(6) is 20.7), so
 * σ(g(x)) is 0 or 1 to within 1e-13 and x·σ(g(x)) → −0 below, x above. Checked in float32 over
 * [−60, 60] and out to ±3e38: in the tails the error is at most 0.92 of the 1.1e-7 + 6e-8·|gelu|
 * that gelu.test.ts allows (at −5.5, where the clipped form it replaced was the same), the
 * slope's at most 3.3e-7. Large |x| overflow x² and g to ±∞, which σ maps to 0 or 1; only
 * x = ±∞ itself gives NaN (∞·0), as PyTorch's gelu does.
 */
export const LOGIT_PHI = [1.5957050083e0, 7.2860832369e-2, -2.1691298358e-4, -6.6039554098e-5, 2.4611349930e-6] as const;

/** φ(x) = e^(LN_PDF_AT_0 − x²/2). */
const LN_PDF_AT_0 = Math.log(1 / Math.sqrt(2 * Math.PI));

registerLoopKernel(
  "ActivationLabGeluLogit",
  ["x"],
  1,
  ([x], [g]) => {
    const [c0, c1, c2, c3, c4] = LOGIT_PHI;
    for (let i = 0; i < g.length; i++) {
      const v = x[i];
      const t = v * v;
      g[i] = v * (c0 + t * (c1 + t * (c2 + t * (c3 + t * c4))));
    }
  },
  ([dy], [x]) => ({ x: () => tf.mul(dy, logitSlopeOps(x)) }),
);

// The derivative needs ln φ(x) too; written in the same pass it costs ~0.3 ms per 1e6 values
// where the three ops it replaces (square, scale, shift) cost ~1.
registerLoopKernel(
  "ActivationLabGeluLogitAndPdfExponent",
  ["x"],
  2,
  ([x], [g, lnPdf]) => {
    const [c0, c1, c2, c3, c4] = LOGIT_PHI;
    for (let i = 0; i < g.length; i++) {
      const v = x[i];
      const t = v * v;
      g[i] = v * (c0 + t * (c1 + t * (c2 + t * (c3 + t * c4))));
      lnPdf[i] = LN_PDF_AT_0 - 0.5 * t;
    }
  },
  ([dg, dLnPdf], [x]) => ({ x: () => tf.add(tf.mul(dg, logitSlopeOps(x)), tf.mul(dLnPdf, tf.neg(x))) }),
);

/** g(x) from tfjs ops: Horner in x², each step's intermediate freed at once (a smaller working set is measurably faster on wasm). */
export function logitOps(x: Tensor): Tensor {
  return tf.tidy(() => {
    const t = tf.square(x);
    const n = LOGIT_PHI.length;
    let poly = tf.add(tf.mul(t, LOGIT_PHI[n - 1]), LOGIT_PHI[n - 2]);
    for (let k = n - 3; k >= 0; k--) {
      const scaled = tf.mul(poly, t);
      poly.dispose();
      poly = tf.add(scaled, LOGIT_PHI[k]);
      scaled.dispose();
    }
    return tf.mul(poly, x);
  });
}

/** dg/dx = Σ (2k + 1)·c_k·x^(2k), from tfjs ops. */
function logitSlopeOps(x: Tensor): Tensor {
  return tf.tidy(() => {
    const t = tf.square(x);
    const n = LOGIT_PHI.length;
    let poly: Tensor = tf.scalar((2 * (n - 1) + 1) * LOGIT_PHI[n - 1]);
    for (let k = n - 2; k >= 0; k--) poly = tf.add(tf.mul(poly, t), (2 * k + 1) * LOGIT_PHI[k]);
    return poly;
  });
}

/** g(x) on the backend computing now: one loop on wasm and cpu, ops elsewhere. */
export function geluLogit(x: Tensor): Tensor {
  return loopsRun() ? runLoop("ActivationLabGeluLogit", { x }) : logitOps(x);
}

/** g(x) and ln φ(x) = ln(1/√(2π)) − x²/2 together: one loop on wasm and cpu, ops elsewhere. */
export function geluLogitAndPdfExponent(x: Tensor): [Tensor, Tensor] {
  if (loopsRun()) return runLoopOutputs("ActivationLabGeluLogitAndPdfExponent", { x }) as [Tensor, Tensor];
  return [logitOps(x), tf.tidy(() => tf.add(tf.mul(tf.square(x), -0.5), LN_PDF_AT_0))];
}
