/**
 * Every activation the package offers (README "Activations"), one definition per file in `defs/`.
 * Importing this module registers them in canonical order.
 */
import "./defs/linear";
import "./defs/sigmoid";
import "./defs/tanh";
import "./defs/relu";
import "./defs/relu6";
import "./defs/leaky_relu";
import "./defs/prelu";
import "./defs/elu";
import "./defs/selu";
import "./defs/celu";
import "./defs/gelu";
import "./defs/gelu_tanh";
import "./defs/silu";
import "./defs/swish";
import "./defs/mish";
import "./defs/softplus";
import "./defs/softsign";
import "./defs/hard_sigmoid";
import "./defs/hard_swish";
import "./defs/hard_tanh";
import "./defs/log_sigmoid";
import "./defs/tanhshrink";
import "./defs/squareplus";

export { activation, defineActivation, listActivations, removeActivation, resolveActivations } from "./registry";
export type { UserActivationSpec } from "./registry";
export { SELU_ALPHA, SELU_LAMBDA } from "./defs/selu";
export { softmax } from "./softmax";
export type { Activation, ActivationDef, ActivationInfo, ActivationLike, Family, Params, ParamSpec } from "./types";
