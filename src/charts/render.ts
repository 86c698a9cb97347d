/**
 * Server-side rendering of vega-lite specs, so exported notebooks (and GitHub) show charts
 * without a browser: vega-lite v5 → vega → SVG through vega's headless `toSVG()`.
 */
import type { MimeBundle } from "../live";
import type { VegaLiteSpec } from "./palette";

/** Lazy: vega is heavy and only needed when something is displayed. */
function vegaModules(): { vl: typeof import("vega-lite"); vega: typeof import("vega") } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { vl: require("vega-lite"), vega: require("vega") };
}

/** Renders a vega-lite spec to an SVG string. Width "container" falls back to 600 px. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vl, vega } = vegaModules();
  // vega takes ownership of inline data (it tags and can empty the arrays): render a copy.
  const copy = structuredClone(spec);
  const fixed = copy.width === "container" ? { ...copy, width: 600 } : copy;
  const compiled = vl.compile(fixed as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface ChartBundleInput {
  spec: VegaLiteSpec;
  text: string;
}

/**
 * One output with the chart three ways: vega-lite (an object, drawn by JupyterLab's own
 * renderer), a server-side SVG (exports, GitHub) and text (terminals). No `text/html` and no
 * `application/json` here: JupyterLab shows only the highest-ranked type of an output, and
 * both rank above vega-lite there.
 */
export async function chartBundle({ spec, text }: ChartBundleInput): Promise<MimeBundle> {
  const bundle: MimeBundle = {
    "application/vnd.vegalite.v5+json": spec,
    "text/plain": text,
  };
  try {
    bundle["image/svg+xml"] = await renderSvg(spec);
  } catch (e) {
    // A chart that fails to render must not hide the data: keep the other representations.
    bundle["text/plain"] = `${text}\n(SVG rendering failed: ${(e as Error).message})`;
  }
  return bundle;
}

export interface ChartAndTableInput {
  spec: VegaLiteSpec;
  /** The result's title: the chart output's text. */
  title: string;
  /** The table as an HTML `<table>` and as fixed-width text. */
  html: string;
  text: string;
}

/**
 * A result with a chart and a table, as two outputs shown one after the other: the chart
 * (vega-lite, SVG, text) and the table (HTML, text). Each front end shows one MIME type per
 * output (JupyterLab ranks `text/html` above vega-lite, nbconvert and GitHub take HTML or
 * SVG), so only separate outputs show both everywhere.
 */
export async function chartAndTableOutputs({ spec, title, html, text }: ChartAndTableInput): Promise<MimeBundle[]> {
  return [await chartBundle({ spec, text: `${title} (chart)` }), tableBundle(html, text)];
}

/** One output holding a table: HTML for notebooks and exports, text for terminals. */
export function tableBundle(html: string, text: string): MimeBundle {
  return { "text/html": html, "text/plain": text };
}

/** Escapes text for HTML tables. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** A plain HTML table (JupyterLab styles it). */
export function htmlTable(headers: string[], rows: (string | number)[][], caption?: string): string {
  const cell = (v: string | number) => escapeHtml(typeof v === "number" ? formatNumber(v) : v);
  return [
    "<table>",
    caption ? `<caption>${escapeHtml(caption)}</caption>` : "",
    `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`),
    "</tbody></table>",
  ].join("");
}

/** A fixed-width text table for terminals and text/plain. */
export function textTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((v) => (typeof v === "number" ? formatNumber(v) : v)))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => String(r[c] ?? "").length)));
  const line = (r: (string | number)[]) => r.map((v, c) => String(v ?? "").padEnd(widths[c])).join("  ").trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** Numbers as a reader wants them: 4 significant digits, exponent notation when tiny or huge. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/**
 * A table cell for a value measured over seeds: the mean alone for one seed, `mean ± half-width`
 * of the 95 % interval for several; "—" when there is no value. `format` renders each number.
 */
export function summaryCell(s: { mean: number; lo: number; hi: number; n: number } | null, format: (v: number) => string = formatNumber): string {
  if (!s) return "—";
  if (s.n < 2 || !Number.isFinite(s.hi - s.lo)) return format(s.mean);
  return `${format(s.mean)} ± ${format((s.hi - s.lo) / 2)}`;
}
