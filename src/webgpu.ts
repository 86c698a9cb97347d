/**
 * WebGPU through Dawn's `webgpu` npm package. tfjs-backend-webgpu registers itself only
 * when `navigator.gpu` exists, so the navigator shim must be in place before it loads.
 */
import { tf } from "./tf";

export interface AdapterSummary {
  description: string;
  isFallbackAdapter: boolean;
}

export async function initWebGpu(allowSoftware: boolean): Promise<AdapterSummary> {
  let dawn: { create(flags: string[]): unknown; globals?: Record<string, unknown> };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dawn = require("webgpu");
  } catch {
    throw new Error("webgpu (Dawn) is not installed");
  }
  const g = globalThis as Record<string, unknown>;
  if (dawn.globals) Object.assign(g, dawn.globals);
  const gpu = dawn.create([]) as { requestAdapter(o?: object): Promise<unknown> };
  const adapter = (await gpu.requestAdapter({ powerPreference: "high-performance" })) as
    | { info?: { description?: string; device?: string; vendor?: string; architecture?: string }; isFallbackAdapter?: boolean }
    | null;
  if (!adapter) throw new Error("no hardware WebGPU adapter");
  const desc = adapter.info?.description || adapter.info?.device || adapter.info?.vendor || "WebGPU adapter";
  const software = adapter.isFallbackAdapter === true || /llvmpipe|lavapipe|swiftshader/i.test(desc);
  if (software && !allowSoftware) throw new Error(`no hardware WebGPU adapter (only ${desc})`);
  if (!("navigator" in g) || !(g.navigator as { gpu?: unknown }).gpu) {
    Object.defineProperty(g, "navigator", { value: { gpu }, configurable: true, writable: true });
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@tensorflow/tfjs-backend-webgpu");
  } catch {
    throw new Error("@tensorflow/tfjs-backend-webgpu is not installed");
  }
  if (!(await tf.setBackend("webgpu"))) throw new Error("the webgpu backend failed to initialise");
  return { description: desc, isFallbackAdapter: software };
}
