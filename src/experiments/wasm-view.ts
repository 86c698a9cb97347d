/**
 * Zero-copy reads on the wasm backend. A gradientFlow run reads back three 256 × 256 float32
 * tensors per layer (megabytes per activation) only to summarise them; `dataSync` copies each
 * out of the module's memory first, and the copies cost time and garbage collection. On wasm,
 * a view onto the tensor's bytes gives the same values without the copy.
 *
 * The view is valid only until the next tfjs operation (which may grow, and so move, the wasm
 * memory): use it synchronously, before any `await`, and do not keep it.
 */
import { tf, type Tensor } from "../tf";

interface WasmBackendInternals {
  dataIdMap?: { get(dataId: object): { memoryOffset?: number } | undefined };
  wasm?: { HEAPU8?: Uint8Array };
}

/** The tensor's float32 values in place in wasm memory, or undefined off wasm (read them instead). */
export function wasmView(t: Tensor): Float32Array | undefined {
  if (t.dtype !== "float32" || t.isDisposed || tf.getBackend() !== "wasm") return undefined;
  const internals = tf.backend() as unknown as WasmBackendInternals;
  const offset = internals.dataIdMap?.get(t.dataId)?.memoryOffset;
  const heap = internals.wasm?.HEAPU8;
  if (offset === undefined || !heap || offset % 4 !== 0 || offset + 4 * t.size > heap.byteLength) return undefined;
  return new Float32Array(heap.buffer, heap.byteOffset + offset, t.size);
}
