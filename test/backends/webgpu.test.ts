/**
 * The webgpu backend on a machine without a GPU: Mesa's lavapipe, which setup unpacks into
 * .vendor/mesa/ (scripts/setup-backends.js), stands in for the GPU. Each check runs in a
 * child process, as a user would: with ACTIVATION_LAB_BACKEND=webgpu and nothing else.
 *
 * Where lavapipe was not set up (no root/apt) these skip and say why; where set-up was
 * attempted and failed, they fail with its reason: a CI run must not pass by skipping.
 * The numerics and the experiments' key results run on webgpu in a process of their own
 * (scripts/test.js, test/support/backends.ts).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, test, type TestContext } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const MESA = path.join(ROOT, ".vendor", "mesa");

/** The set-up's record of lavapipe (scripts/backend-status.js): one reading for every test. */
const { backendStatus } = require(path.join(ROOT, "scripts", "backend-status.js")) as {
  backendStatus(name: string): { ready: boolean; attempted: boolean; reason: string };
};

/** Skips (with the reason) where lavapipe cannot be had; fails where its set-up broke. */
function needsLavapipe(t: TestContext): boolean {
  const l = backendStatus("webgpu");
  if (l.ready) return true;
  if (l.attempted) assert.fail(`lavapipe set-up failed: ${l.reason}`);
  t.skip(l.reason);
  return false;
}

/** Environment of a child: ours minus anything that would pick a backend or drivers for it. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ACTIVATION_LAB_QUIET: "1" };
  for (const k of ["ACTIVATION_LAB_BACKEND", "ACTIVATION_LAB_WEBGPU_SOFTWARE", "VK_ICD_FILENAMES", "VK_DRIVER_FILES", "VK_ADD_DRIVER_FILES", "NODE_TEST_CONTEXT"]) delete env[k];
  return { ...env, ...extra };
}

const probe = `require(${JSON.stringify(path.join(DIST, "src", "index.js"))}).ready().then(b => console.log(JSON.stringify(b)), e => { console.error(e.message); process.exit(3); })`;

function ready(env: Record<string, string>): { name: string; gpu: boolean; device?: string; forced: boolean; skipped: { name: string; reason: string }[] } {
  const r = spawnSync(process.execPath, ["-e", probe], { env: childEnv(env), encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

describe("webgpu on lavapipe (software Vulkan)", () => {
  test("forced webgpu runs on the vendored lavapipe; backend() names the adapter and says it is no GPU", (t) => {
    if (!needsLavapipe(t)) return;
    const info = ready({ ACTIVATION_LAB_BACKEND: "webgpu" });
    assert.equal(info.name, "webgpu");
    assert.equal(info.gpu, false);
    assert.equal(info.forced, true);
    assert.match(info.device ?? "", /llvmpipe/);
  });

  test("the chain passes over a software adapter unless ACTIVATION_LAB_WEBGPU_SOFTWARE=1", (t) => {
    if (!needsLavapipe(t)) return;
    // As if lavapipe were the system's Vulkan driver: loader and driver found the usual way.
    const system = {
      VK_ICD_FILENAMES: path.join(MESA, "lvp_icd.json"),
      LD_LIBRARY_PATH: [path.join(MESA, "root", "usr", "lib", "x86_64-linux-gnu"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
    };
    const chain = ready(system);
    assert.notEqual(chain.name, "webgpu");
    const webgpu = chain.skipped.find((s) => s.name === "webgpu");
    assert.ok(webgpu, `webgpu was not tried: ${JSON.stringify(chain.skipped)}`);
    assert.match(webgpu.reason, /no hardware WebGPU adapter \(only the software llvmpipe/);
    const allowed = ready({ ...system, ACTIVATION_LAB_WEBGPU_SOFTWARE: "1" });
    assert.equal(allowed.name, "webgpu");
    assert.equal(allowed.gpu, false);
    assert.equal(allowed.forced, false);
  });

  test("synchronous reads: a clear error on webgpu, and withSyncReads computes on a CPU-side backend and comes back", (t) => {
    if (!needsLavapipe(t)) return;
    const script = `
      const al = require(${JSON.stringify(path.join(DIST, "src", "index.js"))});
      const { withSyncReads } = require(${JSON.stringify(path.join(DIST, "src", "backend.js"))});
      al.ready().then(async () => {
        const y = al.tf.relu(al.tf.tensor1d([-1, 2]));
        let error = "";
        try { y.dataSync(); } catch (e) { error = e.message; }
        const asyncValues = Array.from(await y.data());
        y.dispose();
        const before = al.tf.memory().numTensors;
        const table = withSyncReads(() => al.properties(["gelu"]));
        console.log(JSON.stringify({ error, asyncValues, after: al.tf.getBackend(), leaked: al.tf.memory().numTensors - before, gelu: table[0] }));
      });`;
    const r = spawnSync(process.execPath, ["-e", script], { env: childEnv({ ACTIVATION_LAB_BACKEND: "webgpu" }), encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
    assert.match(out.error, /cannot read GPU results synchronously in Node: use `await tensor.data\(\)`/);
    assert.deepEqual(out.asyncValues, [0, 2]);
    assert.equal(out.after, "webgpu");
    assert.equal(out.leaked, 0);
    assert.equal(out.gelu.monotonic, false);
  });
});
