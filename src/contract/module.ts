/**
 * Which front-end module draws activation-lab's widgets. The kernel sends these in
 * `_model_module` / `_model_module_version` (and the `_view_*` twins); the labextension in
 * widgets/ registers its models under the same name and version, and JupyterLab's widget
 * manager only instantiates them when the name matches and the version satisfies the range.
 * MODULE_VERSION must equal widgets/package.json's version (a test checks).
 * Browser-safe: the kernel and the widgets bundle both build from this file.
 */
export const MODULE_NAME = "activation-lab";
export const MODULE_VERSION = "0.1.0";
/** The range the kernel asks for: any release with the same major (and, for 0.x, minor). */
export const MODULE_VERSION_RANGE = `^${MODULE_VERSION}`;
