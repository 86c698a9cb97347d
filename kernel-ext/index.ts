/**
 * `activation-lab/kernel`: what notebooks use from the kernel itself — rich display, widgets
 * (the base class and the stock controls), `interact`, and raw comms.
 *
 *   import { IntSlider, interact, display } from "activation-lab/kernel";
 */
export { display, updateDisplay, clearOutput, DisplayHandle, outputsOf } from "./display";
export type { DisplayOptions } from "./display";
export { Widget, WIDGET_PROTOCOL_VERSION, WIDGET_TARGET, WIDGET_CONTROL_TARGET, WIDGET_VIEW_MIME } from "./widget";
export type { WidgetModelIds, TraitChange, StateChange, CustomHandler } from "./widget";
export {
  Layout,
  Style,
  ValueWidget,
  IntSlider,
  FloatSlider,
  Checkbox,
  Label,
  HTML,
  IntProgress,
  FloatProgress,
  Dropdown,
  Button,
  HBox,
  VBox,
  Output,
} from "./controls";
export type { SliderOptions, ProgressOptions, ValueListener } from "./controls";
export { AnyWidget, ANYWIDGET_VERSION, ANYWIDGET_MODULE } from "./anywidget";
export type { AnyWidgetOptions, AnyWidgetInternals } from "./anywidget";
export { interact, interactive, Interactive, InteractHandle, controlFor } from "./interact";
export type { ControlSpec, InteractValues, ValueOfSpec } from "./interact";
export { Comm, CommManager, commManager, commErrors } from "./comm";
export type { CommMessage, CommTargetHandler } from "./comm";
export { WidgetProgress } from "./host";
// Long user loops can stop on the kernel's interrupt the way the library's experiments do.
export { takeInterrupt, yieldToEventLoop } from "../src/live";
