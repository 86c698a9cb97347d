/**
 * JupyterLab plugin: registers the `activation-lab` widget module with the widget manager
 * of @jupyter-widgets/jupyterlab-manager, so comm-opened models named
 * ActivationExplorerModel / GradientHistogramsModel find their classes here.
 */
import { IJupyterWidgetRegistry } from "@jupyter-widgets/base";
import { ActivationExplorerModel, ActivationExplorerView } from "./explorer";
import { GradientHistogramsModel, GradientHistogramsView } from "./histograms";
import { MODULE_NAME, MODULE_VERSION } from "./version";

/**
 * The shape JupyterLab expects of a plugin. Written out here because nothing else of
 * @jupyterlab/application is used, and the application object itself is not needed.
 */
interface WidgetPlugin {
  id: string;
  description: string;
  requires: unknown[];
  autoStart: boolean;
  activate: (app: unknown, registry: IJupyterWidgetRegistry) => void;
}

const plugin: WidgetPlugin = {
  id: "activation-lab:widgets",
  description: "Live activation explorer and gradient histogram widgets.",
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate: (_app, registry) => {
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: {
        ActivationExplorerModel,
        ActivationExplorerView,
        GradientHistogramsModel,
        GradientHistogramsView,
      },
    });
  },
};

export default plugin;
export { ActivationExplorerModel, ActivationExplorerView, GradientHistogramsModel, GradientHistogramsView };
