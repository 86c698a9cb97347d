#!/usr/bin/env node
"use strict";
// The compiled command line lives in dist/ (built by `npm run build`).
let cli;
try {
  cli = require("../dist/kernel-ext/cli.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && /dist[\\/]kernel-ext[\\/]cli/.test(String(e.message))) {
    process.stderr.write("activation-lab: dist/ is missing; run `npm run build` (or `npm run setup`) first\n");
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`activation-lab: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
