/** Timing helpers shared by the benchmarks: medians of repeated runs after one warm-up. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `repeats` runs of `fn`, after one warm-up run (kernel compilation, shaders). */
export async function timeMs(fn: () => void | Promise<void>, repeats: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** n deterministic float32 values spread over [−12, 12]: both tails and the bend are exercised. */
export function spreadInputs(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = (s / 2147483648) * 24 - 12;
  }
  return x;
}
