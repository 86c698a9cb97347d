/**
 * Executes every curated notebook headless (nbclient, the activation-lab kernel from
 * .venv/share/jupyter, two notebooks at a time) and checks what a reader relies on: no error
 * output — a claim whose measurement contradicts its sentence throws, so a notebook whose
 * words and numbers disagree fails here — a verified claim card for every claim the notebook
 * names, no bare printed numbers in place of claims, and the time budget, on wasm and on
 * tensorflow (see `backends` below). ACTIVATION_LAB_NOTEBOOKS=03,14 runs a subset.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { barePrintedNumbers, claimIds, namedClaims, notebooksDir, readNotebook, repoRoot, type ClaimCard } from "./notebooks";

const python = path.join(repoRoot, ".venv", "bin", "python");
const helper = path.join(repoRoot, "test", "notebooks", "run_notebooks.py");
const kernelspec = path.join(repoRoot, ".venv", "share", "jupyter", "kernels", "activation-lab", "kernel.json");
/** A reader's budget is 60 s a notebook on 2 cores; this hard limit leaves room for a loaded machine. */
const NOTEBOOK_LIMIT_S = 90;
const TOTAL_BUDGET_S = 12 * 60;
const CELL_TIMEOUT_S = 120;

interface Result {
  path: string;
  seconds: number;
  errors: string[];
  texts: string[];
  claims: ClaimCard[];
  /** Why the runner started the kernel a second time (it ran no cell on the first try). */
  retried?: string;
  /** The runner's and kernel's stderr, kept when the notebook failed. */
  stderr?: string;
}

/** ACTIVATION_LAB_NOTEBOOKS=03,14 runs only the notebooks whose names start with those prefixes. */
const only = (process.env.ACTIVATION_LAB_NOTEBOOKS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const allFiles = fs.existsSync(notebooksDir) ? fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort() : [];
const files = allFiles.filter((f) => only.length === 0 || only.some((p) => f.startsWith(p)));
/**
 * Every notebook runs on wasm, the backend its saved outputs come from (npm run report), and on
 * tensorflow, the backend a user's `npm install` brings, wherever the set-up prepared it or
 * tried to (a claim that holds on one backend's kernels only is a wrong sentence for the
 * other's users). ACTIVATION_LAB_BACKEND=NAME runs them on that backend alone.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { backendStatus } = require(path.join(repoRoot, "scripts", "backend-status.js")) as { backendStatus(b: string): { attempted: boolean } };
const forced = process.env.ACTIVATION_LAB_BACKEND?.trim();
const backends = forced ? [forced] : ["wasm", ...(backendStatus("tensorflow").attempted ? ["tensorflow"] : [])];

function runAll(backend: string): Map<string, Result> {
  assert.ok(fs.existsSync(python), "the .venv exists (npm run setup)");
  assert.ok(fs.existsSync(kernelspec), `the activation-lab kernelspec is installed in .venv (${kernelspec})`);
  const r = spawnSync(python, [helper, "--timeout", String(CELL_TIMEOUT_S), "--jobs", "2", ...files.map((f) => path.join(notebooksDir, f))], {
    cwd: repoRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(repoRoot, ".venv", "share", "jupyter"),
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
      ACTIVATION_LAB_BACKEND: backend,
      // Two kernels run at once on two cores: one TensorFlow thread each, as wasm has, instead
      // of two each competing for the same cores (sums may round differently; no claim rests on that).
      TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? "1",
      TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? "1",
    },
    maxBuffer: 256 * 1024 * 1024,
    timeout: (TOTAL_BUDGET_S + 300) * 1000,
  });
  const results = new Map<string, Result>();
  for (const line of (r.stdout ?? "").split("\n")) {
    if (!line.startsWith("{")) continue;
    const res = JSON.parse(line) as Result;
    results.set(path.basename(res.path), res);
  }
  if (results.size === 0) throw new Error(`the notebook runner produced no results on ${backend}: ${r.error?.message ?? ""}\n${(r.stderr ?? "").slice(-3000)}`);
  return results;
}

for (const backend of backends) {
  describe(`notebooks on ${backend}`, () => {
    let results = new Map<string, Result>();
    before(() => {
      results = runAll(backend);
    });

    for (const file of files) {
      test(`${file} executes headless on ${backend}: no errors, a verified card for every claim it names, within budget`, (t) => {
        const r = results.get(file);
        assert.ok(r, `${file} was executed`);
        if (r.retried) t.diagnostic(`${file}: ${r.retried}`);
        assert.deepEqual(r.errors, [], `${file} error outputs${r.stderr ? `; stderr of the run:\n${r.stderr}` : ""}`);
        t.diagnostic(`${file}: ${r.seconds} s, ${r.claims.length} claim cards`);
        assert.ok(r.seconds <= NOTEBOOK_LIMIT_S, `${file} ran ${r.seconds} s (limit ${NOTEBOOK_LIMIT_S} s)`);
        const named = namedClaims(readNotebook(path.join(notebooksDir, file)));
        for (const id of named) assert.ok(r.claims.some((c) => c.id === id), `${file} shows a claim card for ${id}`);
        for (const c of r.claims) assert.ok(c.verdict === "holds" || c.verdict === "partly", `${c.id}: verdict ${c.verdict}`);
        assert.deepEqual(barePrintedNumbers(r.texts), [], `${file} prints numbers outside claims`);
      });
    }

    test(`all notebooks together on ${backend}: every claim C1–C29 verified live, within the total budget`, (t) => {
      if (only.length > 0) return t.skip(`only notebooks ${only.join(", ")} were run (ACTIVATION_LAB_NOTEBOOKS)`);
      const shown = new Set([...results.values()].flatMap((r) => r.claims.map((c) => c.id)));
      assert.deepEqual(claimIds().filter((id) => !shown.has(id)), [], "claims no executed notebook verified");
      const total = [...results.values()].reduce((s, r) => s + r.seconds, 0);
      t.diagnostic(`notebook time in all: ${total.toFixed(0)} s`);
      assert.ok(total <= TOTAL_BUDGET_S, `the notebooks took ${total.toFixed(0)} s together (budget ${TOTAL_BUDGET_S} s)`);
    });
  });
}

test("bare printed numbers are recognised", () => {
  assert.deepEqual(barePrintedNumbers(["[C3] sigmoid derivative max = 0.25\nother line\n", "✔ C8 holds — relu\n"]), ["[C3] sigmoid derivative max = 0.25"]);
});
