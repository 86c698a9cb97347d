/**
 * The offline tfjs-node build (`npm run setup -- --with-tfjs-node`), where it exists: the chain
 * prefers it to wasm, it computes with the project's one tfjs engine, and the experiments'
 * checks hold on it. (The numerics suite covers it by itself: it loops over availableBackends().)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test, type TestContext } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const VENDORED = path.join(ROOT, ".vendor", "tfjs-node", "node_modules", "@tensorflow", "tfjs-node");

function built(t: TestContext): boolean {
  if (fs.existsSync(VENDORED) || fs.existsSync(path.join(ROOT, "node_modules", "@tensorflow", "tfjs-node", "package.json"))) return true;
  t.skip("tfjs-node not built here (npm run setup -- --with-tfjs-node)");
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

test("gradientFlow on tfjs-node matches wasm layer by layer, and the experiments' facts hold", { timeout: 300_000 }, (t) => {
  if (!built(t)) return;
  const r = spawnSync(process.execPath, [path.join(DIST, "test", "backends", "flow-check.js"), "tensorflow"], { env: env(), encoding: "utf8", timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr.slice(-1000));
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.equal(out.backend, "tensorflow");
  assert.deepEqual(out.failures, [], `beyond relative ${out.tolerance}: ${JSON.stringify(out.failures)}`);
  assert.deepEqual(out.facts, { sigmoidVanishes: true, reluHeHealthy: true, seluSelfNormalizes: true, verdictsMatchWasm: true });
});
