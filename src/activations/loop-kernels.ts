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

/**
 * How a loop reaches a backend's memory: the inputs' values, and outputs allocated with views
 * to fill (their TensorInfos are what the kernel returns).
 */
interface LoopMemory {
  read(t: tf.TensorInfo): ArrayLike<number>;
  allocate(shape: number[], count: number): { infos: tf.TensorInfo[]; views: Float32Array[] };
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

const MEMORY: Record<string, (backend: unknown) => LoopMemory> = {
  wasm: (backend) => {
    const wasm = backend as WasmBackend;
    return {
      // Views onto the module's memory: the kernel reads the inputs' only after allocating the
      // outputs (allocating may grow the memory and detach earlier views), and uses them before
      // anything else runs.
      read: (t) => wasm.typedArrayFromHeap(t),
      allocate: (shape, count) => {
        const infos = Array.from({ length: count }, () => wasm.makeOutput(shape, "float32"));
        return { infos, views: infos.map((o) => wasm.typedArrayFromHeap(o)) };
      },
    };
  },
  cpu: (backend) => {
    const cpu = backend as CpuBackend;
    return {
      read: (t) => cpu.data.get(t.dataId).values,
      allocate: (shape, count) => {
        const views = Array.from({ length: count }, () => new Float32Array(tf.util.sizeFromShape(shape)));
        return { infos: views.map((v) => cpu.makeTensorInfo(shape, "float32", v)), views };
      },
    };
  },
};

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
  for (const [backendName, memoryOf] of Object.entries(MEMORY)) {
    tf.registerKernel({
      kernelName: name,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const xs = inputNames.map((n) => inputs[n] as tf.TensorInfo);
        sameShapeFloat(name, xs);
        const memory = memoryOf(backend);
        const { infos, views } = memory.allocate(xs[0].shape, outputs);
        loop(
          xs.map((x) => memory.read(x)),
          views,
        );
        return outputs === 1 ? infos[0] : infos;
      },
    });
  }
  tf.registerGradient({
    kernelName: name,
    inputsToSave: inputNames,
    gradFunc: (dy, saved) => gradient(Array.isArray(dy) ? (dy as Tensor[]) : [dy as Tensor], saved),
  });
}

/** Whether the backend computing now runs the loop kernels (else the caller uses its ops). */
export function loopsRun(): boolean {
  return Object.prototype.hasOwnProperty.call(MEMORY, tf.getBackend());
}

export function runLoop(name: string, inputs: Record<string, Tensor>): Tensor {
  return tf.engine().runKernel(name, inputs) as Tensor;
}

export function runLoopOutputs(name: string, inputs: Record<string, Tensor>): Tensor[] {
  return tf.engine().runKernel(name, inputs) as unknown as Tensor[];
}
