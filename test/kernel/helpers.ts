/**
 * Shared set-up for the kernel tests: a kernelspec installed with our CLI into a temporary
 * prefix (so the tests exercise this checkout, not whatever is installed elsewhere), a scratch
 * notebook folder without node_modules, and a runner for the Python halves of the tests.
 */
import { spawn, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** dist/test/kernel → the repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
/** The Python sources of these tests live beside the TypeScript sources, not in dist/. */
export const PY_DIR = path.join(REPO_ROOT, "test", "kernel");
export const VENV_PYTHON = path.join(REPO_ROOT, ".venv", "bin", "python");
export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface KernelInstall {
  /** Put this in JUPYTER_PATH so jupyter_client finds the kernelspec. */
  jupyterPath: string;
  /** An empty folder (no node_modules) to start kernels in. */
  notebookDir: string;
  cleanup(): void;
}

export function installKernelToTemp(): KernelInstall {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "activation-lab-kernel-"));
  execFileSync(process.execPath, [path.join(REPO_ROOT, "bin", "activation-lab.js"), "install", "--prefix", prefix], { stdio: "pipe" });
  const notebookDir = path.join(prefix, "notebooks");
  fs.mkdirSync(notebookDir);
  return {
    jupyterPath: path.join(prefix, "share", "jupyter"),
    notebookDir,
    cleanup: () => fs.rmSync(prefix, { recursive: true, force: true }),
  };
}

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command, collecting stdout and stderr together; kills it after `timeoutMs`. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]\n`;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The environment for Python test halves: our kernelspec, quiet library logs. */
export function pythonEnv(install: KernelInstall): NodeJS.ProcessEnv {
  return {
    JUPYTER_PATH: install.jupyterPath,
    PYTHONPATH: PY_DIR,
    PYTHONDONTWRITEBYTECODE: "1",
    ACTIVATION_LAB_QUIET: "1",
    // tfjs would otherwise probe for GPUs; the protocol tests do not need one.
    ACTIVATION_LAB_BACKEND: process.env.ACTIVATION_LAB_BACKEND ?? "wasm",
  };
}
