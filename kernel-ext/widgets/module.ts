/**
 * Which front-end module draws our widgets: the name and version range the kernel sends,
 * defined once for the kernel and the bundle (src/contract/module.ts).
 */
export { MODULE_NAME as WIDGETS_MODULE, MODULE_VERSION_RANGE as WIDGETS_MODULE_VERSION } from "../../src/contract/module";
