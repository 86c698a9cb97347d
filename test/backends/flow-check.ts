/**
 * The device check's entry for the experiments' key results (flow-facts.ts) on one backend:
 * prints one JSON line { backend, device, gpu, cases, tolerance, failures, worst, facts }.
 *
 *   node dist/test/backends/flow-check.js webgpu
 */
import type { BackendName } from "../../src/backend";
import { flowFacts } from "./flow-facts";

flowFacts((process.argv[2] ?? "webgpu") as BackendName).then(
  (result) => console.log(JSON.stringify(result)),
  (e) => {
    console.error((e as Error).stack ?? e);
    process.exit(1);
  },
);
