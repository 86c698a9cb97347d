/** What every experiment result shares: a chart, a table, and the three ways to show them. */
import { DISPLAY, type MimeBundle } from "../live";
import { chartAndTableOutputs, htmlTable, textTable } from "../charts/render";
import type { VegaLiteSpec } from "../charts/palette";

export abstract class ExperimentResult {
  /** Vega-lite v5 spec of the result's chart. */
  abstract toSpec(): VegaLiteSpec;
  protected abstract title(): string;
  protected abstract table(): { headers: string[]; rows: (string | number)[][] };

  toString(): string {
    const { headers, rows } = this.table();
    return `${this.title()}\n${textTable(headers, rows)}`;
  }

  /** Two outputs: the chart, then the table. */
  async [DISPLAY](): Promise<MimeBundle[]> {
    const { headers, rows } = this.table();
    return chartAndTableOutputs({ spec: this.toSpec(), title: this.title(), html: htmlTable(headers, rows, this.title()), text: this.toString() });
  }
}

export const percent = (v: number): string => `${(100 * v).toFixed(1)}%`;
