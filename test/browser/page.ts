/**
 * Browser side of the tests: Debian's chromium driven by playwright-core (never a downloaded
 * browser), a fresh profile per launch, and helpers that work on JupyterLab through its
 * exposed application object and on our widgets through their DOM and live vega views.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM, REPO_ROOT, type Lab } from "./lab";

/**
 * Code passed to page.evaluate runs in the browser; the project compiles without the DOM
 * library (it is a Node project), so the few browser globals used there are declared here,
 * for this file only.
 */
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
type HTMLElement = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type HTMLInputElement = any; // eslint-disable-line @typescript-eslint/no-explicit-any


export const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts", "browser");

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors (a widget that fails to load says so here). */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  return {
    context,
    page,
    consoleErrors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a notebook of the lab's root dir in a clean workspace and waits for JupyterLab. A lab
 * without a token (a hub's single-user server, `url` = …/user/NAME) relies on the page's cookies.
 */
export async function openNotebook(page: Page, lab: Pick<Lab, "url"> & { token?: string }, name: string): Promise<void> {
  await page.goto(`${lab.url}/lab/tree/${encodeURIComponent(name)}?reset${lab.token ? `&token=${lab.token}` : ""}`);
  await page.waitForFunction(() => {
    const app = (window as unknown as { jupyterapp?: { shell?: { currentWidget?: { content?: { widgets?: unknown[] } } } } }).jupyterapp;
    return (app?.shell?.currentWidget?.content?.widgets?.length ?? 0) > 0;
  }, undefined, { timeout: 60_000 });
}

/** Runs a JupyterLab command (the same thing a menu item or shortcut does). */
export async function command(page: Page, id: string, args: Record<string, unknown> = {}): Promise<unknown> {
  return page.evaluate(
    ([commandId, commandArgs]) =>
      (window as unknown as { jupyterapp: { commands: { execute(id: string, args: unknown): Promise<unknown> } } }).jupyterapp.commands
        .execute(commandId as string, commandArgs)
        .then(() => null),
    [id, args] as const,
  );
}

/** Waits until the notebook's kernel is connected and idle. */
export async function waitForKernelIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = (window as unknown as { jupyterapp: { shell: { currentWidget: { sessionContext?: { session?: { kernel?: { status: string; connectionStatus: string } } } } } } })
        .jupyterapp.shell.currentWidget;
      const kernel = w?.sessionContext?.session?.kernel;
      return kernel?.status === "idle" && kernel.connectionStatus === "connected";
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/**
 * Waits for a notebook's saved widget views to render after opening it with a fresh kernel.
 * JupyterLab's widget manager restores saved widgets with two overlapping requests when the
 * kernel connects before its session is ready; if the kernel-only one finishes first, the
 * outputs say "model not found" (upstream, seen now and then with any kernel). A reload
 * restores again, and then the views must render. `drawn` matches once they have.
 * Returns whether the reload was needed.
 */
export async function waitForSavedWidgets(page: Page, drawn: string, timeoutMs = 60_000): Promise<boolean> {
  const outcome = () =>
    page.waitForFunction(
      (sel) => {
        if (document.querySelector(sel)) return "drawn";
        const outputs = [...document.querySelectorAll(".jp-OutputArea-output")] as { textContent: string | null }[];
        return outputs.some((o) => o.textContent?.includes("Error displaying widget: model not found")) ? "not found" : false;
      },
      drawn,
      { timeout: timeoutMs },
    );
  if ((await (await outcome()).jsonValue()) === "drawn") return false;
  await page.reload();
  await page.locator(drawn).first().waitFor({ timeout: timeoutMs });
  return true;
}

/** The chart revision of a widget (bumped after every completed render), or 0 before the first. */
export async function chartRevision(page: Page, widgetSelector: string): Promise<number> {
  return page.evaluate((sel) => Number(document.querySelector(`${sel} .al-chart`)?.dataset.revision ?? 0), widgetSelector);
}

export async function waitForRevisionAbove(page: Page, widgetSelector: string, revision: number, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction(
    ([sel, rev]) => Number(document.querySelector(`${sel as string} .al-chart`)?.dataset.revision ?? 0) > (rev as number),
    [widgetSelector, revision] as const,
    { timeout: timeoutMs },
  );
  return chartRevision(page, widgetSelector);
}

/** Rows of a named dataset of a widget's live vega view. */
export async function chartData<T = Record<string, unknown>>(page: Page, widgetSelector: string, dataset: string): Promise<T[]> {
  return page.evaluate(
    ([sel, name]) => {
      const el = document.querySelector(`${sel} .al-chart`) as { vegaView?: { data(n: string): unknown[] } } | null;
      if (!el?.vegaView) throw new Error(`no live vega view under ${sel}`);
      // Plain copies: vega's tuples carry internal symbols that do not serialise.
      return el.vegaView.data(name as string).map((row) => ({ ...(row as object) }));
    },
    [widgetSelector, dataset] as const,
  ) as Promise<T[]>;
}

/** A screenshot of the notebook output holding `selector`, saved under test-artifacts/browser/. */
export async function screenshotOutput(page: Page, selector: string, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  const output = page.locator(".jp-OutputArea-output", { has: page.locator(selector) }).first();
  await output.scrollIntoViewIfNeeded();
  await output.screenshot({ path: file });
  return file;
}
