/**
 * What JupyterLab actually renders for each result type (not which MIME types a bundle
 * carries): JupyterLab shows one MIME type per output, `application/json` above everything and
 * `text/html` above vega-lite, so a result shows its chart only when the chart's output has no
 * HTML or JSON beside it. Also: the lab `npm run setup` configures shows no news pop-up and
 * fetches no news, and an nbconvert HTML export still shows each chart (SVG) and table.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { browserSkipReason, REPO_ROOT, startLab, VENV, type Lab } from "./lab";
import { ARTIFACTS, command, launchBrowser, openNotebook, waitForKernelIdle, type Browser } from "./page";

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOTEBOOK = path.join(REPO_ROOT, "test", "browser", "fixtures", "results.ipynb");
const skip = browserSkipReason();

/** What each code cell of the open notebook renders, by cell id. */
interface Rendered {
  executed: boolean;
  /** Vega views drawn (a vega-embed element holding an SVG or canvas). */
  charts: number;
  /** HTML tables in rendered HTML outputs. */
  tables: number;
  /** JupyterLab's collapsible JSON trees. */
  jsonTrees: number;
  errors: number;
  text: string;
}

async function renderedCells(page: Browser["page"]): Promise<Record<string, Rendered>> {
  return page.evaluate(() => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    const out: Record<string, unknown> = {};
    for (const cell of notebook.widgets) {
      if (cell.model.type !== "code") continue;
      const node = cell.node;
      out[cell.model.id] = {
        executed: cell.model.executionCount !== null,
        charts: [...node.querySelectorAll(".jp-OutputArea-output .vega-embed")].filter((e: any) => e.querySelector("svg, canvas")).length,
        tables: node.querySelectorAll(".jp-OutputArea-output.jp-RenderedHTMLCommon table, .jp-OutputArea-output .jp-RenderedHTMLCommon table").length,
        jsonTrees: node.querySelectorAll(".jp-RenderedJSON, .jp-OutputArea-output[data-mime-type='application/json']").length,
        errors: node.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").length,
        text: String(node.querySelector(".jp-OutputArea")?.textContent ?? "").slice(0, 300),
      };
    }
    return out;
  }) as Promise<Record<string, Rendered>>;
}

/** Results with a chart and a table: both must be drawn. */
const CHART_AND_TABLE = ["gradientFlow", "train", "outputLossPairing", "recurrentCell", "normComparison", "dataDrift"];

test("results in JupyterLab and chromium: charts drawn, tables shown, no JSON trees, no news", { skip, timeout: 600_000 }, async (t) => {
  let lab: Lab | undefined;
  let browser: Browser | undefined;
  try {
    lab = await startLab({ notebooks: [NOTEBOOK] });
    browser = await launchBrowser();
    const page = browser.page;
    const newsRequests: string[] = [];
    page.on("request", (request) => {
      if (/\/lab\/api\/(news|update)/.test(request.url())) newsRequests.push(request.url());
    });
    await openNotebook(page, lab, "results.ipynb");
    await waitForKernelIdle(page);
    await command(page, "notebook:run-all-cells");
    // Every cell ran and every expected chart is drawn (vega renders asynchronously).
    await page.waitForFunction(
      (charted) => {
        const notebook = window.jupyterapp.shell.currentWidget.content;
        const cells = notebook.widgets.filter((c: any) => c.model.type === "code");
        if (!cells.every((c: any) => c.model.executionCount !== null)) return false;
        if (window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status !== "idle") return false;
        return cells.filter((c: any) => charted.includes(c.model.id)).every((c: any) => c.node.querySelector(".vega-embed svg, .vega-embed canvas"));
      },
      ["curves", ...CHART_AND_TABLE],
      { timeout: 300_000 },
    );
    const cells = await renderedCells(page);

    await t.test("control: a bundle with a table and JSON shows a JSON tree (what properties() used to show)", () => {
      const r = cells.jsonControl;
      assert.deepEqual([r.jsonTrees, r.tables], [1, 0], r.text);
    });

    await t.test("properties: an HTML table, not a JSON tree", () => {
      const r = cells.properties;
      assert.deepEqual([r.tables, r.jsonTrees, r.charts], [1, 0, 0], r.text);
    });

    await t.test("curves: a vega chart", () => {
      const r = cells.curves;
      assert.deepEqual([r.charts, r.tables, r.jsonTrees], [1, 0, 0], r.text);
    });

    for (const name of CHART_AND_TABLE) {
      await t.test(`${name}: its vega chart and its HTML table`, () => {
        const r = cells[name];
        assert.ok(r.executed, `${name} ran`);
        assert.deepEqual([r.charts, r.tables, r.jsonTrees, r.errors], [1, 1, 0, 0], `${name}: ${r.text}`);
      });
    }

    await t.test("a claim card: its HTML, not a JSON tree of its claim+json payload", () => {
      const r = cells.claim;
      assert.deepEqual([r.jsonTrees, r.errors], [0, 0], r.text);
      assert.match(r.text, /C3[\s\S]*holds/);
    });

    await t.test("no news pop-up and no news or update requests", async () => {
      const toasts = await page.evaluate(() => [...document.querySelectorAll(".Toastify__toast")].map((e: any) => String(e.textContent)));
      assert.deepEqual(toasts.filter((text) => /news/i.test(text)), []);
      assert.deepEqual(newsRequests, []);
    });

    await command(page, "docmanager:save");
    await page.waitForFunction(() => !window.jupyterapp.shell.currentWidget.context.model.dirty, undefined, { timeout: 30_000 });

    await t.test("jupyter nbconvert --to html shows every chart as SVG and every table", () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const html = path.join(ARTIFACTS, "results.html");
      execFileSync(path.join(VENV, "bin", "jupyter"), ["nbconvert", "--to", "html", "--output", html, path.join(lab!.root, "results.ipynb")], { stdio: "pipe" });
      const text = fs.readFileSync(html, "utf8");
      const svgs = [...text.matchAll(/<img[^>]*src="data:image\/svg\+xml;base64,/g)].length;
      assert.equal(svgs, 1 + CHART_AND_TABLE.length, "curves and each chart-and-table result");
      const tables = [...text.matchAll(/<table>/g)].length;
      assert.equal(tables, 1 + CHART_AND_TABLE.length + 1, "properties, each chart-and-table result and the control");
    });
  } finally {
    await browser?.close().catch(() => undefined);
    await lab?.stop();
    if (lab) fs.rmSync(lab.stateDir, { recursive: true, force: true });
  }
});
