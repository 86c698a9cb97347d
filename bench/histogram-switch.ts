/**
 * Redraw time of the GradientHistograms widget in a real JupyterLab and chromium for a deep
 * network: 5 activations × 100 layers × 50 bins (gradients shrinking from 1 to 1e-20 with
 * depth). Timed in the page from the user's input event (view select, overlay checkbox,
 * layer slider key) to the end of the vega view's render. None of these asks the kernel:
 * it sent every layer once. Each kind of chart is embedded on first use and kept, so the
 * first switch to a kind is reported apart from the steady state. Each line also gives when,
 * past the end of the timing, the frame that shows the chart is painted.
 *
 * Target: median < 50 ms (under what a reader notices as lag) for switching mode, overlay or layer.
 *
 *   node dist/bench/histogram-switch.js [cycles=20]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { browserSkipReason, startLab, type Lab } from "../test/browser/lab";
import { command, launchBrowser, openNotebook, waitForKernelIdle, waitForRevisionAbove, type Browser } from "../test/browser/page";

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACTIVATIONS = ["sigmoid", "tanh", "relu", "gelu", "selu"];
const LAYERS = 100;
const BINS = 50;
const CYCLES = Math.max(5, Number(process.argv[2] ?? 20));
const WIDGET = ".al-histograms";

const FLOW_CELL = `const acts = ${JSON.stringify(ACTIVATIONS)};
// Layer l of activation k: a bell of ${BINS} bins over ±(k+1)·10^(-l/5), so layer ${LAYERS} sits near 1e-20.
function layerGrad(k: number, l: number) {
  const s = (k + 1) * Math.pow(10, -l / 5);
  const edges = Array.from({ length: ${BINS + 1} }, (_, i) => -s + (2 * s * i) / ${BINS});
  const counts = Array.from({ length: ${BINS} }, (_, i) => Math.round(1000 * Math.exp(-(((i - ${(BINS - 1) / 2}) / 8) ** 2))));
  return { norm: 30 * s, mean: 0, std: s / 3, min: -s, max: s, zeroFraction: 0, nan: 0, inf: 0, histogram: { edges, counts } };
}
const flow = { runs: acts.map((activation, k) => ({ activation, layers: Array.from({ length: ${LAYERS} }, (_, l) => ({ layer: l + 1, grad: layerGrad(k, l) })) })) };
al.gradientHistograms(flow)`;

function notebook(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-bench-")), "histograms.ipynb");
  const cell = (source: string, id: string) => ({ cell_type: "code", id, execution_count: null, metadata: {}, outputs: [], source });
  fs.writeFileSync(
    file,
    JSON.stringify({
      cells: [cell('import * as al from "activation-lab";', "import"), cell(FLOW_CELL, "flow")],
      metadata: { kernelspec: { name: "activation-lab", display_name: "TypeScript (activation-lab)", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  return file;
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

type Action = "→ overview" | "→ layer" | "overlay" | "layer";

async function main(): Promise<void> {
  const skip = browserSkipReason();
  if (skip) {
    console.log(`histogram-switch: skipped (${skip})`);
    return;
  }
  const notebookFile = notebook();
  let lab: Lab | undefined;
  let browser: Browser | undefined;
  try {
    lab = await startLab({ notebooks: [notebookFile] });
    browser = await launchBrowser();
    const page = browser.page;
    await openNotebook(page, lab, "histograms.ipynb");
    await waitForKernelIdle(page);
    await command(page, "notebook:run-all-cells");
    await waitForRevisionAbove(page, WIDGET, 0, 90_000);

    // In-page probe: the first input/change event after `__arm` starts the clock, the widget's
    // next al-rendered event stops it. Events before arming do not count: the slider's `change`
    // arrives after the render its `input` started was timed, and that stale start would add the
    // next action's round trips from this script to the next sample. `painted` is the end of the next frame after the
    // render (a message posted from a frame callback runs once that frame's layout and paint are
    // done).
    await page.evaluate((sel) => {
      const root = document.querySelector(sel);
      const probe = {
        armed: false,
        start: 0,
        samples: [] as { ms: number; painted: number }[],
        next: undefined as Promise<void> | undefined,
        resolveNext: () => {},
      };
      probe.next = Promise.resolve();
      window.__switch = probe;
      window.__arm = () => {
        probe.armed = true;
        probe.next = new Promise<void>((resolve) => (probe.resolveNext = resolve));
      };
      const started = () => {
        if (!probe.armed) return;
        probe.armed = false;
        probe.start = performance.now();
      };
      root.addEventListener("input", started, true);
      root.addEventListener("change", started, true);
      root.addEventListener("al-rendered", () => {
        if (!probe.start) return;
        const start = probe.start;
        const sample = { ms: performance.now() - start, painted: NaN };
        probe.samples.push(sample);
        probe.start = 0;
        const channel = new MessageChannel();
        channel.port1.addEventListener("message", () => {
          sample.painted = performance.now() - start;
          probe.resolveNext();
        });
        channel.port1.start();
        window.requestAnimationFrame(() => channel.port2.postMessage(0));
      });
    }, WIDGET);

    const view = page.locator(WIDGET).getByLabel("view");
    const overlay = page.locator(WIDGET).getByLabel("overlay");
    const layer = page.locator(`${WIDGET} input[type=range]`).first();
    type Sample = { ms: number; painted: number };
    const timed = async (act: () => Promise<void>): Promise<Sample> => {
      await page.evaluate(() => {
        window.__arm(); // not returned: page.evaluate would wait for the render it arms for
      });
      await act();
      await page.evaluate(() =>
        Promise.race([window.__switch.next, new Promise((_, reject) => setTimeout(() => reject(new Error("no redraw within 10 s")), 10_000))]),
      );
      const samples = await page.evaluate(() => window.__switch.samples as Sample[]);
      return samples[samples.length - 1];
    };
    const cycle = async (record: (a: Action, s: Sample) => void) => {
      record("→ overview", await timed(() => view.selectOption("overview").then(() => undefined)));
      record("→ layer", await timed(() => view.selectOption("layer").then(() => undefined)));
      record("overlay", await timed(() => overlay.check()));
      record("overlay", await timed(() => overlay.uncheck()));
      await layer.focus();
      record("layer", await timed(() => page.keyboard.press("ArrowRight")));
    };
    const first: [Action, number][] = [];
    await cycle((a, s) => first.push([a, s.ms]));
    const samples: Record<Action, Sample[]> = { "→ overview": [], "→ layer": [], overlay: [], layer: [] };
    for (let i = 0; i < CYCLES; i++) await cycle((a, s) => samples[a].push(s));

    console.log(`histogram-switch: ${ACTIVATIONS.length} activations × ${LAYERS} layers × ${BINS} bins, ${CYCLES} cycles (input event → rendered chart, in the page)`);
    console.log(`  first use (embeds each chart once): ${first.map(([a, ms], i) => `${a}${i === 2 ? " on" : i === 3 ? " off" : ""} ${ms.toFixed(0)} ms`).join(", ")}`);
    console.log(`  mode = view select (layer ↔ overview), overlay = checkbox on/off, layer = one arrow key on the layer slider`);
    const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
    for (const [action, all] of Object.entries(samples)) {
      const s = all.map((x) => x.ms).sort((a, b) => a - b);
      const med = quantile(s, 0.5);
      console.log(
        `  ${action.padEnd(10)} n=${s.length}  median ${med.toFixed(1)} ms  IQR ${quantile(s, 0.25).toFixed(1)}–${quantile(s, 0.75).toFixed(1)}  p95 ${quantile(s, 0.95).toFixed(1)}  min ${s[0].toFixed(1)}  max ${s[s.length - 1].toFixed(1)}  target < 50 ms: ${med < 50 ? "met" : "MISSED"}`,
      );
      console.log(
        `  ${"".padEnd(10)} next frame painted at: median ${median(all.map((x) => x.painted)).toFixed(1)} ms`,
      );
    }
  } finally {
    if (browser) await browser.close();
    if (lab) {
      await lab.stop();
      fs.rmSync(lab.stateDir, { recursive: true, force: true });
    }
    fs.rmSync(path.dirname(notebookFile), { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`histogram-switch failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
