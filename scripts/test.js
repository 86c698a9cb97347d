#!/usr/bin/env node
/**
 * `npm test`: every compiled test file (dist/**\/*.test.js), in node:test processes:
 *
 *   1. the library, the kernel (through Jupyter clients), notebooks and the browser, in one run;
 *   2. the suites that must hold on every backend (they use describeWithBackends from
 *      test/support/backends.ts: numerics, the experiments' key results, the PyTorch
 *      cross-check), once per backend, each in its own process with ACTIVATION_LAB_BACKEND set.
 *
 * wasm and cpu always run. tensorflow (tfjs-node) and webgpu (lavapipe) run where the set-up
 * prepared them or tried to (scripts/backend-status.js): a backend it tried and could not
 * start fails its suites; one it did not attempt here is reported as skipped, with why.
 * The last lines sum up every process, list each skipped test with its reason and each failed
 * test with the first lines of its error (a CI page often shows only a long log's tail).
 *
 * Extra arguments filter by path: `npm test -- kernel` runs only files whose path has
 * "kernel". `--backend=NAME` (repeatable) limits step 2 to those backends.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { backendStatus } = require("./backend-status");
const { failures } = require("./tap-failures");

const ROOT = path.resolve(__dirname, "..");
/** Order of the per-backend runs: the backend users get from npm install first. */
const BACKENDS = ["tensorflow", "wasm", "cpu", "webgpu"];
/** How a file says it holds per backend: it calls describeWithBackends (compiled: `(0, x.describeWithBackends)(`). */
const PER_BACKEND_MARK = /\bdescribeWithBackends\)?\(/;

const argv = process.argv.slice(2);
const filters = argv.filter((a) => !a.startsWith("-"));
const onlyBackends = argv.filter((a) => a.startsWith("--backend=")).map((a) => a.slice("--backend=".length));
for (const b of onlyBackends) {
  if (!BACKENDS.includes(b)) {
    console.error(`--backend=${b} is not a backend; valid choices: ${BACKENDS.join(", ")}`);
    process.exit(2);
  }
}

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const DIST = path.join(ROOT, "dist");
// Filters match the path inside dist/: the checkout's own folder name must not match them all.
const files = walk(DIST, [])
  .filter((f) => filters.length === 0 || filters.some((flt) => path.relative(DIST, f).includes(flt)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(", ") || "dist/**/*.test.js"}; run npm run build first`);
  process.exit(1);
}
const perBackend = files.filter((f) => PER_BACKEND_MARK.test(fs.readFileSync(f, "utf8")));
const shared = files.filter((f) => !perBackend.includes(f));

const tapDir = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-test-"));
const runs = [];

/** One node:test process: spec on the terminal, TAP to a file for the summary. */
function run(label, testFiles, env) {
  const tap = path.join(tapDir, `${label.replace(/\W+/g, "-")}.tap`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ["--test", "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=tap", `--test-reporter-destination=${tap}`, ...testFiles],
    { cwd: ROOT, stdio: "inherit", env: { ...process.env, ACTIVATION_LAB_QUIET: process.env.ACTIVATION_LAB_QUIET ?? "1", TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "3", ...env } },
  );
  runs.push({ label, status: r.status ?? 1, seconds: (Date.now() - t0) / 1000, tap: fs.existsSync(tap) ? fs.readFileSync(tap, "utf8") : "" });
}

/** Totals (the last "# tests N" block) and each skipped test with its reason, from TAP. */
function summarize(tap) {
  const count = (key) => {
    const all = [...tap.matchAll(new RegExp(`^# ${key} (\\d+)$`, "gm"))];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  };
  const skipped = [...tap.matchAll(/^\s*ok \d+ - (.*?) # SKIP ?(.*)$/gm)].map((m) => ({ name: m[1], reason: m[2] || "no reason given" }));
  return { tests: count("tests"), pass: count("pass"), fail: count("fail"), cancelled: count("cancelled"), skipped, skippedCount: count("skipped") };
}

if (shared.length) {
  console.log(`\n== library, kernel, notebooks, browser (${shared.length} files)`);
  run("shared", shared, {});
}

const backendSkips = [];
if (perBackend.length) {
  // ACTIVATION_LAB_BACKEND set by a person limits the per-backend runs to that backend.
  const wanted = onlyBackends.length ? onlyBackends : process.env.ACTIVATION_LAB_BACKEND ? [process.env.ACTIVATION_LAB_BACKEND.trim()] : BACKENDS;
  const names = perBackend.map((f) => path.basename(f, ".test.js")).join(", ");
  for (const backend of BACKENDS.filter((b) => wanted.includes(b))) {
    const status = backendStatus(backend);
    if (!status.ready && !status.attempted) {
      backendSkips.push({ name: `${backend}: ${names}`, reason: status.reason });
      console.log(`\n== on ${backend}: skipped — ${status.reason}`);
      continue;
    }
    console.log(`\n== on ${backend} (${names})`);
    // Set-up tried and failed: the suites run anyway and fail, each with the chain's reason.
    if (!status.ready) console.log(`${backend} is required here but its set-up failed: ${status.reason}`);
    run(backend, perBackend, { ACTIVATION_LAB_BACKEND: backend });
  }
}

console.log("\n== summary");
let failed = false;
const allSkips = [...backendSkips];
const allFailures = [];
const total = { pass: 0, fail: 0, skipped: 0 };
for (const r of runs) {
  const s = summarize(r.tap);
  failed ||= r.status !== 0;
  total.pass += s.pass;
  total.fail += s.fail + (s.cancelled ?? 0);
  total.skipped += s.skippedCount;
  allSkips.push(...s.skipped.map((k) => ({ ...k, name: `${r.label}: ${k.name}` })));
  allFailures.push(...failures(r.tap).map((f) => ({ ...f, name: `${r.label}: ${f.name}` })));
  console.log(
    `${r.label.padEnd(11)} ${String(s.tests).padStart(4)} tests, ${s.pass} passed, ${s.fail} failed, ${s.skippedCount} skipped` +
      `${s.cancelled ? `, ${s.cancelled} cancelled` : ""} (${r.seconds.toFixed(0)} s)${r.status !== 0 ? `, exit ${r.status}` : ""}`,
  );
}
if (allSkips.length) {
  console.log(`skipped (${allSkips.length}):`);
  for (const k of allSkips) console.log(`  - ${k.name} — ${k.reason}`);
} else console.log("skipped: none");
if (allFailures.length) {
  console.log(`failed (${allFailures.length}):`);
  for (const f of allFailures) console.log(`  - ${f.name}\n${f.detail.map((l) => `      ${l}`).join("\n")}`);
}
// One closing line over every process, in the plain form CI tools read ("total: N passed, N failed, N skipped").
console.log(`total: ${total.pass} passed, ${total.fail} failed, ${total.skipped + backendSkips.length} skipped`);
fs.rmSync(tapDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
