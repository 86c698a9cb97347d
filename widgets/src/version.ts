/** The widget module's identity, defined once for the kernel and the bundle (src/contract/module.ts). */
export { MODULE_NAME, MODULE_VERSION } from "../../src/contract/module";
