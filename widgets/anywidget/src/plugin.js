/**
 * JupyterLab plugin: registers the `anywidget` widget module (AnyModel, AnyView) with the
 * widget manager of @jupyter-widgets/jupyterlab-manager, from npm `anywidget` — the same front
 * end the Python package bundles. Setup builds this only where pip has no anywidget.
 *
 * npm anywidget's script ends in the AMD call `define(["@jupyter-widgets/base"], create)`.
 * webpack (the labextension builder) resolves that call itself, handing `create` JupyterLab's
 * shared @jupyter-widgets/base, so the module's default import is `create(base)`:
 * `{ AnyModel, AnyView }`.
 */
import { IJupyterWidgetRegistry } from "@jupyter-widgets/base";
import anywidgetModule from "anywidget";
// This package's version is npm anywidget's (scripts/install-anywidget.js checks that).
import manifest from "../package.json";

const plugin = {
  id: "@activation-lab/anywidget:plugin",
  description: "The anywidget front end: renders any anywidget ES module.",
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate: (_app, registry) => {
    const { AnyModel, AnyView } = anywidgetModule ?? {};
    if (typeof AnyModel !== "function" || typeof AnyView !== "function") {
      throw new Error("npm anywidget did not give { AnyModel, AnyView }; its build format changed");
    }
    registry.registerWidget({ name: "anywidget", version: manifest.version, exports: { AnyModel, AnyView } });
  },
};

export default plugin;
