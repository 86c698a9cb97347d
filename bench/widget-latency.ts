/**
 * Slider-to-chart latency of the ActivationExplorer in a real JupyterLab and chromium:
 * 4 activations × 1,201 points, a key press on a focused parameter slider, timed in the page
 * from the keydown event to the end of the vega view's re-render with the kernel's new
 * curves. Presses are sequential (each waits for its chart), so every one is a full round
 * trip: browser → comm → kernel (tfjs) → float32 buffers → in-place vega update.
 *
 * Targets: median < 25 ms, p95 < 50 ms (a slider feels attached to the chart). For scale, measured in the same JupyterLab:
 * ipywidgets `interact` + matplotlib 230 ms median (376 ms p95); `interact` re-displaying a
 * vega-lite chart 54 ms (66 ms).
 *
 * It runs four times: with the opt-in server extension (`activation-lab install
 * --server-extension`, kernel-ext/server/: TCP_NODELAY on kernel websockets, and JupyterLab
 * ignoring the kernel status around widget messages); the same through a JupyterHub
 * (test/hub/hub.ts: the user logs in, configurable-http-proxy stands in front of their
 * single-user server); with its TCP_NODELAY alone; and on a stock jupyter_server, where Nagle's
 * algorithm holds back part of the replies.
 *
 *   node dist/bench/widget-latency.js [presses=60]
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { browserSkipReason, REPO_ROOT, serverExtensionEffects, startLab, VENV, writeExplorerNotebook, type Lab } from "../test/browser/lab";
import { command, launchBrowser, openNotebook, waitForKernelIdle, waitForRevisionAbove, type Browser } from "../test/browser/page";
import { hubSkipReason, logIn, startHub, type Hub, type HubUser } from "../test/hub/hub";
import type { Page } from "playwright-core";

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACTIVATIONS = ["relu", "leaky_relu", "elu", "swish"];
const POINTS = 1201;
const PRESSES = Math.max(50, Number(process.argv[2] ?? 60));

function notebook(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-bench-")), "latency.ipynb");
  writeExplorerNotebook(file, ACTIVATIONS, POINTS);
  return file;
}

/** The kernel's share: the same comm message and reply over ZMQ, without server or browser. */
function kernelRoundTrip(presses: number): { median: number; p95: number } | string {
  try {
    const out = execFileSync(path.join(VENV, "bin", "python"), [path.join(REPO_ROOT, "bench", "widget_kernel_roundtrip.py"), String(presses)], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: path.join(VENV, "share", "jupyter"), ACTIVATION_LAB_QUIET: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 180_000,
    });
    return JSON.parse(out.trim().split("\n").pop()!);
  } catch (e) {
    return `not measured (${(e as Error).message.split("\n")[0]})`;
  }
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

interface Measured {
  totals: number[];
  renders: number[];
  longTasks: number[];
  backend: string;
  /** The server extension's effects the lab's log reports. */
  effects: string[];
}

/** Runs the opened notebook and times PRESSES slider steps in it. */
async function measurePage(page: Page): Promise<Omit<Measured, "effects">> {
  await waitForKernelIdle(page);
  await command(page, "notebook:run-all-cells");
  await waitForRevisionAbove(page, ".al-explorer", 0, 90_000);
  const backend = await page.evaluate(() => document.querySelector(".al-explorer .al-status")?.textContent ?? "");

  // In-page probes: keydown time, curves arrival time, render completion, long tasks.
  await page.evaluate(() => {
    const root = document.querySelector(".al-explorer");
    const probe = {
      pressedAt: 0,
      samples: [] as { total: number; render: number }[],
      longTasks: [] as number[],
      // Resolved by the next sample. The harness awaits it instead of polling the page every
      // animation frame, which would add frames (and CPU load) to the very window it times.
      next: undefined as Promise<void> | undefined,
      resolveNext: () => {},
      arm() {
        probe.next = new Promise<void>((resolve) => (probe.resolveNext = resolve));
      },
    };
    window.__latency = probe;
    document.addEventListener("keydown", () => (probe.pressedAt = performance.now()), true);
    root.addEventListener("al-rendered", () => {
      if (!probe.pressedAt) return;
      const now = performance.now();
      const arrived = Number(root.dataset.curvesReceivedAt ?? now);
      probe.samples.push({ total: now - probe.pressedAt, render: now - arrived });
      probe.pressedAt = 0;
      probe.resolveNext();
    });
    new PerformanceObserver((list: { getEntries(): { duration: number }[] }) => {
      for (const e of list.getEntries()) probe.longTasks.push(e.duration);
    }).observe({ type: "longtask" as never, buffered: false });
  });

  const slider = page.locator('.al-explorer input[data-activation="leaky_relu"][data-param="alpha"]');
  await slider.focus();
  const press = async (key: string) => {
    await page.evaluate(() => window.__latency.arm());
    await page.keyboard.press(key);
    await page.evaluate(() => Promise.race([window.__latency.next, new Promise((_, reject) => setTimeout(() => reject(new Error("no changed chart within 10 s of the key press")), 10_000))]));
  };
  // Warm-up presses (JIT, first buffers) are not counted.
  for (let i = 0; i < 5; i++) await press("ArrowRight");
  await page.evaluate(() => ((window.__latency.samples = []), (window.__latency.longTasks = [])));
  for (let i = 0; i < PRESSES; i++) {
    // Up then down, so alpha stays inside the slider's range however many presses.
    await press(i < PRESSES / 2 ? "ArrowRight" : "ArrowLeft");
    await new Promise((r) => setTimeout(r, 20));
  }
  const result = await page.evaluate(() => window.__latency as { samples: { total: number; render: number }[]; longTasks: number[] });
  return {
    totals: result.samples.map((s) => s.total).sort((a, b) => a - b),
    renders: result.samples.map((s) => s.render).sort((a, b) => a - b),
    longTasks: result.longTasks,
    backend,
  };
}

async function measure(notebookFile: string, serverExtension: boolean, quietCommStatus = true): Promise<Measured> {
  let lab: Lab | undefined;
  let browser: Browser | undefined;
  try {
    lab = await startLab({ notebooks: [notebookFile], serverExtension, serverConfig: { ActivationLabServer: { quiet_comm_status: quietCommStatus } } });
    browser = await launchBrowser();
    await openNotebook(browser.page, lab, "latency.ipynb");
    return { ...(await measurePage(browser.page)), effects: serverExtensionEffects(lab.log()) };
  } finally {
    if (browser) await browser.close();
    if (lab) {
      await lab.stop();
      fs.rmSync(lab.stateDir, { recursive: true, force: true });
    }
  }
}

/**
 * The same through a JupyterHub (test/hub/hub.ts): a user logs in, and every page load, API
 * call and websocket frame goes through configurable-http-proxy to their single-user server,
 * which runs the environment's set-up (the server extension on, as the single-user install has it).
 */
async function measureThroughHub(notebookFile: string): Promise<Measured | string> {
  const skip = hubSkipReason();
  if (skip) return `not measured (${skip})`;
  const user: HubUser = { name: "bench", password: crypto.randomBytes(9).toString("base64url") };
  let hub: Hub | undefined;
  let browser: Browser | undefined;
  try {
    hub = await startHub({ users: [user], notebooks: [notebookFile] });
    browser = await launchBrowser();
    await logIn(browser.page, hub, user);
    await openNotebook(browser.page, { url: hub.userUrl(user.name) }, "latency.ipynb");
    return { ...(await measurePage(browser.page)), effects: serverExtensionEffects(hub.log()) };
  } finally {
    if (browser) await browser.close();
    if (hub) await hub.stop();
  }
}

function report(title: string, m: Measured): void {
  const { totals, renders } = m;
  const median = quantile(totals, 0.5);
  const p95 = quantile(totals, 0.95);
  console.log(`${title} [server extension: ${m.effects.length ? m.effects.join(", ") : "not loaded"}]`);
  console.log(`  key press → changed chart   median ${median.toFixed(1)} ms   p95 ${p95.toFixed(1)} ms   min ${totals[0].toFixed(1)}   max ${totals[totals.length - 1].toFixed(1)}`);
  console.log(`  deciles (ms)                ${[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((q) => quantile(totals, q).toFixed(0)).join(" ")}`);
  console.log(`  of which in-place redraw    median ${quantile(renders, 0.5).toFixed(1)} ms   p95 ${quantile(renders, 0.95).toFixed(1)} ms`);
  console.log(`  main-thread long tasks (≥50 ms) during the run: ${m.longTasks.length}${m.longTasks.length ? `, longest ${Math.max(...m.longTasks).toFixed(0)} ms` : ""}`);
  console.log(`  target median < 25 ms: ${median < 25 ? "met" : "MISSED"}; p95 < 50 ms: ${p95 < 50 ? "met" : "MISSED"}`);
}

async function main(): Promise<void> {
  const skip = browserSkipReason();
  if (skip) {
    console.log(`widget-latency: skipped (${skip})`);
    return;
  }
  const notebookFile = notebook();
  try {
    const ours = await measure(notebookFile, true);
    // Right after the direct run it is compared with, so both see the machine in the same state.
    const hub = await measureThroughHub(notebookFile);
    const nodelayOnly = await measure(notebookFile, true, false);
    const stock = await measure(notebookFile, false); // turned off even where setup enabled it
    console.log(`widget-latency: ${ACTIVATIONS.length} activations × ${POINTS} points, ${ours.totals.length} key presses per server (${ours.backend})`);
    report("with activation-lab's server extension (as npm run setup installs it)", ours);
    if (typeof hub === "string") console.log(`through a JupyterHub's proxy: ${hub}`);
    else report("the same through a JupyterHub (configurable-http-proxy → the user's single-user server)", hub);
    report("its TCP_NODELAY alone (c.ActivationLabServer.quiet_comm_status = False)", nodelayOnly);
    report("stock jupyter_server (Nagle's algorithm on, kernel status on every widget message)", stock);
    const kernel = kernelRoundTrip(PRESSES);
    console.log(
      typeof kernel === "string"
        ? `kernel alone (ZMQ)            ${kernel}`
        : `kernel alone (ZMQ client)     median ${kernel.median.toFixed(1)} ms   p95 ${kernel.p95.toFixed(1)} ms   (the rest: Jupyter server, websocket, JupyterLab services)`,
    );
    const median = quantile(ours.totals, 0.5);
    console.log(`for scale (same JupyterLab): interact+matplotlib 230 ms (${(230 / median).toFixed(1)}× ours), interact+vega-lite re-display 54 ms (${(54 / median).toFixed(1)}× ours)`);
  } finally {
    fs.rmSync(path.dirname(notebookFile), { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`widget-latency failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
