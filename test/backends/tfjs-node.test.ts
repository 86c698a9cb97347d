/**
 * The offline tfjs-node build (part of the test set-up, or `npm run setup -- --with-tfjs-node`):
 * the chain prefers it to wasm and it computes with the project's one tfjs engine. Where the
 * set-up did not attempt it (not linux-x64) this skips and says why; where it tried and
 * failed, it fails with the set-up's reason. The numerics and the experiments' key results
 * run on tensorflow in a process of their own (scripts/test.js, test/support/backends.ts).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test, type TestContext } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const { backendStatus } = require(path.join(ROOT, "scripts", "backend-status.js")) as {
  backendStatus(name: string): { ready: boolean; attempted: boolean; reason: string };
};

function built(t: TestContext): boolean {
  const s = backendStatus("tensorflow");
  if (s.ready) return true;
  if (s.attempted) assert.fail(s.reason);
  t.skip(s.reason);
  return false;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ACTIVATION_LAB_QUIET: "1", TF_CPP_MIN_LOG_LEVEL: "3" };
  delete e.ACTIVATION_LAB_BACKEND;
  delete e.ACTIVATION_LAB_WEBGPU_SOFTWARE;
  delete e.NODE_TEST_CONTEXT;
  return { ...e, ...extra };
}

test("the chain prefers tfjs-node to wasm, on the project's own tfjs engine", (t) => {
  if (!built(t)) return;
  const script = `
    const al = require(${JSON.stringify(path.join(DIST, "src", "index.js"))});
    al.ready().then(async (info) => {
      const x = al.tf.tensor1d([-2, 0.5, 3]);
      const y = al.activation("relu").apply(x);
      console.log(JSON.stringify({ info, backend: al.tf.getBackend(), values: Array.from(await y.data()) }));
    });`;
  const r = spawnSync(process.execPath, ["-e", script], { env: env(), encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.equal(out.info.name, "tensorflow");
  assert.equal(out.info.gpu, false);
  assert.ok(!out.info.skipped.some((s: { name: string }) => s.name === "tensorflow"));
  // The library's tf (al.tf) is the engine tfjs-node registered with: its ops ran there.
  assert.equal(out.backend, "tensorflow");
  assert.deepEqual(out.values, [0, 0.5, 3]);
});
