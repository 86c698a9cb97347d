/**
 * The UCI optical recognition of handwritten digits (Alpaydin & Kaynak 1998, CC BY 4.0; see
 * data/digits/LICENSE.md): 1,797 8×8 images, pixels 0–16, ten classes. Shipped with the
 * package and read from disk, so it works offline.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";

export const DIGITS_COUNT = 1797;
export const DIGITS_SIDE = 8;
export const DIGITS_CLASSES = 10;
/** Pixels count "on" bits in a 4×4 block, so they run from 0 to 16. */
export const DIGITS_MAX_PIXEL = 16;

/**
 * dist/src/datasets → the package root, where data/ sits beside dist/ (both in `files`);
 * ACTIVATION_LAB_DIGITS_FILE points elsewhere (the device check's single-file bundle ships its own copy).
 */
export const DIGITS_FILE = process.env.ACTIVATION_LAB_DIGITS_FILE || path.resolve(__dirname, "..", "..", "..", "data", "digits", "digits.csv.gz");

export interface DigitsOptions {
  /** "flat": x is [n, 64] (the default); "image": [n, 8, 8, 1], channels last as Conv2D expects. */
  shape?: "flat" | "image";
  /** Divide the pixels by 16, to [0, 1] (default false: the raw counts 0–16). */
  normalize?: boolean;
}

export interface Digits {
  name: "digits";
  task: "classification";
  n: number;
  features: number;
  classes: number;
  /** The shape `x` is read in: [n, 64] or [n, 8, 8, 1]. */
  shape: number[];
  /** Pixels, row by row, image after image (row-major in `shape`). */
  x: Float32Array;
  /** The digit 0–9 per image. */
  y: Float32Array;
}

let parsed: { x: Float32Array; y: Float32Array } | undefined;

function read(): { x: Float32Array; y: Float32Array } {
  if (parsed) return parsed;
  let text: string;
  try {
    text = gunzipSync(fs.readFileSync(DIGITS_FILE)).toString("utf8");
  } catch (e) {
    throw new Error(`datasets.digits: cannot read ${DIGITS_FILE} (${(e as Error).message}); it ships with the package under data/digits/`);
  }
  const features = DIGITS_SIDE * DIGITS_SIDE;
  const x = new Float32Array(DIGITS_COUNT * features);
  const y = new Float32Array(DIGITS_COUNT);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== DIGITS_COUNT) throw new Error(`datasets.digits: ${DIGITS_FILE} has ${lines.length} rows, expected ${DIGITS_COUNT}`);
  lines.forEach((line, i) => {
    const values = line.split(",");
    for (let j = 0; j < features; j++) x[i * features + j] = Number(values[j]);
    y[i] = Number(values[features]);
  });
  parsed = { x, y };
  return parsed;
}

/**
 * The digits as `{ x, y }` ready for `inspect`, `train` and `advise`.
 *
 * ```ts
 * const d = datasets.digits({ shape: "image", normalize: true });   // x: [1797, 8, 8, 1] in [0, 1]
 * ```
 */
export function digits(opts: DigitsOptions = {}): Digits {
  if (opts === null || typeof opts !== "object") throw new TypeError("datasets.digits: options must be an object like { shape, normalize }");
  for (const key of Object.keys(opts)) {
    if (key !== "shape" && key !== "normalize") throw new RangeError(`datasets.digits: unknown option "${key}"; valid options: shape, normalize`);
  }
  const shape = opts.shape ?? "flat";
  if (shape !== "flat" && shape !== "image") throw new RangeError(`datasets.digits: shape must be "flat" ([n, 64]) or "image" ([n, 8, 8, 1]), got ${JSON.stringify(shape)}`);
  const normalize = opts.normalize ?? false;
  if (typeof normalize !== "boolean") throw new TypeError(`datasets.digits: normalize must be true or false, got ${String(normalize)}`);
  const { x, y } = read();
  const features = DIGITS_SIDE * DIGITS_SIDE;
  return {
    name: "digits",
    task: "classification",
    n: DIGITS_COUNT,
    features,
    classes: DIGITS_CLASSES,
    shape: shape === "flat" ? [DIGITS_COUNT, features] : [DIGITS_COUNT, DIGITS_SIDE, DIGITS_SIDE, 1],
    x: normalize ? x.map((v) => v / DIGITS_MAX_PIXEL) : x.slice(),
    y: y.slice(),
  };
}
