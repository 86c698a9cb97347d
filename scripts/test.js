#!/usr/bin/env node
/**
 * `npm test`: every compiled test file (dist/**\/*.test.js) in one node:test run, so one
 * report covers the library, the kernel (through Jupyter clients), notebooks and the browser.
 * Extra arguments filter by path: `npm test -- kernel` runs only files whose path has "kernel".
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = walk(path.join(ROOT, "dist"), [])
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(", ") || "dist/**/*.test.js"}; run npm run build first`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, ACTIVATION_LAB_QUIET: process.env.ACTIVATION_LAB_QUIET ?? "1" },
});
process.exit(r.status ?? 1);
