/**
 * `histogramRows(data)`: the per-layer gradient histograms of a GradientFlow, a TrainingRun
 * or any object of their shape as tidy rows `{ activation, layer, step, bin_lo, bin_hi,
 * count }`, for pandas-style analysis or a CSV file.
 */
import { textTable } from "../charts/render";
import { DISPLAY, type MimeBundle } from "../live";
import { cubeRows, histogramCSV, HISTOGRAM_ROW_COLUMNS, type HistogramRow } from "./cube";
import { histogramCube, histogramSource, type HistogramSource } from "./source";

/** Rows shown by the text display before "… N more rows". */
const HEAD_ROWS = 10;

/** Tidy histogram rows: an array that also writes itself as CSV and shows its head. */
export class HistogramRows extends Array<HistogramRow> {
  /** Arrays made by map/filter stay plain arrays of rows. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** The rows as CSV with a header line (the same text the widget's download gives). */
  toCSV(): string {
    return histogramCSV(this);
  }

  override toString(): string {
    const head = this.slice(0, HEAD_ROWS).map((r) => HISTOGRAM_ROW_COLUMNS.map((c) => r[c]));
    const more = this.length > HEAD_ROWS ? `\n… ${this.length - HEAD_ROWS} more rows` : "";
    return `${this.length} histogram rows\n${textTable([...HISTOGRAM_ROW_COLUMNS], head)}${more}`;
  }

  [DISPLAY](): MimeBundle {
    return { "text/plain": this.toString() };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Every bin of every layer of every activation (and every recorded step of a TrainingRun).
 * ```ts
 * histogramRows(flow).toCSV(); // "activation,layer,step,bin_lo,bin_hi,count\nrelu,1,0,…"
 * ```
 */
export function histogramRows(data: unknown): HistogramRows {
  return sourceRows(histogramSource(data));
}

/** The rows of an already resolved source (what the widget's "download CSV" asks the kernel for). */
export function sourceRows(source: HistogramSource): HistogramRows {
  const rows = new HistogramRows();
  for (const step of source.kind === "run" ? source.steps : [0]) {
    for (const row of cubeRows(histogramCube(source, step))) rows.push(row);
  }
  return rows;
}
