/**
 * activation-lab for a group, under a real JupyterHub (README "Run it for a group"): two users log in through
 * the hub's login page in chromium, each runs the explorer in their own server and kernel
 * through the hub's proxy, neither can reach the other's server or kernel, dragging sliders
 * keeps a kernel alive under jupyter_server's idle culling while an idle one is culled (ada's
 * server runs activation-lab's server extension, bob's does not), and stopping a server leaves
 * no kernel process behind. Skips (with the reason) only outside CI when a piece is missing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import type { Page } from "playwright-core";
import { REPO_ROOT, writeExplorerNotebook } from "../browser/lab";
import { chartData, chartRevision, command, launchBrowser, openNotebook, waitForKernelIdle, waitForRevisionAbove, type Browser } from "../browser/page";
import { hubSkipReason, logIn, startHub, type Hub, type HubProcess, type HubUser } from "./hub";

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = hubSkipReason();
const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts", "hub");
const EXPLORER = ".al-explorer";
const ALPHA_SLIDER = `${EXPLORER} input[data-activation="leaky_relu"][data-param="alpha"]`;
/**
 * jupyter_server culls a kernel this long after its last activity (checked every interval). It
 * also counts from the kernel's start, so it must outlast a kernel's boot and JupyterLab's
 * opening of the notebook on a loaded 2-core machine (8 s did not, once).
 */
const CULL_IDLE_S = 20;
const CULL_INTERVAL_S = 1;
const ADA: HubUser = { name: "ada", password: crypto.randomBytes(9).toString("base64url") };
const BOB: HubUser = { name: "bob", password: crypto.randomBytes(9).toString("base64url"), serverExtension: false };

interface Session {
  user: HubUser;
  browser: Browser;
  page: Page;
  kernelId: string;
  kernelPid: number;
  /** The user's own API token (from the hub). */
  token: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

function parentPid(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function kernelProcess(hub: Hub, kernelId: string): HubProcess | undefined {
  return hub.processes().find((p) => p.cmdline.includes(`kernel-${kernelId}.json`));
}

/** The status of a websocket upgrade request (101 when it was let through). */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": crypto.randomBytes(16).toString("base64"), Authorization: `token ${token}` },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to the websocket upgrade of ${url} within 15 s`)));
    req.end();
  });
}

/** One key press on the alpha slider and the redrawn chart it causes (a full comm round trip). */
async function pressAndRedraw(page: Page, key: "ArrowRight" | "ArrowLeft"): Promise<void> {
  const before = await chartRevision(page, EXPLORER);
  await page.locator(ALPHA_SLIDER).press(key);
  await waitForRevisionAbove(page, EXPLORER, before, 15_000);
}

/** Moves the slider back and forth every ~0.5 s for `ms`; returns when the last redraw landed. */
async function dragFor(page: Page, ms: number): Promise<{ presses: number; lastAt: number }> {
  const end = Date.now() + ms;
  let presses = 0;
  while (Date.now() < end) {
    await pressAndRedraw(page, presses % 2 === 0 ? "ArrowLeft" : "ArrowRight");
    presses++;
    await sleep(500);
  }
  return { presses, lastAt: Date.now() };
}

async function kernelIds(hub: Hub, session: Session): Promise<string[]> {
  const res = await fetch(`${hub.userUrl(session.user.name)}/api/kernels`, { headers: { Authorization: `token ${session.token}` } });
  assert.equal(res.status, 200, `${session.user.name}'s own token lists their kernels`);
  return ((await res.json()) as { id: string }[]).map((k) => k.id);
}

test("activation-lab under a real JupyterHub, two users", { skip, timeout: 300_000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-hub-test-"));
  const notebook = path.join(work, "explore.ipynb");
  writeExplorerNotebook(notebook, ["relu", "leaky_relu"], 241);
  const browsers: Browser[] = [];
  let hub: Hub | undefined;
  let leftovers: HubProcess[] = [];
  try {
    const started = Date.now();
    hub = await startHub({ users: [ADA, BOB], notebooks: [notebook], culling: { idleTimeoutS: CULL_IDLE_S, intervalS: CULL_INTERVAL_S } });
    const theHub = hub;
    t.diagnostic(`hub up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const sessions = new Map<string, Session>();

    await t.test("a wrong password is refused; each user logs in with their own and gets their JupyterLab", async () => {
      const intruder = await launchBrowser();
      browsers.push(intruder);
      await intruder.page.goto(`${theHub.url}/hub/login`);
      await intruder.page.locator("input[name=username]").fill(ADA.name);
      await intruder.page.locator("input[name=password]").fill(BOB.password);
      await intruder.page.locator("form [type=submit]").click();
      await intruder.page.getByText("Invalid username or password").waitFor({ timeout: 15_000 });
      assert.equal(new URL(intruder.page.url()).pathname, "/hub/login", "still on the login page");

      await Promise.all(
        [ADA, BOB].map(async (user) => {
          const browser = await launchBrowser();
          browsers.push(browser);
          await logIn(browser.page, theHub, user);
          sessions.set(user.name, { user, browser, page: browser.page, kernelId: "", kernelPid: 0, token: await theHub.userToken(user.name) });
        }),
      );
      t.diagnostic(`both logged in and their servers up at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
    const ada = sessions.get(ADA.name)!;
    const bob = sessions.get(BOB.name)!;

    await t.test("each user's notebook runs through the hub's proxy and a slider changes their chart", async () => {
      await Promise.all(
        [ada, bob].map(async (s) => {
          await openNotebook(s.page, { url: theHub.userUrl(s.user.name) }, "explore.ipynb");
          await waitForKernelIdle(s.page, 90_000);
          await command(s.page, "notebook:run-all-cells");
          await waitForRevisionAbove(s.page, EXPLORER, 0, 120_000);
          s.kernelId = await s.page.evaluate(() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id as string);
          for (let i = 0; i < 3; i++) await pressAndRedraw(s.page, "ArrowRight");
          const alpha = Number(await s.page.locator(ALPHA_SLIDER).inputValue());
          assert.ok(alpha > 0.01, `${s.user.name}: three presses moved alpha off its default (now ${alpha})`);
          // The grid starts at x = -6: leaky_relu's first tuple there is -6·alpha.
          const leaky = await chartData<{ x: number; f: number }>(s.page, EXPLORER, "series1");
          assert.equal(leaky[0].x, -6);
          assert.ok(Math.abs(leaky[0].f - -6 * alpha) < 1e-5, `${s.user.name}: leaky_relu(-6) = ${leaky[0].f}, expected ${-6 * alpha}`);
        }),
      );
      t.diagnostic(`both charts live at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    await t.test("each kernel is its own process, a child of its own user's server", () => {
      for (const s of [ada, bob]) {
        const kernel = kernelProcess(theHub, s.kernelId);
        assert.ok(kernel, `${s.user.name}'s kernel ${s.kernelId} is a live process: ${JSON.stringify(theHub.processes())}`);
        assert.match(kernel.cmdline, /activation-lab\.js kernel/);
        assert.equal(kernel.user, s.user.name);
        const server = theHub.processes().find((p) => p.pid === parentPid(kernel.pid));
        assert.ok(server && /jupyterhub\.singleuser/.test(server.cmdline) && server.user === s.user.name, `the parent of ${s.user.name}'s kernel is their single-user server: ${JSON.stringify(server)}`);
        s.kernelPid = kernel.pid;
      }
      assert.notEqual(ada.kernelPid, bob.kernelPid);
      assert.notEqual(parentPid(ada.kernelPid), parentPid(bob.kernelPid), "two servers");
    });

    // From here both users drag their sliders in the background while the access checks run.
    const keepAliveMs = 1.5 * CULL_IDLE_S * 1000;
    const drags = Promise.all([dragFor(ada.page, keepAliveMs), dragFor(bob.page, keepAliveMs)]);
    drags.catch(() => {}); // awaited below; a failure there must not surface as unhandled first
    let dragged: { presses: number; lastAt: number }[] | undefined;

    await t.test("ada's token and cookie get 403 on bob's server and kernel", async () => {
      const adaAuth = { Authorization: `token ${ada.token}` };
      // Control: ada's token works on ada's server.
      assert.ok((await kernelIds(theHub, ada)).includes(ada.kernelId));
      assert.equal(await upgradeStatus(`${theHub.userUrl("ada")}/api/kernels/${ada.kernelId}/channels`, ada.token), 101, "ada opens a websocket to her own kernel");

      const bobs = theHub.userUrl("bob");
      assert.equal((await fetch(`${bobs}/api/kernels`, { headers: adaAuth })).status, 403, "ada lists bob's kernels");
      assert.equal((await fetch(`${bobs}/api/kernels/${bob.kernelId}`, { headers: adaAuth })).status, 403, "ada reads bob's kernel");
      assert.equal((await fetch(`${bobs}/api/kernels/${bob.kernelId}`, { method: "DELETE", headers: adaAuth })).status, 403, "ada shuts bob's kernel down");
      assert.equal(await upgradeStatus(`${bobs}/api/kernels/${bob.kernelId}/channels`, ada.token), 403, "ada opens a websocket to bob's kernel");
      assert.ok(alive(bob.kernelPid), "bob's kernel lives on");

      // ada's browser (her hub login cookie): the API answers 403, a page goes nowhere near bob's lab.
      assert.equal((await ada.browser.context.request.get(`${theHub.userUrl("ada")}/api/kernels`)).status(), 200, "control: ada's cookie on her own server");
      assert.equal((await ada.browser.context.request.get(`${bobs}/api/kernels`)).status(), 403, "ada's cookie on bob's kernels");
      const tab = await ada.browser.context.newPage();
      try {
        const response = await tab.goto(`${bobs}/lab`);
        const at = new URL(tab.url()).pathname;
        assert.ok(response?.status() === 403 || at === "/hub/login", `ada opening bob's lab: status ${response?.status()} at ${at}`);
        assert.ok(!at.startsWith("/user/bob/"), `ada must not land in bob's server (at ${at})`);
      } finally {
        await tab.close();
      }
    });

    await t.test(`dragging sliders keeps both kernels alive past the ${CULL_IDLE_S} s cull timeout, with and without the server extension`, async () => {
      const untracked = async (s: Session) => s.page.evaluate(() => JSON.parse(document.getElementById("jupyter-config-data").textContent).untracked_message_types as string[]);
      assert.ok((await untracked(ada)).includes("comm_msg"), "ada's server runs the server extension");
      assert.ok(!(await untracked(bob)).includes("comm_msg"), "bob's server runs without it");
      dragged = await drags;
      for (const [s, drag] of [[ada, dragged[0]], [bob, dragged[1]]] as const) {
        assert.ok(drag.presses >= keepAliveMs / 1000, `${s.user.name} moved the slider ${drag.presses} times`);
        assert.ok((await kernelIds(theHub, s)).includes(s.kernelId), `${s.user.name}'s kernel is still listed`);
        assert.ok(alive(s.kernelPid), `${s.user.name}'s kernel process lives`);
      }
    });

    await t.test(`once idle, each kernel is culled ${CULL_IDLE_S - 3}–${CULL_IDLE_S + 2 * CULL_INTERVAL_S + 3} s after its last slider move`, async () => {
      assert.ok(dragged, "the sliders were dragged");
      const lastMoves = dragged.map((d) => d.lastAt);
      await Promise.all(
        [ada, bob].map(async (s, i) => {
          await until(`${s.user.name}'s idle kernel to be culled`, async () => ((await kernelIds(theHub, s)).includes(s.kernelId) ? undefined : true), (CULL_IDLE_S + 15) * 1000);
          const after = (Date.now() - lastMoves[i]) / 1000;
          // The test stamps the last move after its redraw and a 0.5 s pause; the server stamps
          // activity when the kernel's last message passes it. Under CI load the two stood 1.6 s
          // apart (a cull 18.4 s after the test's stamp), so the early bound allows 3 s: it still
          // tells a 20 s timeout from a premature cull, and the test above shows that dragging
          // keeps a kernel alive past the timeout.
          assert.ok(after >= CULL_IDLE_S - 3, `${s.user.name}'s kernel was culled ${after.toFixed(1)} s after the last move, well before the ${CULL_IDLE_S} s timeout`);
          assert.ok(after <= CULL_IDLE_S + 2 * CULL_INTERVAL_S + 3, `${s.user.name}'s kernel was culled only ${after.toFixed(1)} s after the last move`);
          await until(`${s.user.name}'s culled kernel process to exit`, () => (alive(s.kernelPid) ? undefined : true), 10_000);
        }),
      );
    });

    await t.test("stopping a user's server stops their kernel: no process of theirs is left", async () => {
      const res = await fetch(`${theHub.userUrl("ada")}/api/kernels`, { method: "POST", headers: { Authorization: `token ${ada.token}`, "Content-Type": "application/json" }, body: JSON.stringify({ name: "activation-lab" }) });
      assert.equal(res.status, 201, await res.clone().text());
      const kernelId = ((await res.json()) as { id: string }).id;
      const kernel = await until("ada's new kernel process", () => kernelProcess(theHub, kernelId), 30_000);
      assert.ok(alive(kernel.pid));
      const stopped = await theHub.api("DELETE", "/users/ada/server");
      assert.ok([202, 204].includes(stopped.status), `stopping ada's server: ${stopped.status}`);
      await theHub.waitForServer("ada", "stopped");
      const left = await until("ada's server and kernel to exit", () => {
        const hers = theHub.processes().filter((p) => p.user === "ada");
        return hers.length === 0 ? hers : undefined;
      }, 15_000).catch((e) => assert.fail(`${(e as Error).message}; still running: ${JSON.stringify(theHub.processes().filter((p) => p.user === "ada"))}`));
      assert.deepEqual(left, []);
      assert.ok(!alive(kernel.pid), "ada's kernel (a node process) exited");
      assert.ok(theHub.processes().some((p) => p.user === "bob" && /jupyterhub\.singleuser/.test(p.cmdline)), "bob's server runs on");
    });
    t.diagnostic(`hub test body took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    if (hub) {
      leftovers = await hub.stop();
      // The hub's and the servers' log, for a failure's post-mortem (CI keeps test-artifacts/).
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.writeFileSync(path.join(ARTIFACTS, "hub.log"), hub.log());
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
  assert.deepEqual(leftovers, [], "the hub's shutdown stopped every server, kernel and the proxy (these had to be killed)");
});
