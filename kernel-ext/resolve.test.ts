import { test } from "node:test";
import assert from "node:assert/strict";
import Module from "module";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createConverter } from "tslab/dist/converter";
import { PACKAGE_ROOT, installCompilerResolution, installRuntimeResolution, mapPackagePath } from "./resolve";

test("paths under any node_modules/activation-lab map into this package", () => {
  assert.deepEqual(mapPackagePath("/nb/node_modules/activation-lab/dist/src/index.d.ts"), {
    real: path.join(PACKAGE_ROOT, "dist/src/index.d.ts"),
    rest: "dist/src/index.d.ts",
  });
  assert.equal(mapPackagePath("/nb/node_modules/activation-lab")?.real, PACKAGE_ROOT);
  assert.equal(mapPackagePath("/nb/node_modules/activation-labs/x.d.ts"), undefined);
  assert.equal(mapPackagePath("/nb/src/activation-lab/x.d.ts"), undefined);
});

test("require('activation-lab') from a folder without node_modules resolves to this package's entry points", () => {
  installRuntimeResolution();
  const requireFromNowhere = Module.createRequire("/nonexistent-notebook-dir/cell.js");
  assert.equal(requireFromNowhere.resolve("activation-lab"), path.join(PACKAGE_ROOT, "dist", "src", "index.js"));
  assert.equal(requireFromNowhere.resolve("activation-lab/kernel"), path.join(PACKAGE_ROOT, "dist", "kernel-ext", "index.js"));
  // The same module instance as the kernel's own import.
  assert.equal(requireFromNowhere("activation-lab/kernel").Widget, require("./index").Widget);
});

test("tslab's compiler type-checks imports of the package in a folder without node_modules", (t) => {
  installCompilerResolution();
  const notebookDir = fs.mkdtempSync(path.join(os.tmpdir(), "resolve-test-"));
  const previous = process.cwd();
  process.chdir(notebookDir);
  const converter = createConverter({ isJS: false, isBrowser: false });
  t.after(() => {
    converter.close();
    process.chdir(previous);
    fs.rmSync(notebookDir, { recursive: true, force: true });
  });
  const ok = converter.convert("", 'import { listActivations } from "activation-lab"; import { IntSlider } from "activation-lab/kernel"; const n: number = listActivations().length; new IntSlider({ value: n });');
  assert.deepEqual(ok.diagnostics.map((d) => d.messageText), []);
  // Types really come from the declarations: a wrong use is caught.
  const wrong = converter.convert("", 'import { IntSlider } from "activation-lab/kernel"; new IntSlider({ value: "three" });');
  assert.ok(wrong.diagnostics.some((d) => /not assignable to type 'number'/.test(d.messageText)), JSON.stringify(wrong.diagnostics));
});
