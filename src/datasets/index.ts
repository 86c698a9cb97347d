/**
 * Synthetic datasets made in-process from a seeded generator, so experiments and tests
 * need no downloads and give the same points for the same seed.
 */
import { Rng } from "../experiments/rng";
import { digits } from "./digits";

export type DatasetName = "spiral" | "moons" | "circles" | "xor" | "sine";
export const DATASET_NAMES: readonly DatasetName[] = ["spiral", "moons", "circles", "xor", "sine"];

export interface Dataset {
  name: DatasetName;
  task: "classification" | "regression";
  /** Number of examples. */
  n: number;
  /** Input features per example. */
  features: number;
  /** Number of classes (1 for regression: one output). */
  classes: number;
  /** Inputs, row-major n × features. */
  x: Float32Array;
  /** Class index per example (classification) or target value (regression). */
  y: Float32Array;
}

export interface DatasetOptions {
  /** Examples (default 300). */
  n?: number;
  /** Classes; only spiral takes more than 2 (default 3 for spiral). */
  classes?: number;
  /** Standard deviation of Gaussian noise added to the inputs (targets for sine). */
  noise?: number;
  seed?: number;
}

function checkOptions(name: DatasetName, opts: DatasetOptions, defaultNoise: number): Required<DatasetOptions> {
  if (opts === null || typeof opts !== "object") throw new TypeError(`datasets.${name}: options must be an object like { n, noise, seed }`);
  const allowed = name === "spiral" ? ["n", "classes", "noise", "seed"] : ["n", "noise", "seed"];
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new RangeError(`datasets.${name}: unknown option "${key}"; valid options: ${allowed.join(", ")}`);
  }
  const n = opts.n ?? 300;
  if (!Number.isInteger(n) || n < 4 || n > 1_000_000) throw new RangeError(`datasets.${name}: n must be an integer in [4, 1000000], got ${String(n)}`);
  const classes = opts.classes ?? (name === "spiral" ? 3 : 2);
  if (!Number.isInteger(classes) || classes < 2 || classes > 10) {
    throw new RangeError(`datasets.${name}: classes must be an integer in [2, 10], got ${String(classes)}`);
  }
  const noise = opts.noise ?? defaultNoise;
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0) {
    throw new RangeError(`datasets.${name}: noise must be a finite number ≥ 0, got ${String(noise)}`);
  }
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`datasets.${name}: seed must be an integer, got ${String(seed)}`);
  return { n, classes, noise, seed };
}

function make(name: DatasetName, n: number, classes: number, features: number, fill: (i: number, x: Float32Array, y: Float32Array) => void): Dataset {
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) fill(i, x, y);
  return { name, task: name === "sine" ? "regression" : "classification", n, features, classes: name === "sine" ? 1 : classes, x, y };
}

/** Interleaved spiral arms, one per class (the classic CS231n toy problem); radius in [0, 1]. */
export function spiral(opts: DatasetOptions = {}): Dataset {
  const { n, classes, noise, seed } = checkOptions("spiral", opts, 0.2);
  const rng = new Rng(seed);
  const perClass = Math.ceil(n / classes);
  return make("spiral", n, classes, 2, (i, x, y) => {
    const cls = i % classes;
    const k = Math.floor(i / classes);
    const r = k / Math.max(1, perClass - 1);
    const theta = cls * ((2 * Math.PI) / classes) + 4 * r + rng.normal() * noise;
    x[2 * i] = r * Math.sin(theta);
    x[2 * i + 1] = r * Math.cos(theta);
    y[i] = cls;
  });
}

/** Two interleaving half circles (as scikit-learn's make_moons). */
export function moons(opts: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = checkOptions("moons", opts, 0.1);
  const rng = new Rng(seed);
  return make("moons", n, 2, 2, (i, x, y) => {
    const cls = i % 2;
    const t = Math.PI * rng.uniform();
    x[2 * i] = (cls === 0 ? Math.cos(t) : 1 - Math.cos(t)) + rng.normal() * noise;
    x[2 * i + 1] = (cls === 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + rng.normal() * noise;
    y[i] = cls;
  });
}

/** A small circle inside a large one (radius 0.5 vs 1). */
export function circles(opts: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = checkOptions("circles", opts, 0.05);
  const rng = new Rng(seed);
  return make("circles", n, 2, 2, (i, x, y) => {
    const cls = i % 2;
    const t = 2 * Math.PI * rng.uniform();
    const r = cls === 0 ? 1 : 0.5;
    x[2 * i] = r * Math.cos(t) + rng.normal() * noise;
    x[2 * i + 1] = r * Math.sin(t) + rng.normal() * noise;
    y[i] = cls;
  });
}

/** Points in [-1, 1]²; the class is whether the signs of the two coordinates differ. */
export function xor(opts: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = checkOptions("xor", opts, 0.05);
  const rng = new Rng(seed);
  return make("xor", n, 2, 2, (i, x, y) => {
    const a = rng.uniform() * 2 - 1;
    const b = rng.uniform() * 2 - 1;
    x[2 * i] = a + rng.normal() * noise;
    x[2 * i + 1] = b + rng.normal() * noise;
    y[i] = a * b < 0 ? 1 : 0;
  });
}

/** Regression: y = sin(x) + noise for x uniform in [-π, π]. */
export function sine(opts: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = checkOptions("sine", opts, 0.05);
  const rng = new Rng(seed);
  return make("sine", n, 1, 1, (i, x, y) => {
    const v = (rng.uniform() * 2 - 1) * Math.PI;
    x[i] = v;
    y[i] = Math.sin(v) + rng.normal() * noise;
  });
}

/** The synthetic datasets by name, and `digits` (real data, shipped with the package). */
export const datasets = { spiral, moons, circles, xor, sine, digits } as const;

/** A dataset by name (the `dataset` / `input` options of the experiments). */
export function dataset(name: string, opts: DatasetOptions = {}): Dataset {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`unknown dataset "${name}"; valid choices: ${DATASET_NAMES.join(", ")}`);
  }
  return datasets[name as DatasetName](opts);
}
