/**
 * Option checking shared by the experiments: every bad value is reported with the option's
 * name, the value given and what would be valid, before any computation starts.
 */

export function checkKeys(fn: string, opts: object, allowed: readonly string[]): void {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${fn}: options must be an object like { ${allowed.slice(0, 3).join(", ")}, ... }`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new RangeError(`${fn}: unknown option "${key}"; valid options: ${allowed.join(", ")}`);
  }
}

export function checkInt(fn: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

export function checkNumber(fn: string, name: string, value: unknown, min: number, max: number, exclusiveMin = false): number {
  const below = typeof value === "number" && (exclusiveMin ? value <= min : value < min);
  if (typeof value !== "number" || !Number.isFinite(value) || below || value > max) {
    throw new RangeError(`${fn}: ${name} must be a finite number in ${exclusiveMin ? "(" : "["}${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

export function checkChoice<T extends string>(fn: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new RangeError(`${fn}: ${name} must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

/** Re-throws an activation lookup error with the experiment and option it came from. */
export function withContext<T>(fn: string, name: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    const err = e as Error;
    err.message = `${fn}: ${name}: ${err.message}`;
    throw err;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array`;
  return String(value);
}

/** Runs are looked up and charted by label, so each activation may appear once. */
export function checkUniqueLabels<T extends { label: string }>(fn: string, acts: T[]): T[] {
  const seen = new Set<string>();
  for (const a of acts) {
    if (seen.has(a.label)) throw new RangeError(`${fn}: activations: "${a.label}" appears twice; list each activation (or parameter setting) once`);
    seen.add(a.label);
  }
  return acts;
}

/** Most seeds one call may run (each seed repeats the whole experiment). */
export const MAX_SEEDS = 1000;

/**
 * The seeds an experiment runs: `seeds` as a count n gives seed, seed+1, …, seed+n−1; as a
 * list, exactly those (then `seed` must be left out: the list says it all). Default: [seed].
 */
export function checkSeeds(fn: string, seed: unknown, seeds: unknown): number[] {
  const first = checkInt(fn, "seed", seed ?? 0, -(2 ** 31), 2 ** 31 - 1);
  if (seeds === undefined) return [first];
  if (typeof seeds === "number") {
    const n = checkInt(fn, "seeds", seeds, 1, MAX_SEEDS);
    if (first + n - 1 > 2 ** 31 - 1) throw new RangeError(`${fn}: seeds: seed ${first} + ${n} seeds runs past 2^31 − 1; start from a smaller seed`);
    return Array.from({ length: n }, (_, k) => first + k);
  }
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.length > MAX_SEEDS) {
    throw new RangeError(`${fn}: seeds must be a count in [1, ${MAX_SEEDS}] or a non-empty list of integer seeds, got ${describe(seeds)}`);
  }
  if (seed !== undefined) throw new RangeError(`${fn}: give either seed (with seeds as a count) or a list of seeds, not both`);
  const list = seeds.map((s, k) => checkInt(fn, `seeds[${k}]`, s, -(2 ** 31), 2 ** 31 - 1));
  if (new Set(list).size !== list.length) throw new RangeError(`${fn}: seeds lists a seed twice (${list.join(", ")}); each seed once, so paired comparisons pair distinct runs`);
  return list;
}
