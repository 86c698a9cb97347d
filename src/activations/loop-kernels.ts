/**
 * Element-wise kernels computed by one JavaScript loop over the tensors' memory, on the wasm
 * and cpu backends. Built from tfjs ops, a formula is one pass over the data per op; on wasm a
 * pass costs 0.3–0.5 ms per 1e6 values whatever it computes, so a chain of cheap arithmetic
 * (a polynomial, a sum of products) costs its length. A loop does the chain in one pass, in
 * float64, rounding once; but a JavaScript loop costs ~1.5–2 ns per value on the development
 * machine, 5–7 wasm passes' worth, so it pays only for long chains (measured: a ten-op
 * polynomial 2.3 ms against 3.6; three-op chains 1.8–3.4 ms against 1.0–1.3, slower). Other
 * backends (webgpu) keep the ops, which run on the GPU there.
 *
 * ```ts
 * registerLoopKernel("ActivationLabSquarePlusOne", ["x"], 1, ([x], [out]) => {
 *   for (let i = 0; i < out.length; i++) out[i] = x[i] * x[i] + 1;
 * }, ([dy], [x]) => ({ x: () => tf.mul(dy, tf.mul(x, 2)) }));
 * ```
 */
import { tf, type Tensor } from "../tf";

/** Fills the outputs from the inputs, all of one length, element by element. */
export type Loop = (inputs: ArrayLike<number>[], outs: Float32Array[]) => void;
/** The gradient of each input from the outputs' gradients `dys` and the saved inputs, in tfjs ops. */
export type LoopGradient = (dys: Tensor[], saved: Tensor[]) => Record<string, () => Tensor>;

const LOOP_BACKENDS: readonly string[] = ["wasm", "cpu"];

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function sameShapeFloat(name: string, inputs: tf.TensorInfo[]): void {
  for (const t of inputs) {
    if (t.dtype !== "float32" || !tf.util.arraysEqual(t.shape, inputs[0].shape)) {
      throw new Error(`${name}: every input must be float32 of one shape; got ${inputs.map((i) => `${i.dtype} [${i.shape}]`).join(", ")}`);
    }
  }
}

/**
 * Registers `loop` as kernel `name` on wasm and cpu, with `outputs` outputs of the inputs'
 * shape (a list when more than one) and its gradient for every backend.
 */
export function registerLoopKernel(name: string, inputNames: string[], outputs: number, loop: Loop, gradient: LoopGradient): void {
  const inputsOf = (inputs: tf.NamedTensorInfoMap) => inputNames.map((n) => inputs[n] as tf.TensorInfo);
  const result = (outs: tf.TensorInfo[]) => (outputs === 1 ? outs[0] : outs);
  tf.registerKernel({
    kernelName: name,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend }) => {
      const xs = inputsOf(inputs);
      sameShapeFloat(name, xs);
      const wasm = backend as unknown as WasmBackend;
      const outs = Array.from({ length: outputs }, () => wasm.makeOutput(xs[0].shape, "float32"));
      // Views onto the module's memory, taken after the outputs are allocated (allocating may
      // grow the memory and detach earlier views) and used before anything else runs.
      loop(
        xs.map((x) => wasm.typedArrayFromHeap(x)),
        outs.map((o) => wasm.typedArrayFromHeap(o)),
      );
      return result(outs);
    },
  });
  tf.registerKernel({
    kernelName: name,
    backendName: "cpu",
    kernelFunc: ({ inputs, backend }) => {
      const xs = inputsOf(inputs);
      sameShapeFloat(name, xs);
      const cpu = backend as unknown as CpuBackend;
      const values = Array.from({ length: outputs }, () => new Float32Array(tf.util.sizeFromShape(xs[0].shape)));
      loop(
        xs.map((x) => cpu.data.get(x.dataId).values),
        values,
      );
      return result(values.map((v) => cpu.makeTensorInfo(xs[0].shape, "float32", v)));
    },
  });
  tf.registerGradient({
    kernelName: name,
    inputsToSave: inputNames,
    gradFunc: (dy, saved) => gradient(Array.isArray(dy) ? (dy as Tensor[]) : [dy as Tensor], saved),
  });
}

/** Whether the backend computing now runs the loop kernels (else the caller uses its ops). */
export function loopsRun(): boolean {
  return LOOP_BACKENDS.includes(tf.getBackend());
}

export function runLoop(name: string, inputs: Record<string, Tensor>): Tensor {
  return tf.engine().runKernel(name, inputs) as Tensor;
}

export function runLoopOutputs(name: string, inputs: Record<string, Tensor>): Tensor[] {
  return tf.engine().runKernel(name, inputs) as unknown as Tensor[];
}
