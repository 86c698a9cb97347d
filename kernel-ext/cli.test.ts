import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, UsageError } from "./cli";

test("commands and their options parse, in any order", () => {
  assert.deepEqual(parseArgs(["kernel", "--connection-file", "c.json"]), { command: "kernel", connectionFile: "c.json" });
  assert.deepEqual(parseArgs(["kernel", "-f", "c.json"]), { command: "kernel", connectionFile: "c.json" });
  assert.deepEqual(parseArgs(["kernel", "--connection-file=c.json"]), { command: "kernel", connectionFile: "c.json" });
  assert.deepEqual(parseArgs(["install"]), { command: "install", target: { kind: "user" }, serverExtension: false });
  assert.deepEqual(parseArgs(["install", "--prefix", ".venv", "--server-extension"]), { command: "install", target: { kind: "prefix", prefix: ".venv" }, serverExtension: true });
  assert.deepEqual(parseArgs(["install", "--python", "/usr/bin/python3.11", "--sys-prefix"]), { command: "install", target: { kind: "sys-prefix", python: "/usr/bin/python3.11" }, serverExtension: false });
  assert.deepEqual(parseArgs(["uninstall", "--prefix=/opt/jupyter"]), { command: "uninstall", target: { kind: "prefix", prefix: "/opt/jupyter" } });
  assert.deepEqual(parseArgs(["install", "--help"]), { command: "help" });
});

test("unknown flags, stray arguments and bad combinations are usage errors naming the problem and the valid choices", () => {
  const fails = (args: string[], message: RegExp) => assert.throws(() => parseArgs(args), (e: unknown) => e instanceof UsageError && message.test((e as Error).message));
  fails(["install", "--usr"], /^unknown option for install: --usr; valid: --user, --sys-prefix \[--python P\], --prefix P, --server-extension$/);
  fails(["uninstall", "--server-extension"], /^unknown option for uninstall: --server-extension; valid: --user, --sys-prefix \[--python P\], --prefix P$/);
  fails(["kernel", "--connection-file", "c.json", "extra"], /^unexpected argument for kernel: extra; valid: --connection-file FILE$/);
  fails(["kernel", "--connection-file"], /^--connection-file needs a value$/);
  fails(["install", "--prefix"], /^--prefix needs a value$/);
  fails(["kernel"], /kernel needs --connection-file FILE/);
  fails(["install", "--user", "--prefix", "p"], /choose one of --user, --sys-prefix, --prefix P/);
  fails(["install", "--python", "python3.12"], /--python goes with --sys-prefix/);
  fails(["serve"], /unknown command "serve"; valid: kernel, install, uninstall/);
});
