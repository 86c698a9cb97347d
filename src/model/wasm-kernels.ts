/**
 * The wasm backend has no Conv2DBackpropFilter kernel, so a Conv1D/Conv2D layer's weight
 * gradient fails there ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'").
 * This registers one built from kernels wasm does have: per filter tap (kh, kw), the strided
 * window of the padded input times the output gradient, ∂L/∂W[kh, kw] = X_tapᵀ · dY. A filter
 * has few taps (9 for 3×3), so it is a handful of matMuls. Tests compare it with the cpu kernel.
 */
import { tf, type Tensor } from "../tf";

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/** ∂L/∂filter of a 2-D convolution (NHWC, dilation 1) from ops every backend has. */
export function conv2dFilterGradient(x: Tensor, dy: Tensor, attrs: FilterGradAttrs): Tensor {
  if (attrs.dataFormat !== "NHWC") throw new Error(`Conv2DBackpropFilter on wasm supports channels-last (NHWC) only, got ${attrs.dataFormat}`);
  const [kh, kw, cin, cout] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, "channelsLast");
  const { top, bottom, left, right } = info.padInfo;
  const [n] = x.shape;
  const { outHeight, outWidth, strideHeight, strideWidth } = info;
  return tf.tidy(() => {
    const padded = tf.pad(x as tf.Tensor4D, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const g = tf.reshape(dy, [n * outHeight * outWidth, cout]);
    const taps: Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const window = tf.stridedSlice(padded, [0, i, j, 0], [n, i + (outHeight - 1) * strideHeight + 1, j + (outWidth - 1) * strideWidth + 1, cin], [1, strideHeight, strideWidth, 1]);
        taps.push(tf.matMul(tf.reshape(window, [n * outHeight * outWidth, cin]), g, true, false));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, cin, cout]);
  });
}

let registered = false;

/** Adds the kernel to wasm once, unless wasm already has one. */
export function registerWasmConvGradients(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    // A kernel may return a Tensor made by other kernels; the engine adopts it as the output.
    kernelFunc: ({ inputs, attrs }) => conv2dFilterGradient(inputs.x as Tensor, inputs.dy as Tensor, attrs as unknown as FilterGradAttrs) as unknown as tf.TensorInfo,
  });
}
