/**
 * PyTorch as a long-lived child answering one timing per request line, so a benchmark can
 * interleave its own runs with PyTorch's and compare both under the same machine load (the
 * cores are shared; speed drifts between rounds). The scripts' "serve" mode: a first JSON
 * line configures, the reply says {torch, threads}, then one JSON reply per request.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

export interface TorchServer {
  version: string;
  threads: number;
  /** Sends one request line, resolves to the parsed reply. */
  ask<T>(request: unknown): Promise<T>;
  close(): void;
}

/** Where PyTorch lives: the project's .venv, or BENCH_PYTHON (the device check's own). */
export const TORCH_PYTHON = process.env.BENCH_PYTHON || path.resolve(__dirname, "..", "..", "..", ".venv", "bin", "python");
/** Folder of the torch_*.py scripts (BENCH_TORCH_DIR in the device check). */
export const TORCH_DIR = process.env.BENCH_TORCH_DIR || path.resolve(__dirname, "..", "..", "..", "bench");

/** Starts `script` with `config` (must include threads and serve: true); a string says why not. */
export async function startTorchServer(script: string, config: object): Promise<TorchServer | string> {
  if (!fs.existsSync(TORCH_PYTHON)) return `no Python at ${TORCH_PYTHON} (run npm run setup)`;
  const child = spawn(TORCH_PYTHON, [path.join(TORCH_DIR, script)], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      child.once("exit", () => reject(new Error(/No module named 'torch'/.test(stderr) ? "torch not installed in .venv (npm run setup -- --for-tests)" : stderr.slice(-300))));
    });
  child.stdin.write(JSON.stringify(config) + "\n");
  try {
    const hello = JSON.parse(await next()) as { torch: string; threads: number };
    return {
      version: hello.torch,
      threads: hello.threads,
      ask: async <T>(request: unknown) => {
        child.stdin.write(JSON.stringify(request) + "\n");
        return JSON.parse(await next()) as T;
      },
      close: () => child.stdin.end(),
    };
  } catch (e) {
    return (e as Error).message;
  }
}
