import { DOMWidgetModel, DOMWidgetView } from "@jupyter-widgets/base";
export class GradientHistogramsModel extends DOMWidgetModel {}
export class GradientHistogramsView extends DOMWidgetView {}
