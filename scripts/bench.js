#!/usr/bin/env node
/**
 * `npm run bench [-- NAME...]`: runs the compiled benchmarks in dist/bench/ one after another
 * (each prints its own table of ratios). Names filter: `npm run bench -- activations`.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const dir = path.join(ROOT, "dist", "bench");
const filters = process.argv.slice(2);
const files = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
  .filter((f) => f.endsWith(".js") && !f.endsWith(".test.js"))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmarks matched ${filters.join(", ") || "dist/bench/*.js"}`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f.replace(/\.js$/, ".ts")}`);
  const r = spawnSync(process.execPath, [path.join(dir, f)], { cwd: ROOT, stdio: "inherit", env: { ...process.env, ACTIVATION_LAB_QUIET: "1" } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
