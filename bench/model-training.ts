/**
 * A user's model trained on the digits: the 64-32-32-10 ReLU MLP, Adam, batch 32, on the
 * 1,346 training rows of a 25 % stratified split. One epoch of the library's own step
 * (`trainStep`, what `train({ model, data })` and `advise` run) against one epoch in PyTorch
 * CPU at the same thread count, in interleaved rounds; the ratio is the median of the
 * per-round ratios with its 95 % interval. Then `advise` with its default budget on the digits.
 * Not a test: `npm run bench -- model-training`. Targets: ≤ 3× PyTorch; advise ≤ 90 s.
 */
import { backend, useBackend } from "../src/backend";
import { datasets } from "../src/datasets";
import { medianInterval } from "../src/evidence/timing";
import { advise } from "../src/model/advise";
import { BATCH, HIDDEN, digitsTrainRows, mlp, ourTraining, startTorchTraining, stepsPerEpoch } from "./support/digits-training";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

async function main(): Promise<void> {
  await useBackend("wasm");
  const threads = backend().threads ?? 1;
  const rows = digitsTrainRows();
  const ours = await ourTraining(rows);
  const torch = await startTorchTraining(rows, threads);
  const steps = stepsPerEpoch(rows);
  console.log(`digits MLP 64-${HIDDEN.join("-")}-10, Adam, batch ${BATCH}, ${rows.n} training rows (${steps} steps per epoch), ${ROUNDS} interleaved rounds, ${threads} thread(s)`);
  try {
    await ours.epoch(); // warm-up: kernels, wasm compile
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      mine.push(await ours.epoch());
      if (typeof torch !== "string") theirs.push(await torch.epoch());
    }
    const m = medianInterval(mine);
    console.log(`  tfjs wasm trainStep epoch   ${m.median.toFixed(1)} ms (95 % CI ${m.lo.toFixed(1)}–${m.hi.toFixed(1)}), ${(m.median / steps).toFixed(2)} ms/step`);
    if (typeof torch === "string") console.log(`  PyTorch: ${torch}`);
    else {
      const t = medianInterval(theirs);
      const ratio = medianInterval(mine.map((v, i) => v / theirs[i]));
      console.log(`  PyTorch ${torch.version} epoch   ${t.median.toFixed(1)} ms (95 % CI ${t.lo.toFixed(1)}–${t.hi.toFixed(1)}), ${torch.threads} thread(s)`);
      console.log(`  ratio tfjs / PyTorch (per round): ${ratio.median.toFixed(2)}× (95 % CI ${ratio.lo.toFixed(2)}–${ratio.hi.toFixed(2)}); target ≤ 3×`);
    }
  } finally {
    if (typeof torch !== "string") torch.close();
    ours.dispose();
  }
  if (process.env.BENCH_ADVISE !== "0") {
    const base = mlp();
    const t0 = performance.now();
    const advice = await advise(base, datasets.digits({ normalize: true }));
    console.log(`advise, default budget (7 candidates × 3 seeds, ${advice.options.epochs} epochs each): ${((performance.now() - t0) / 1000).toFixed(1)} s (target ≤ 90 s); recommended ${advice.recommendation?.activation}`);
    base.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
