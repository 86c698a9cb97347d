/**
 * Suites that must hold on every backend, in the style of tfjs's `describeWithFlags`: a suite
 * registers for the one backend of this test process and is titled with it. scripts/test.js
 * runs the files that use it once per backend, each in its own process with
 * ACTIVATION_LAB_BACKEND set; run by hand without it, the suite runs on the chain's choice.
 *
 * A forced backend that cannot start fails the suite (its `before` hook) with the chain's
 * reason: a backend the test run requires never turns into skipped tests.
 */
import { before, describe } from "node:test";
import { ready, useBackend, type BackendInfo, type BackendName } from "../../src/backend";

/** The backend a forced run names (validated by useBackend), or undefined for the chain's choice. */
export function forcedTestBackend(): BackendName | undefined {
  const raw = process.env.ACTIVATION_LAB_BACKEND?.trim();
  return raw ? (raw as BackendName) : undefined;
}

/**
 * `describe(\`${title} on ${backend}\`, …)` for this process's backend. `body` receives the
 * backend's name at registration and may read its details (device, gpu) from `info()` in tests.
 */
export function describeWithBackends(title: string, body: (backend: BackendName, info: () => BackendInfo) => void): void {
  let selected: BackendInfo | undefined;
  const info = (): BackendInfo => {
    if (!selected) throw new Error("backend info is only known once the suite's before hook has run");
    return selected;
  };
  const forced = forcedTestBackend();
  if (forced) {
    describe(`${title} on ${forced}`, () => {
      before(async () => {
        selected = await useBackend(forced);
      });
      body(forced, info);
    });
    return;
  }
  // Not forced: the title must wait for the chain's pick, so the suite is built asynchronously.
  describe(title, async () => {
    selected = await ready();
    describe(`on ${selected.name}`, () => body(selected!.name, info));
  });
}
