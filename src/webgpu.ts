/**
 * WebGPU through Dawn's `webgpu` npm package. tfjs-backend-webgpu registers itself only
 * when `navigator.gpu` exists, so the navigator shim must be in place before it loads.
 *
 * Hardware adapters come from the system's Vulkan driver (on NVIDIA machines, the driver's
 * own ICD). A software adapter (Mesa's lavapipe, "llvmpipe" in adapter names) is accepted
 * only when asked for: `ACTIVATION_LAB_BACKEND=webgpu`, `useBackend("webgpu")` or
 * `ACTIVATION_LAB_WEBGPU_SOFTWARE=1`. Then the Mesa that `npm run setup -- --with-lavapipe`
 * unpacked into .vendor/mesa/ (see scripts/setup-backends.js) is added to the drivers the
 * Vulkan loader sees: Debian 12's own Mesa 22.3 lavapipe lacks features Dawn requires.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tf } from "./tf";

export interface AdapterSummary {
  /** Adapter name as the driver reports it, e.g. "NVIDIA H200" or "llvmpipe: Mesa 25.0.7 …". */
  description: string;
  /** Vendor and architecture, where the driver says. */
  vendor?: string;
  architecture?: string;
  /** A CPU implementation (lavapipe, SwiftShader) rather than a GPU. */
  isFallbackAdapter: boolean;
}

/** What setup writes to .vendor/mesa/lavapipe.json; paths are relative to that file. */
interface LavapipeManifest {
  mesa: string;
  /** Vulkan ICD manifest for lavapipe (its library_path is relative to itself). */
  icd: string;
  /** Shared libraries to load first, dependencies before dependents. */
  preload: string[];
}

interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals?: Record<string, unknown>;
}
interface DawnGpu {
  requestAdapter(options?: object): Promise<DawnAdapter | null>;
}
interface DawnAdapter {
  isFallbackAdapter?: boolean;
  info?: { description?: string; device?: string; vendor?: string; architecture?: string; adapterType?: string; isFallbackAdapter?: boolean };
}

/** glibc's RTLD_NODELETE (not in os.constants.dlopen): keeps a library mapped after Node's dlclose. */
const RTLD_NODELETE = 0x1000;

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|softpipe/i;

function projectRoot(): string {
  // dist/src/webgpu.js → the package root.
  return path.resolve(__dirname, "..", "..");
}

/** Where setup's lavapipe manifest is (ACTIVATION_LAB_LAVAPIPE points elsewhere). */
export function lavapipeManifestPath(): string {
  return process.env.ACTIVATION_LAB_LAVAPIPE || path.join(projectRoot(), ".vendor", "mesa", "lavapipe.json");
}

/** Software WebGPU adapters count only when asked for. */
export function softwareAllowedByEnv(): boolean {
  return process.env.ACTIVATION_LAB_WEBGPU_SOFTWARE === "1" || process.env.ACTIVATION_LAB_BACKEND?.trim() === "webgpu";
}

/**
 * Whether a Vulkan loader can be found, without loading one: Dawn prints a warning of its
 * own for every instance it cannot give Vulkan to, and the chain should stay quiet on the
 * many machines that have no Vulkan at all.
 */
export function hasVulkanLoader(): boolean {
  if (process.platform !== "linux") return true; // let Dawn decide (Metal, D3D12)
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean),
    `/usr/lib/${os.arch() === "x64" ? "x86_64" : "aarch64"}-linux-gnu`,
    "/usr/lib64",
    "/usr/lib",
    "/lib64",
    "/usr/local/lib",
  ];
  if (dirs.some((d) => fs.existsSync(path.join(d, "libvulkan.so.1")))) return true;
  try {
    return fs.readFileSync("/etc/ld.so.cache").includes("libvulkan.so.1");
  } catch {
    return false;
  }
}

let lavapipeState: { ok: true; mesa: string } | { ok: false; reason: string } | undefined;

/**
 * Makes the vendored lavapipe visible to the Vulkan loader in this process. LD_LIBRARY_PATH
 * is read only at process start, so the libraries are loaded here instead, by absolute path
 * and kept resident: later lookups by soname (Dawn's dlopen("libvulkan.so.1"), lavapipe's
 * own dependencies) then resolve to them. The ICD is added with VK_ADD_DRIVER_FILES, so
 * hardware drivers stay visible too and still win with powerPreference "high-performance".
 */
export function useVendoredLavapipe(): { ok: true; mesa: string } | { ok: false; reason: string } {
  if (lavapipeState) return lavapipeState;
  const file = lavapipeManifestPath();
  for (const k of ["VK_ICD_FILENAMES", "VK_DRIVER_FILES"]) {
    // Set but empty still replaces the loader's driver list with nothing.
    if (process.env[k] === "") delete process.env[k];
  }
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) {
    // The user chose the drivers; respect that choice.
    return (lavapipeState = { ok: false, reason: "VK_ICD_FILENAMES/VK_DRIVER_FILES set by the environment" });
  }
  let manifest: LavapipeManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8")) as LavapipeManifest;
  } catch {
    return (lavapipeState = { ok: false, reason: `no vendored lavapipe at ${file} (npm run setup -- --with-lavapipe)` });
  }
  const base = path.dirname(file);
  const flags = os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  for (const rel of manifest.preload) {
    const lib = path.resolve(base, rel);
    try {
      process.dlopen({ exports: {} }, lib, flags);
    } catch (e) {
      // A plain shared library loads fine and then "did not self-register" (it is no addon).
      const msg = (e as Error).message;
      if (!/did not self-register/.test(msg)) {
        return (lavapipeState = { ok: false, reason: `vendored lavapipe: ${msg.split("\n")[0]}` });
      }
    }
  }
  const icd = path.resolve(base, manifest.icd);
  process.env.VK_ADD_DRIVER_FILES = [icd, process.env.VK_ADD_DRIVER_FILES].filter(Boolean).join(":");
  return (lavapipeState = { ok: true, mesa: manifest.mesa });
}

function describe(adapter: DawnAdapter): AdapterSummary {
  const info = adapter.info ?? {};
  const description = info.description || info.device || info.vendor || "WebGPU adapter";
  const software =
    adapter.isFallbackAdapter === true ||
    info.isFallbackAdapter === true ||
    info.adapterType === "cpu" ||
    info.architecture === "software" ||
    SOFTWARE_NAMES.test(description) ||
    SOFTWARE_NAMES.test(info.device ?? "");
  return { description, vendor: info.vendor || undefined, architecture: info.architecture || undefined, isFallbackAdapter: software };
}

interface ReadSyncHost {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown; dtype: string } | undefined };
}

const EXPLAINED = Symbol.for("activation-lab.webgpuReadSync");

/**
 * tfjs-backend-webgpu reads GPU buffers synchronously through OffscreenCanvas, which only
 * browsers have; in Node, dataSync()/arraySync() would die with "OffscreenCanvas is not
 * defined". Say what to do instead. (Values already on the CPU still read synchronously.)
 */
function explainSyncReads(proto: ReadSyncHost & { [EXPLAINED]?: true }): void {
  if (proto[EXPLAINED]) return;
  const original = proto.readSync;
  proto.readSync = function (this: ReadSyncHost, dataId: object) {
    const data = this.tensorMap.get(dataId);
    const onGpu = data && data.values == null && data.dtype !== "string" && data.dtype !== "complex64";
    if (onGpu && typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === "undefined") {
      throw new Error("the webgpu backend cannot read GPU results synchronously in Node: use `await tensor.data()` / `await tensor.array()` instead of dataSync()/arraySync()");
    }
    return original.call(this, dataId);
  };
  proto[EXPLAINED] = true;
}

const accepted = new Map<boolean, AdapterSummary>();

/**
 * Initialises tfjs's webgpu backend on Dawn and resolves to the adapter it runs on. Throws
 * (with a one-line reason) when there is no acceptable adapter; the chain then moves on.
 */
export async function initWebGpu(allowSoftware: boolean): Promise<AdapterSummary> {
  const known = accepted.get(allowSoftware);
  if (known) {
    if (!(await tf.setBackend("webgpu"))) throw new Error("the webgpu backend failed to initialise");
    return known;
  }
  let lavapipeNote = "";
  if (allowSoftware) {
    const lvp = useVendoredLavapipe();
    if (!lvp.ok) lavapipeNote = `; ${lvp.reason}`;
  }
  if (!hasVulkanLoader() && !(allowSoftware && lavapipeState?.ok)) {
    throw new Error(`no hardware WebGPU adapter: no Vulkan loader (libvulkan.so.1) on this machine${lavapipeNote}`);
  }
  let dawn: DawnModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dawn = require("webgpu") as DawnModule;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new Error(/Cannot find (module|package)/.test(msg) ? "webgpu (Dawn) is not installed" : `webgpu (Dawn) failed to load: ${msg}`);
  }
  const g = globalThis as Record<string, unknown>;
  if (dawn.globals) {
    // GPUBufferUsage, GPUShaderStage, … which tfjs-backend-webgpu reads as globals.
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v;
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new Error(`no hardware WebGPU adapter: Dawn found no usable Vulkan device${lavapipeNote}`);
  const summary = describe(adapter);
  if (summary.isFallbackAdapter && !allowSoftware) {
    throw new Error(`no hardware WebGPU adapter (only the software ${summary.description}; ACTIVATION_LAB_WEBGPU_SOFTWARE=1 accepts it)`);
  }
  // tfjs asks navigator.gpu for its own adapter: hand it the one checked here (asking Dawn
  // again would give the same adapter, with its warnings printed a second time).
  let handOver: DawnAdapter | undefined = adapter;
  const shim = {
    requestAdapter(options?: object): Promise<DawnAdapter | null> {
      const first = handOver;
      handOver = undefined;
      return first ? Promise.resolve(first) : gpu.requestAdapter(options);
    },
    getPreferredCanvasFormat: () => "rgba8unorm",
  };
  if (g.navigator && typeof g.navigator === "object") {
    Object.defineProperty(g.navigator, "gpu", { value: shim, configurable: true, writable: true });
  } else {
    Object.defineProperty(g, "navigator", { value: { gpu: shim }, configurable: true, writable: true });
  }
  let backendModule: { WebGPUBackend?: { prototype: ReadSyncHost } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    backendModule = require("@tensorflow/tfjs-backend-webgpu");
  } catch {
    throw new Error("@tensorflow/tfjs-backend-webgpu is not installed");
  }
  if (backendModule.WebGPUBackend) explainSyncReads(backendModule.WebGPUBackend.prototype);
  if (!(await tf.setBackend("webgpu"))) throw new Error("the webgpu backend failed to initialise");
  accepted.set(allowSoftware, summary);
  return summary;
}
