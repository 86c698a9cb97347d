/**
 * Independent float64 closed forms of every built-in activation, written from the papers'
 * formulas with plain Math (no tfjs), for the numerics suite to check against.
 */
const SELU_A = 1.6732632423543772;
const SELU_L = 1.0507009873554805;

/** erf by Simpson's rule on 2/√π ∫₀ˣ e^(−t²) dt: slow but accurate to ~1e-13. */
export function erf64(x: number): number {
  if (x === 0) return 0;
  if (Math.abs(x) > 6) return Math.sign(x);
  const n = 4000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

type F = (x: number, p: Record<string, number>) => number;

export const REFERENCE: Record<string, F> = {
  linear: (x) => x,
  sigmoid: (x) => sig(x),
  tanh: (x) => Math.tanh(x),
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(Math.max(0, x), 6),
  leaky_relu: (x, p) => (x >= 0 ? x : p.alpha * x),
  prelu: (x, p) => (x >= 0 ? x : p.alpha * x),
  elu: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x)),
  selu: (x) => SELU_L * (x > 0 ? x : SELU_A * Math.expm1(x)),
  celu: (x, p) => Math.max(0, x) + Math.min(0, p.alpha * Math.expm1(x / p.alpha)),
  gelu: (x) => 0.5 * x * (1 + erf64(x / Math.SQRT2)),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  silu: (x) => x * sig(x),
  swish: (x, p) => x * sig(p.beta * x),
  mish: (x) => x * Math.tanh(softplus(x)),
  softplus: (x, p) => softplus(p.beta * x) / p.beta,
  softsign: (x) => x / (1 + Math.abs(x)),
  hard_sigmoid: (x) => Math.max(0, Math.min(1, x / 6 + 0.5)),
  hard_swish: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)),
  hard_tanh: (x) => Math.max(-1, Math.min(1, x)),
  log_sigmoid: (x) => -softplus(-x),
  tanhshrink: (x) => x - Math.tanh(x),
  squareplus: (x, p) => (x + Math.sqrt(x * x + p.b)) / 2,
};

/** Central finite difference of a float64 reference (h small enough for ~1e-8 accuracy). */
export function centralDifference(f: (x: number) => number, x: number, h = 1e-5): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}
