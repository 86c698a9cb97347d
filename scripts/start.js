#!/usr/bin/env node
/** `npm start`: JupyterLab on notebooks/ at 127.0.0.1, with the activation-lab kernel and widgets from .venv. */
"use strict";
const { spawn } = require("child_process");
const path = require("path");
const { labArguments } = require("./lab-config");

const ROOT = path.resolve(__dirname, "..");
const jupyter = path.join(ROOT, ".venv", "bin", "jupyter");
const { args, notes } = labArguments({ notebooks: path.join(ROOT, "notebooks"), isRoot: process.getuid?.() === 0, extra: process.argv.slice(2) });
for (const note of notes) console.log(note);
const child = spawn(jupyter, args, { cwd: ROOT, stdio: "inherit" });
child.on("error", (e) => {
  console.error(`could not start JupyterLab (${e.message}); run npm run setup first`);
  process.exit(1);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
