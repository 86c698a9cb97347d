/**
 * Backend selection. The chain, best first:
 *   tensorflow-gpu (@tensorflow/tfjs-node-gpu, CUDA GPU present) → webgpu (Dawn, hardware
 *   adapter) → tensorflow (@tensorflow/tfjs-node) → wasm → cpu.
 * `ACTIVATION_LAB_BACKEND=wasm|cpu|tensorflow|webgpu` forces one (tensorflow: the CUDA build
 * where a CUDA GPU and tfjs-node-gpu are present, else the CPU one). A backend that fails to
 * initialise is skipped with one log line, never a crash; the chosen one is always reported.
 * A software WebGPU adapter (Mesa's lavapipe) is no GPU: the chain passes over it unless
 * webgpu is forced or ACTIVATION_LAB_WEBGPU_SOFTWARE=1; then `backend()` names it, gpu false.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tf } from "./tf";
import { configureTensorflowThreads } from "./tensorflow-threads";

export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";

export interface BackendInfo {
  /** tfjs backend name actually in use. */
  name: BackendName;
  /** true when computing on a GPU. */
  gpu: boolean;
  /** Adapter or device name, where known. */
  device?: string;
  /** tfjs version. */
  version: string;
  /** Threads the backend computes with, where known. */
  threads?: number;
  /** WASM SIMD in use. */
  simd?: boolean;
  /** Backends tried before this one, with why they were skipped. */
  skipped: { name: string; reason: string }[];
  /** Whether the choice was forced by ACTIVATION_LAB_BACKEND. */
  forced: boolean;
}

export const BACKEND_CHOICES: readonly BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];

let selected: BackendInfo | undefined;
let selecting: Promise<BackendInfo> | undefined;

function log(line: string): void {
  if (process.env.ACTIVATION_LAB_QUIET !== "1") process.stderr.write(`[activation-lab] ${line}\n`);
}

function hasCudaGpu(): boolean {
  try {
    return fs.existsSync("/proc/driver/nvidia/version") || fs.existsSync("/dev/nvidia0");
  } catch {
    return false;
  }
}

/** Where setup's offline tfjs-node build lives (ACTIVATION_LAB_TFJS_NODE points elsewhere). */
function vendoredTfjsNode(): string {
  return process.env.ACTIVATION_LAB_TFJS_NODE || path.resolve(__dirname, "..", "..", ".vendor", "tfjs-node", "node_modules", "@tensorflow", "tfjs-node");
}

/** Tries one backend; `forced` when asked for by name (a software WebGPU adapter then counts). */
type Attempt = (info: Partial<BackendInfo>, forced: boolean) => Promise<boolean>;

/**
 * Loads an optional package, or says why not. Callers pass `() => require("literal")` so a
 * bundler (the device check's) sees which packages to include and keeps them lazy.
 */
function tryRequire(id: string, load: () => unknown): { ok: true; mod: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, mod: load() };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    return { ok: false, reason: /Cannot find module/.test(msg) ? `${id} is not installed` : msg };
  }
}

const attempts: Record<string, Attempt> = {
  async "tensorflow-gpu"(info) {
    if (!hasCudaGpu()) throw new Error("no CUDA GPU found");
    const r = tryRequire("@tensorflow/tfjs-node-gpu", () => require("@tensorflow/tfjs-node-gpu"));
    if (!r.ok) throw new Error(r.reason);
    if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node-gpu failed to initialise");
    info.gpu = true;
    info.device = "CUDA";
    return true;
  },
  async webgpu(info, forced) {
    const { initWebGpu, softwareAllowedByEnv } = await import("./webgpu");
    const adapter = await initWebGpu(forced || softwareAllowedByEnv());
    info.gpu = !adapter.isFallbackAdapter;
    info.device = adapter.description;
    return true;
  },
  async tensorflow(info) {
    const threads = configureTensorflowThreads(tf.findBackendFactory("tensorflow") != null);
    let r = tryRequire("@tensorflow/tfjs-node", () => require("@tensorflow/tfjs-node"));
    if (!r.ok && /not installed/.test(r.reason) && fs.existsSync(vendoredTfjsNode())) {
      // Built offline by `npm run setup -- --with-tfjs-node`, beside (not inside) node_modules;
      // it resolves @tensorflow/tfjs from the project, so it registers with the same engine.
      r = tryRequire(vendoredTfjsNode(), () => require(vendoredTfjsNode()));
    }
    if (!r.ok) throw new Error(r.reason);
    if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node failed to initialise");
    info.gpu = false;
    info.device = `${os.cpus()[0]?.model ?? "CPU"}`.trim();
    info.threads = threads;
    return true;
  },
  async wasm(info) {
    const r = tryRequire("@tensorflow/tfjs-backend-wasm", () => require("@tensorflow/tfjs-backend-wasm"));
    if (!r.ok) throw new Error(r.reason);
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend failed to initialise");
    info.gpu = false;
    info.simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    info.threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? os.cpus().length : 1;
    info.device = "WebAssembly";
    return true;
  },
  async cpu(info) {
    if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend failed to initialise");
    info.gpu = false;
    info.threads = 1;
    info.device = "JavaScript";
    return true;
  },
};

const CHAIN = ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"] as const;

/** What forcing a backend tries: both TensorFlow builds register as "tensorflow", GPU first. */
function attemptsFor(name: BackendName): readonly string[] {
  return name === "tensorflow" ? ["tensorflow-gpu", "tensorflow"] : [name];
}

function forcedName(): BackendName | undefined {
  const raw = process.env.ACTIVATION_LAB_BACKEND?.trim();
  if (!raw) return undefined;
  if (!(BACKEND_CHOICES as readonly string[]).includes(raw)) {
    throw new Error(
      `ACTIVATION_LAB_BACKEND="${raw}" is not a backend; valid choices: ${BACKEND_CHOICES.join(", ")}`,
    );
  }
  return raw as BackendName;
}

async function select(order: readonly string[], forced: boolean): Promise<BackendInfo> {
  const skipped: BackendInfo["skipped"] = [];
  for (const candidate of order) {
    const info: Partial<BackendInfo> = {};
    try {
      await attempts[candidate](info, forced);
      const name = tf.getBackend() as BackendName;
      return {
        name,
        gpu: info.gpu ?? false,
        device: info.device,
        version: tf.version.tfjs,
        threads: info.threads,
        simd: info.simd,
        skipped,
        forced,
      };
    } catch (e) {
      const reason = (e as Error).message.split("\n")[0];
      skipped.push({ name: candidate, reason });
      // Optional backends that are simply absent are the normal case: say so once, quietly.
      // Forced, the last candidate is the one asked for: its failure is always worth a line.
      const absent = /not installed|no CUDA GPU|no hardware/.test(reason);
      if (!absent || (forced && candidate === order[order.length - 1])) {
        log(`backend ${candidate} skipped: ${reason}`);
      }
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

/**
 * Runs the backend chain once (or the forced backend) and resolves to what was chosen.
 * Every async entry point of the library awaits this, so callers rarely need to.
 */
export function ready(): Promise<BackendInfo> {
  if (selected) return Promise.resolve(selected);
  if (!selecting) {
    let forced: BackendName | undefined;
    try {
      forced = forcedName();
    } catch (e) {
      return Promise.reject(e);
    }
    const order = forced ? attemptsFor(forced) : CHAIN;
    selecting = select(order, forced !== undefined).then(
      (info) => (selected = info),
      (e) => {
        selecting = undefined;
        throw e;
      },
    );
  }
  return selecting;
}

/**
 * What the library computes on. Before `ready()` has finished this describes tfjs's current
 * backend and says so with `pending: true`.
 */
export function backend(): BackendInfo & { pending?: boolean } {
  if (selected) return { ...selected, skipped: [...selected.skipped] };
  return {
    name: tf.getBackend() as BackendName,
    gpu: false,
    version: tf.version.tfjs,
    skipped: [],
    forced: false,
    pending: true,
  };
}

/** Switches backend explicitly (tests run one suite over every backend present). */
export async function useBackend(name: BackendName): Promise<BackendInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(name)) {
    throw new Error(`"${String(name)}" is not a backend; valid choices: ${BACKEND_CHOICES.join(", ")}`);
  }
  await selecting?.catch(() => undefined);
  selected = undefined;
  selecting = select(attemptsFor(name), true).then((info) => (selected = info));
  return selecting;
}

/**
 * Runs `fn` on a CPU-side backend when the current one cannot read results synchronously
 * (webgpu in Node: GPU buffers only map asynchronously), then returns to it. For small,
 * synchronous computations that read with dataSync() — sampling a curve, measuring
 * properties. Tensors made before the call stay where they are and must not be passed in.
 * Switching between already-initialised backends is synchronous in tfjs; cpu initialises
 * synchronously, so it is the fallback when wasm has not been started.
 */
export function withSyncReads<T>(fn: () => T): T {
  const current = tf.getBackend();
  if (current !== "webgpu") return fn();
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  const readable = registry.wasm ? "wasm" : "cpu";
  void tf.setBackend(readable);
  if (tf.getBackend() !== readable) throw new Error(`could not switch to ${readable} for a synchronous read`);
  try {
    return fn();
  } finally {
    void tf.setBackend(current);
  }
}

/** Backends that can be initialised here, in chain order (slow: tries each). */
export async function availableBackends(): Promise<BackendName[]> {
  const found: BackendName[] = [];
  for (const name of ["webgpu", "tensorflow", "wasm", "cpu"] as BackendName[]) {
    const before = tf.getBackend();
    for (const candidate of attemptsFor(name)) {
      try {
        const info: Partial<BackendInfo> = {};
        // Not forced: a software WebGPU adapter counts only when asked for (CI's lavapipe run,
        // ACTIVATION_LAB_WEBGPU_SOFTWARE=1 or ACTIVATION_LAB_BACKEND=webgpu).
        await attempts[candidate](info, false);
        found.push(name);
        break;
      } catch {
        /* absent */
      }
    }
    if (before) await tf.setBackend(before);
  }
  return found;
}
