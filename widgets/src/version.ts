/**
 * The widget module's identity. The kernel sends these in `_model_module` /
 * `_model_module_version` (and the `_view_*` twins); JupyterLab's widget manager only
 * instantiates our models when the name matches and the version satisfies the range.
 * Keep MODULE_VERSION equal to widgets/package.json's version (a test checks it).
 */
export const MODULE_NAME = "activation-lab";
export const MODULE_VERSION = "0.1.0";
