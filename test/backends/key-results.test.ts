/**
 * The experiments' key results on this process's backend (scripts/test.js runs it on every
 * backend): gradientFlow's layer statistics match wasm's within 1e-4 relative, sigmoid's
 * gradients vanish over 20 layers, ReLU + He stays healthy, SELU + LeCun self-normalizes,
 * and every verdict agrees with wasm's.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tf } from "../../src/tf";
import { describeWithBackends } from "../support/backends";
import { flowFacts } from "./flow-facts";

describeWithBackends("experiments' key results", (backend) => {
  test("gradientFlow matches wasm layer by layer, and the papers' facts hold", { timeout: 300_000 }, async () => {
    const before = tf.memory().numTensors;
    const out = await flowFacts(backend);
    assert.equal(out.backend, backend);
    assert.ok(out.cases >= 100, `compared ${out.cases} statistics`);
    assert.deepEqual(out.failures, [], `beyond relative ${out.tolerance}: ${JSON.stringify(out.failures)}`);
    assert.deepEqual(out.facts, { sigmoidVanishes: true, reluHeHealthy: true, seluSelfNormalizes: true, verdictsMatchWasm: true });
    assert.equal(tf.memory().numTensors, before, "gradientFlow leaked tensors");
  });
});
