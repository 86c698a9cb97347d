/**
 * `npm test`'s summary lists each failed test with its error (scripts/tap-failures.js), read
 * from the TAP report of a real node:test run: the failing test inside a suite is named once
 * (not its suite again), its message and values are kept, its stack is cut short.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { failures } = require(path.join(REPO_ROOT, "scripts", "tap-failures.js")) as {
  failures(tap: string): { name: string; detail: string[] }[];
};

test("failed tests are listed with their messages, passing ones are not", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tap-failures-"));
  const file = path.join(dir, "sample.test.js");
  fs.writeFileSync(
    file,
    `const { test, describe } = require("node:test");
const assert = require("node:assert/strict");
describe("a suite", () => {
  test("compares lists", () => assert.deepEqual([1, 2], [1, 3], "the lists differ"));
  test("passes", () => {});
});
test("throws over two lines", () => { throw new Error("first line\\nsecond line"); });
`,
  );
  // without NODE_TEST_CONTEXT the child is a runner of its own, not a subtest of this one
  const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", file], { encoding: "utf8", env });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.notEqual(r.status, 0, "the sample run fails");
  const found = failures(r.stdout);
  assert.deepEqual(found.map((f) => f.name), ["compares lists", "throws over two lines"]);
  const [lists, lines] = found.map((f) => f.detail.join("\n"));
  assert.match(lists, /the lists differ/);
  assert.match(lists, /expected:[\s\S]*3[\s\S]*actual:[\s\S]*2/);
  assert.doesNotMatch(lists, /duration_ms|location:/);
  assert.match(lines, /first line\n\s*second line/);
  const stackFrames = found[1].detail.slice(found[1].detail.findIndex((l) => l.startsWith("stack:")) + 1);
  assert.ok(stackFrames.length <= 3, `the stack is cut to 3 frames, got ${stackFrames.length}`);
});
