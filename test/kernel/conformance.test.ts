/**
 * The Jupyter kernel conformance suite (jupyter_kernel_test) against our kernel. The Python
 * half is test_conformance.py; this wrapper installs the kernelspec into a temporary prefix,
 * runs it from an empty folder, and fails with the Python output when anything fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "fs";
import { SYSTEM_PYTHON, installKernelToTemp, pythonEnv, run } from "./helpers";

test("jupyter_kernel_test conformance suite passes", { timeout: 240_000 }, async () => {
  assert.ok(existsSync(SYSTEM_PYTHON), `${SYSTEM_PYTHON} is missing; install python3 and python3-jupyter-kernel-test`);
  const probe = await run(SYSTEM_PYTHON, ["-c", "import jupyter_kernel_test"], { cwd: "/", timeoutMs: 30_000 });
  assert.equal(probe.code, 0, `jupyter_kernel_test is not importable by ${SYSTEM_PYTHON}: apt-get install python3-jupyter-kernel-test\n${probe.output}`);
  const install = installKernelToTemp();
  try {
    const result = await run(SYSTEM_PYTHON, ["-m", "unittest", "-v", "test_conformance"], {
      cwd: install.notebookDir,
      env: pythonEnv(install),
      timeoutMs: 220_000,
    });
    assert.equal(result.code, 0, `conformance suite failed:\n${result.output}`);
    // Guard against the suite silently skipping everything (e.g. empty sample lists).
    const ran = Number(/Ran (\d+) tests?/.exec(result.output)?.[1] ?? 0);
    assert.ok(ran >= 15, `expected at least 15 conformance tests to run, saw ${ran}:\n${result.output}`);
    // The pager (IPython's `?` payload) is the one part of the protocol this kernel does not offer.
    const skipped = result.output.split("\n").filter((l) => /\.\.\. skipped/.test(l) && !l.startsWith("test_pager "));
    assert.deepEqual(skipped, [], `conformance tests were skipped:\n${result.output}`);
  } finally {
    install.cleanup();
  }
});
