import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeConnectionFile } from "../bench/kernel/client";
import { parentGone, parentToWatch } from "./parent";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Whether pid runs (an exited orphan stays a zombie until init reaps it; that is not running). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return process.platform !== "linux"; // no /proc elsewhere: kill(0) is all there is
  }
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("a kernel watches its parent only when a Jupyter server names one", () => {
  assert.equal(parentToWatch({}), undefined, "started by hand");
  assert.equal(parentToWatch({ JPY_PARENT_PID: "1" }), undefined, "pid 1 never exits");
  assert.equal(parentToWatch({ JPY_PARENT_PID: "not a pid" }), undefined);
  assert.equal(parentToWatch({ JPY_PARENT_PID: String(process.ppid) }), process.ppid);
  assert.equal(parentGone(process.ppid), false, "this process's parent is alive");
  assert.equal(parentGone(process.pid), true, "a pid that is not the parent");
});

test("the kernel exits when the process that started it dies without shutting it down", { skip: process.platform === "win32" ? "POSIX only" : undefined, timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-parent-"));
  let kernelPid: number | undefined;
  try {
    const conn = await writeConnectionFile(dir);
    // A shell stands in for the Jupyter server: it starts the kernel the way jupyter_client
    // does (JPY_PARENT_PID set to its own pid), prints the kernel's pid, and is then killed.
    const server = spawn("sh", ["-c", 'JPY_PARENT_PID=$$ "$0" "$1" kernel --connection-file "$2" & echo $!; wait', process.execPath, path.join(REPO_ROOT, "bin", "activation-lab.js"), conn.file], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ACTIVATION_LAB_QUIET: "0" },
    });
    let stdout = "";
    let stderr = "";
    server.stdout.on("data", (d) => (stdout += d));
    server.stderr.on("data", (d) => (stderr += d));
    await until("the kernel to listen", () => /listening/.test(stderr), 30_000);
    kernelPid = Number(stdout.trim());
    assert.ok(Number.isInteger(kernelPid) && alive(kernelPid), `kernel pid from the shell: ${stdout}`);
    // Control: with its parent alive, the kernel stays (several watch intervals).
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(alive(kernelPid), `the kernel stays while its parent lives:\n${stderr}`);
    server.kill("SIGKILL");
    // It checks once a second; the bound leaves room for a loaded machine.
    await until("the orphaned kernel to exit", () => !alive(kernelPid!), 10_000);
    assert.match(stderr, /is gone; exiting/);
  } finally {
    if (kernelPid !== undefined && alive(kernelPid)) process.kill(kernelPid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
