/**
 * Summary statistics of a gradient or activation tensor, computed in one pass over the
 * values read back from the backend. These are the numbers tfjs-vis shows beside a
 * histogram (count, min, max, mean, std, % zeros, NaN, ±Inf).
 */

export interface Histogram {
  /** bins + 1 bin edges, ascending. */
  edges: number[];
  /** Counts per bin; finite values only (NaN and ±Inf are counted in `nan` / `inf`). */
  counts: number[];
}

export interface GradStats {
  /** L2 norm of the finite values. */
  norm: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Share of values exactly 0. */
  zeroFraction: number;
  /** Count of NaN values. */
  nan: number;
  /** Count of ±Infinity values. */
  inf: number;
  histogram: Histogram;
}

export interface ForwardStats {
  mean: number;
  std: number;
  /** Share of outputs exactly 0 (ReLU's inactive side). */
  zeroFraction: number;
  /** Share of units whose local derivative |f'(z)| is below SATURATION_THRESHOLD. */
  saturatedFraction: number;
  /** Share of units whose |f'(z)| is below 1 % of the activation's max |f'| on every example of the batch (see health.ts). */
  stuckFraction: number;
  /** Mean of ẑ², the second moment of the activation function's input (He et al. 2015 track this). */
  inputSecondMoment: number;
}

/** |f'(z)| below this means the unit passes back less than 1% of its gradient. */
export const SATURATION_THRESHOLD = 0.01;

export function gradStats(values: Float32Array, bins: number): GradStats {
  // Two passes in the common all-finite case: moments with extremes, then the histogram with
  // the zero count (fewer, simpler loops run faster in V8 than one loop doing everything). A
  // non-finite sum of squares means NaN or ±Infinity is present; the careful loop then counts
  // them apart and keeps them out of the moments.
  const fast = momentsAndExtremes(values);
  const m = Number.isFinite(fast.sumSq) ? { ...fast, finite: values.length, nan: 0, inf: 0 } : carefulMoments(values);
  const mean = m.finite ? m.sum / m.finite : NaN;
  const variance = m.finite ? Math.max(0, m.sumSq / m.finite - mean * mean) : NaN;
  const min = m.finite ? m.min : NaN;
  const max = m.finite ? m.max : NaN;
  const { histogram, zeros } = binned(values, bins, min, max, m.finite === values.length);
  return {
    norm: Math.sqrt(m.sumSq),
    mean,
    std: Math.sqrt(variance),
    min,
    max,
    zeroFraction: values.length ? zeros / values.length : 0,
    nan: m.nan,
    inf: m.inf,
    histogram,
  };
}

function momentsAndExtremes(values: Float32Array): { sum: number; sumSq: number; min: number; max: number } {
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { sum, sumSq, min, max };
}

/** Moments and extremes over the finite values only, counting NaN and ±Infinity apart. */
function carefulMoments(values: Float32Array) {
  let finite = 0;
  let nan = 0;
  let inf = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v − v is 0 for finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0) {
      if (v !== v) nan++;
      else inf++;
      continue;
    }
    finite++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { finite, nan, inf, sum, sumSq, min, max };
}

/** Equal-width bins over [min, max] of the finite values (a degenerate range is widened by ±0.5). */
export function histogram(values: Float32Array, bins: number, min: number, max: number): Histogram {
  return binned(values, bins, min, max, false).histogram;
}

/** The histogram, and the count of exact zeros counted in the same pass. */
function binned(values: Float32Array, bins: number, min: number, max: number, allFinite: boolean): { histogram: Histogram; zeros: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { histogram: { edges: [], counts: [] }, zeros: 0 };
  let lo = min;
  let hi = max;
  if (hi <= lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const perUnit = 1 / width;
  const last = bins - 1;
  // The top edge belongs to the last bin.
  const bin = (v: number) => {
    const b = ((v - lo) * perUnit) | 0;
    return b > last ? last : b;
  };
  // Four interleaved sub-histograms: neighbouring values often share a bin, and with one
  // array each increment waits for the one before. Zeros (dead units) come in no predictable
  // order, so they are counted by adding booleans, not by branching.
  const sub = new Int32Array(4 * bins);
  let zeros = 0;
  let i = 0;
  if (allFinite) {
    for (; i + 3 < values.length; i += 4) {
      const a = values[i];
      const b = values[i + 1];
      const c = values[i + 2];
      const d = values[i + 3];
      zeros += +(a === 0) + +(b === 0) + +(c === 0) + +(d === 0);
      sub[bin(a)]++;
      sub[bins + bin(b)]++;
      sub[2 * bins + bin(c)]++;
      sub[3 * bins + bin(d)]++;
    }
  }
  for (; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) continue; // NaN and ±Infinity are counted apart, not binned
    zeros += +(v === 0);
    sub[bin(v)]++;
  }
  const counts = Array.from({ length: bins }, (_, k) => sub[k] + sub[bins + k] + sub[2 * bins + k] + sub[3 * bins + k]);
  return { histogram: { edges, counts }, zeros };
}

/**
 * Forward statistics of a layer: its outputs `h` and the local derivatives f'(z) at its inputs,
 * both row-major examples × `units`; a unit is stuck when |f'(z)| < `stuckBelow` on every row.
 */
export function forwardStats(h: Float32Array, localDerivative: Float32Array, inputSecondMoment: number, units: number, stuckBelow: number): ForwardStats {
  let sum = 0;
  let sumSq = 0;
  let zeros = 0;
  let saturated = 0;
  // Largest |f'| per unit over the rows: a unit is stuck when even its largest is below the threshold.
  const largest = new Float32Array(units);
  const rows = units > 0 ? Math.floor(h.length / units) : 0;
  // Counts add booleans instead of branching: ReLU zeros and saturated units come in no
  // predictable order, and mispredicted branches made this loop ~3× slower. The per-unit
  // maximum rides in the same pass (on 256 × 256 values a second pass added ~50 % to the
  // function's time, this ~20 %).
  for (let row = 0, i = 0; row < rows; row++) {
    for (let u = 0; u < units; u++, i++) {
      const v = h[i];
      const d = Math.abs(localDerivative[i]);
      sum += v;
      sumSq += v * v;
      zeros += +(v === 0);
      saturated += +(d < SATURATION_THRESHOLD);
      // Written as !(d <= …) so a NaN derivative is taken up and the unit is not called stuck.
      if (!(d <= largest[u])) largest[u] = d;
    }
  }
  const n = Math.max(1, h.length);
  const mean = sum / n;
  let stuck = 0;
  for (let u = 0; u < units; u++) stuck += +(largest[u] < stuckBelow);
  return {
    mean,
    std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    zeroFraction: zeros / n,
    saturatedFraction: saturated / n,
    stuckFraction: units > 0 ? stuck / units : 0,
    inputSecondMoment,
  };
}
