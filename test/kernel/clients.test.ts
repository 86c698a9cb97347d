/**
 * Real-client tests of the kernel, written in Python with jupyter_client and nbclient (the
 * clients JupyterLab's server and CI use): comms and widgets (test_comms.py), robustness
 * (test_robustness.py), what results show (test_results.py) and a headless notebook run with saved widget state (test_nbclient.py).
 * Each suite runs in a fresh kernel started from an empty folder.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "fs";
import { KernelInstall, VENV_PYTHON, installKernelToTemp, pythonEnv, run } from "./helpers";

let install: KernelInstall;

before(() => {
  assert.ok(existsSync(VENV_PYTHON), `${VENV_PYTHON} is missing; run \`npm run setup\` first`);
  install = installKernelToTemp();
});

after(() => install?.cleanup());

async function suite(module: string, minimumTests: number, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await run(VENV_PYTHON, ["-m", "unittest", "-v", module], {
    cwd: install.notebookDir,
    env: { ...pythonEnv(install), ...env },
    timeoutMs: 280_000,
  });
  assert.equal(result.code, 0, `${module} failed:\n${result.output}`);
  const ran = Number(/Ran (\d+) tests?/.exec(result.output)?.[1] ?? 0);
  assert.ok(ran >= minimumTests, `expected ${minimumTests}+ tests in ${module}, ran ${ran}:\n${result.output}`);
  assert.doesNotMatch(result.output, /\.\.\. skipped/, `${module} skipped tests:\n${result.output}`);
  return result.output;
}

test("comms and widget protocol 2.1.0 with a jupyter_client front end", { timeout: 300_000 }, async () => {
  await suite("test_comms", 12);
});

test("failing cells, interrupts, malformed comms and 1,000 widget round trips leave the kernel alive", { timeout: 300_000 }, async () => {
  // --expose-gc lets the memory check compare live heaps after full collections.
  const output = await suite("test_robustness", 15, { NODE_OPTIONS: "--expose-gc" });
  assert.match(output, /live heap [+-][\d.]+ MB \(gc: function\)/, `the heap measurement did not run with gc:\n${output}`);
});

test("results: a promise shows its awaited value or its rejection as the error; charts and tables are separate outputs", { timeout: 300_000 }, async () => {
  await suite("test_results", 7);
});

test("a widget notebook executed with nbclient saves counts and renderable widget state", { timeout: 300_000 }, async () => {
  await suite("test_nbclient", 6);
});

test("behind jupyter_server: start by name, run over the WebSocket, interrupt and restart over REST", { timeout: 300_000 }, async () => {
  await suite("test_server", 1);
});
