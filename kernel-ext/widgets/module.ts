/**
 * Which front-end module draws our widgets. The labextension in widgets/ registers the
 * module under this name and version; JupyterLab's widget manager resolves the models by
 * matching them, so they must equal widgets/package.json's name and version (a test checks).
 */
export const WIDGETS_MODULE = "activation-lab";
export const WIDGETS_MODULE_VERSION = "^0.1.0";
