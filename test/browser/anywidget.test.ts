/**
 * AnyWidget in a real JupyterLab, in a real browser, through the anywidget front end setup
 * installs: a counter clicked in the page (the kernel's value and change: handler follow) and set
 * from the kernel (the page follows), a canvas fed a binary trait and a binary custom message
 * that answers with custom messages, a module whose render throws and one that cannot load (the
 * output says so, the kernel runs on), and the saved notebook's widget state. Skips (with the reason) only outside CI when chromium or the venv is missing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { anywidgetFrontEnd } from "../../kernel-ext/install";
import { browserSkipReason, REPO_ROOT, startLab, VENV } from "./lab";
import type { Page } from "playwright-core";
import { command, launchBrowser, openNotebook, waitForKernelIdle } from "./page";

/** Browser globals used in page.evaluate (the project compiles without the DOM library). */
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOTEBOOK = path.join(REPO_ROOT, "test", "browser", "fixtures", "anywidget.ipynb");
const skip = browserSkipReason();

/** The image the notebook builds: opaque width×height RGBA with byte i = (i·seed) mod 256. */
function image(seed: number, width = 4, height = 2): number[] {
  return Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * seed) % 256));
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Runs `code` in the notebook's kernel (outside the notebook's cells) and returns its result
 * parsed as JSON; the code must end in `JSON.stringify(...)`.
 */
async function kernelJson<T>(page: Page, code: string): Promise<T> {
  const text = await page.evaluate(async (source: string) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const future = kernel.requestExecute({ code: source, store_history: false });
    let result = "";
    future.onIOPub = (msg: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (msg.header.msg_type === "execute_result") result = msg.content.data["text/plain"];
      if (msg.header.msg_type === "error") result = `error: ${msg.content.ename}: ${msg.content.evalue}`;
    };
    await future.done;
    return result;
  }, code);
  // A string result is shown quoted, as the Node REPL shows it; JSON text has no single quotes.
  const match = /^'(.*)'$/s.exec(text);
  assert.ok(match, `kernel answered ${JSON.stringify(text)} to ${code}`);
  return JSON.parse(match[1]) as T;
}

/** Polls `probe` until it returns true (or fails naming what it waited for). */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("AnyWidget in JupyterLab and chromium", { skip, timeout: 300_000 }, async (t) => {
  assert.ok(anywidgetFrontEnd(path.join(VENV, "share", "jupyter")), "the anywidget front end is in .venv (npm run setup installs it)");
  const lab = await startLab({
    notebooks: [NOTEBOOK],
    // Save widget state into the notebook (checked last).
    settings: { "@jupyter-widgets/jupyterlab-manager:plugin": { saveState: true } },
  });
  const browser = await launchBrowser().catch(async (e) => {
    await lab.stop();
    throw e;
  });
  try {
    const page = browser.page;
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await openNotebook(page, lab, "anywidget.ipynb");
    await waitForKernelIdle(page);
    await command(page, "notebook:run-all-cells");
    const button = page.locator(".aw-counter");
    await button.waitFor({ timeout: 90_000 });
    await page.locator(".aw-canvas").waitFor({ timeout: 30_000 });
    await waitForKernelIdle(page);

    await t.test("clicks in the page reach the kernel's value and its change: handler", async () => {
      assert.equal(await button.innerText(), "count 0");
      for (let i = 0; i < 3; i++) await button.click();
      await eventually("the kernel to hold count 3", async () => (await kernelJson<{ count: number }>(page, `JSON.stringify({ count: counter.get("count") })`)).count === 3);
      assert.deepEqual(await kernelJson<number[]>(page, "JSON.stringify(seen)"), [1, 2, 3]);
      assert.equal(await button.innerText(), "count 3");
    });

    await t.test("a kernel-side set shows in the page", async () => {
      await kernelJson(page, `void counter.set({ count: 41 }); JSON.stringify(null)`);
      await eventually("the page to show count 41", async () => (await button.innerText()) === "count 41");
      assert.deepEqual(await kernelJson<number[]>(page, "JSON.stringify(seen)"), [1, 2, 3, 41]);
    });

    await t.test("a binary trait reaches the canvas, and its custom message comes back with a buffer", async () => {
      const drawn = await page.evaluate(() => {
        const canvas = document.querySelector(".aw-canvas");
        return Array.from(canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data) as number[];
      });
      assert.deepEqual(drawn, image(37));
      type Received = { content: { reason: string; sum: number }; bytes: number[] }[];
      await eventually("the page's first message", async () => (await kernelJson<Received>(page, "JSON.stringify(received)")).length >= 1);
      assert.deepEqual((await kernelJson<Received>(page, "JSON.stringify(received)"))[0], { content: { reason: "pixels", sum: sum(image(37)) }, bytes: [32] });
    });

    await t.test("a kernel custom message with a buffer redraws the canvas, which answers", async () => {
      await kernelJson(page, `canvas.send({ type: "redraw" }, [image(11)]); JSON.stringify(null)`);
      type Received = { content: { reason: string; sum: number }; bytes: number[] }[];
      await eventually("the page's answer to redraw", async () => (await kernelJson<Received>(page, "JSON.stringify(received)")).length >= 2);
      assert.deepEqual((await kernelJson<Received>(page, "JSON.stringify(received)"))[1], { content: { reason: "redraw", sum: sum(image(11)) }, bytes: [32] });
      const drawn = await page.evaluate(() => {
        const canvas = document.querySelector(".aw-canvas");
        return Array.from(canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data) as number[];
      });
      assert.deepEqual(drawn, image(11));
    });

    await t.test("an error in render, or a module that cannot load, shows in the output; the kernel runs on with its state", async () => {
      const errors = page.locator(".anywidget-error");
      await eventually("both errors shown", async () => (await errors.count()) === 2);
      const [renderError, loadError] = await errors.allInnerTexts();
      assert.match(renderError, /render failed/);
      assert.match(renderError, /Error: boom in render/);
      assert.match(loadError, /the widget's module could not be loaded/);
      assert.match(loadError, /SyntaxError/);
      const outputs = await page.locator(".jp-OutputArea-output").allInnerTexts();
      assert.ok(outputs.some((o) => o.includes("after the error: count=0, width=4")), `the next cell ran: ${JSON.stringify(outputs)}`);
      assert.equal((await kernelJson<{ n: number }>(page, `JSON.stringify({ n: broken.get("n") })`)).n, 1);
      // (JupyterLab's own debugger logs unrelated "No active debugger session" page errors.)
      assert.deepEqual(pageErrors.filter((e) => e.includes("boom")), [], "the failed render is handled, not an uncaught page error");
    });

    await t.test("the saved notebook keeps each AnyWidget's state, binary traits included", async () => {
      type Saved = Record<string, { model_name: string; model_module: string; state: Record<string, unknown>; buffers?: { path: string[]; encoding: string; data: string }[] }>;
      const savedStates = (): Saved => JSON.parse(fs.readFileSync(path.join(lab.root, "anywidget.ipynb"), "utf8")).metadata?.widgets?.["application/vnd.jupyter.widget-state+json"]?.state ?? {};
      await command(page, "docmanager:save");
      await eventually("the notebook saved with widget state", async () => JSON.stringify(savedStates()).includes("AnyModel"));
      const anyModels = Object.values(savedStates()).filter((m) => m.model_name === "AnyModel");
      assert.equal(anyModels.length, 4, "counter, canvas and the two broken ones");
      assert.ok(anyModels.every((m) => m.model_module === "anywidget" && typeof m.state._esm === "string"));
      const counterState = anyModels.find((m) => m.state.count !== undefined)!;
      assert.equal(counterState.state.count, 41);
      const canvasState = anyModels.find((m) => m.state.width !== undefined)!;
      const pixels = canvasState.buffers?.find((b) => b.path.join(".") === "pixels");
      assert.ok(pixels, `the canvas's pixels are saved as a buffer: ${JSON.stringify(canvasState.buffers)}`);
      assert.equal(pixels.encoding, "base64");
      assert.deepEqual(Array.from(Buffer.from(pixels.data, "base64")), image(37));
    });
  } finally {
    await browser.close();
    await lab.stop();
  }
});
