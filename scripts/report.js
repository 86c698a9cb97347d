#!/usr/bin/env node
/**
 * `npm run report`: set up, execute every notebook in notebooks/ headless on the
 * activation-lab kernel (nbclient, widget state stored), write the executed notebooks back
 * into notebooks/ (so they are committed with outputs), and render each to HTML in out/ with
 * `jupyter nbconvert --to html`.
 *
 *   npm run report                    # all notebooks
 *   npm run report -- 04 dying        # only notebooks whose file name contains one of these
 *   node scripts/report.js --no-setup # skip the set-up step (already set up)
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const VENV = path.join(ROOT, ".venv");
const PY = path.join(VENV, "bin", "python");
const JUPYTER = path.join(VENV, "bin", "jupyter");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const OUT = path.join(ROOT, "out");
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

if (!process.argv.includes("--no-setup") && run(process.execPath, [path.join(__dirname, "setup.js"), "--quiet"]) !== 0) process.exit(1);

const notebooks = fs
  .readdirSync(NOTEBOOKS)
  .filter((f) => f.endsWith(".ipynb"))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort()
  .map((f) => path.join(NOTEBOOKS, f));
if (notebooks.length === 0) {
  console.error(`no notebooks matched ${filters.join(", ")}`);
  process.exit(1);
}

// Saved outputs come from the wasm backend (the one every machine has) unless told otherwise, so
// the re-execution in npm test compares like with like.
const env = {
  ...process.env,
  JUPYTER_PATH: path.join(VENV, "share", "jupyter"),
  PYDEVD_DISABLE_FILE_VALIDATION: "1",
  ACTIVATION_LAB_BACKEND: process.env.ACTIVATION_LAB_BACKEND || "wasm",
};
const exec = spawnSync(PY, [path.join(ROOT, "test", "notebooks", "run_notebooks.py"), "--timeout", "120", "--write-back", ...notebooks], {
  cwd: ROOT,
  env,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 256 * 1024 * 1024,
});
let failed = exec.status !== 0;
const executed = [];
for (const line of (exec.stdout || "").split("\n")) {
  if (!line.startsWith("{")) continue;
  const r = JSON.parse(line);
  const name = path.basename(r.path);
  if (r.errors.length) {
    failed = true;
    console.log(`✗ ${name} (${r.seconds} s)\n    ${r.errors.join("\n    ")}`);
  } else {
    executed.push(r.path);
    console.log(`✓ ${name} ${r.seconds} s`);
  }
}

if (executed.length) {
  fs.mkdirSync(OUT, { recursive: true });
  // The HTML is for reading anywhere, offline included: without the saved widget state
  // nbconvert draws each widget's static fallback (vega-lite's server-side SVG) instead of an
  // empty placeholder that needs a widget manager from the network. The notebooks themselves
  // keep their widget state for JupyterLab.
  const staticCharts = ["--ClearMetadataPreprocessor.enabled=True"];
  const status = run(JUPYTER, ["nbconvert", "--to", "html", ...staticCharts, "--output-dir", OUT, ...executed], { env });
  if (status !== 0) failed = true;
  else console.log(`HTML for ${executed.length} notebook(s) in ${path.relative(ROOT, OUT)}/`);
}
process.exit(failed ? 1 : 0);
