/**
 * loadCsv: a CSV file as `{ x, y }` for inspect, train and advise, read with tfjs-data's
 * `tf.data.csv` (bundled with @tensorflow/tfjs). Features must be numbers; the label column
 * may hold numbers or names (names become class indices, in sorted order, listed in `classes`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { tf } from "../tf";

export interface CsvOptions {
  /** The column to predict. */
  label: string;
  /** Feature columns, in order (default: every other column). */
  features?: string[];
  delimiter?: string;
  /** Whether the first line names the columns (default true); without it, give `columnNames`. */
  hasHeader?: boolean;
  columnNames?: string[];
}

export interface CsvData {
  /** Row-major n × features. */
  x: Float32Array;
  /** Label per row: the number, or the index of the name in `classes`. */
  y: Float32Array;
  shape: [number, number];
  n: number;
  features: string[];
  label: string;
  /** The label names in index order, when the label column holds names; null for numeric labels. */
  classes: string[] | null;
}

type Row = { xs: Record<string, unknown>; ys: Record<string, unknown> };

/**
 * ```ts
 * const iris = await loadCsv("iris.csv", { label: "species" });   // iris.classes: ["setosa", ...]
 * await advise(model, iris);
 * ```
 */
export async function loadCsv(file: string, opts: CsvOptions): Promise<CsvData> {
  const fn = "loadCsv";
  if (typeof file !== "string" || file === "") throw new TypeError(`${fn}: path must be a file path string`);
  if (opts === null || typeof opts !== "object" || typeof opts.label !== "string") throw new TypeError(`${fn}: options must name the label column, e.g. { label: "species" }`);
  for (const key of Object.keys(opts)) {
    if (!["label", "features", "delimiter", "hasHeader", "columnNames"].includes(key)) throw new RangeError(`${fn}: unknown option "${key}"; valid options: label, features, delimiter, hasHeader, columnNames`);
  }
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) throw new RangeError(`${fn}: no file at ${absolute}`);
  const hasHeader = opts.hasHeader ?? true;
  if (!hasHeader && !opts.columnNames) throw new RangeError(`${fn}: a file without a header needs columnNames`);
  const config = { hasHeader, ...(opts.columnNames ? { columnNames: opts.columnNames } : {}), ...(opts.delimiter ? { delimiter: opts.delimiter } : {}) };
  const url = pathToFileURL(absolute).href;
  // The columns first: tfjs-data's own message for an unknown label column does not say which exist.
  const columns = await tf.data.csv(url, config).columnNames();
  if (!columns.includes(opts.label)) throw new RangeError(`${fn}: no column "${opts.label}" to use as the label; columns: ${columns.join(", ")}`);
  const dataset = tf.data.csv(url, { ...config, columnConfigs: { [opts.label]: { isLabel: true } } });
  const features = opts.features ?? columns.filter((c) => c !== opts.label);
  for (const f of features) if (!columns.includes(f) || f === opts.label) throw new RangeError(`${fn}: "${f}" is not a feature column; columns: ${columns.filter((c) => c !== opts.label).join(", ")}`);
  const rows = (await dataset.toArray()) as unknown as Row[];
  const x = new Float32Array(rows.length * features.length);
  const rawLabels = rows.map((row, i) => {
    features.forEach((f, j) => {
      const v = row.xs[f];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new RangeError(`${fn}: column "${f}" in data row ${i + 1} is ${v === undefined ? "empty" : JSON.stringify(v)}; features must be finite numbers`);
      }
      x[i * features.length + j] = v;
    });
    const label = row.ys[opts.label];
    if (label === undefined || label === "") throw new RangeError(`${fn}: the label "${opts.label}" is empty in data row ${i + 1}`);
    return label as number | string;
  });
  const named = rawLabels.some((l) => typeof l === "string");
  const classes = named ? [...new Set(rawLabels.map(String))].sort() : null;
  const y = Float32Array.from(rawLabels, (l) => (classes ? classes.indexOf(String(l)) : (l as number)));
  return { x, y, shape: [rows.length, features.length], n: rows.length, features, label: opts.label, classes };
}
