/**
 * Forms of a definition chosen by the backend that computes it.
 *
 * What an element-wise op costs differs by backend, and so does the cheapest form of the same
 * function. On wasm the transcendental kernels are 20–60× a multiply (see stable.ts), so the
 * portable forms there avoid tanh, erf and exp. On tensorflow (tfjs-node, CPU or CUDA) every
 * op is one native TensorFlow kernel at about 0.3 ms per 1e6 float32, transcendental or not
 * (measured: mul 0.3, tanh 0.4, erf 0.4, exp 0.5, erfc 1.0 ms), so there the cost is the
 * number of ops, and the portable forms cost 3–5× what a direct one does. tfjs-node also
 * builds some tfjs ops from several native ones: `step` is six (isNaN, greater, ones, fill,
 * where, select; 3.2 ms), where sign(relu(x)) is two (0.6 ms).
 *
 * A definition names its forms with `byBackend`; everything else (customGrad, derivative,
 * the numerics suite that runs once per backend) sees one function.
 */
import { onTensorflow, tf, type Tensor } from "../tf";
import type { Params } from "./types";

type Form = (x: Tensor, p: Params) => Tensor;

/** The form for the backend computing now: `tensorflow` there, `portable` everywhere else. */
export function byBackend(forms: { tensorflow: Form; portable: Form }): Form {
  return (x, p) => (onTensorflow() ? forms.tensorflow : forms.portable)(x, p);
}

/** The kernel name: tfjs has no erfc, and a future tfjs Erfc must not collide with this one. */
const ERFC = "ActivationLabErfc";
/** d/dx erfc(x) = −(2/√π)·e^(−x²). */
const MINUS_TWO_OVER_SQRT_PI = -2 / Math.sqrt(Math.PI);

interface NativeBackend {
  executeSingleInput(op: string, x: tf.TensorInfo): tf.TensorInfo;
}

tf.registerKernel({
  kernelName: ERFC,
  backendName: "tensorflow",
  // TensorFlow's own Erfc: 1 − erf(x) without the cancellation, so erfc(9) = 4.1e-37, not 0.
  kernelFunc: ({ inputs, backend }) => (backend as unknown as NativeBackend).executeSingleInput("Erfc", inputs.x as tf.TensorInfo),
});

tf.registerGradient({
  kernelName: ERFC,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return { x: () => tf.mul(dy as Tensor, tf.mul(tf.exp(tf.neg(tf.square(x))), MINUS_TWO_OVER_SQRT_PI)) };
  },
});

/**
 * erfc(x) = 1 − erf(x), computed without cancellation, differentiable. Only the tensorflow
 * backend has the kernel; the other backends' forms do without it.
 */
export function erfcOnTensorflow(x: Tensor): Tensor {
  if (!onTensorflow()) throw new Error(`erfc runs on the tensorflow backend only; the backend now is ${tf.getBackend()}`);
  return tf.engine().runKernel(ERFC, { x }) as Tensor;
}
