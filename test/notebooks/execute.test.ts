/**
 * Executes every curated notebook headless (nbclient, the activation-lab kernel from
 * .venv/share/jupyter), fails on any error output or a notebook over 120 s, and checks the
 * key numbers each notebook prints as `[Cn] name = value` against closed forms and the
 * effects the notebook describes. The kernel computes on the wasm backend unless
 * ACTIVATION_LAB_BACKEND says otherwise; ACTIVATION_LAB_NOTEBOOKS=03,14 runs a subset.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const python = path.join(repoRoot, ".venv", "bin", "python");
const helper = path.join(repoRoot, "test", "notebooks", "run_notebooks.py");
const notebooksDir = path.join(repoRoot, "notebooks");
const kernelspec = path.join(repoRoot, ".venv", "share", "jupyter", "kernels", "activation-lab", "kernel.json");
const NOTEBOOK_TIMEOUT_S = 120;

interface Result {
  path: string;
  seconds: number;
  errors: string[];
  texts: string[];
}

/** `[C3] sigmoid derivative max = 0.25` lines → name → value (the text after the last " = "; names may contain " = "). */
export function keyValues(texts: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of texts.join("\n").split("\n")) {
    const m = /^\[C\d+\] (.+) = (.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

type Check = (v: (name: string) => string, n: (name: string) => number) => void;
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} not within ${tol} of ${b}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Key computed outputs per notebook (by file-name prefix). */
const CHECKS: Record<string, Check> = {
  "00": (v, n) => {
    assert.ok(n("max |3 linear layers - 1 collapsed layer|") < 1e-4);
    assert.ok(n("best-line residual RMS, no activation") < 1e-4);
    assert.ok(n("best-line residual RMS, relu between layers") > 0.1);
    close(n("sigmoid derivative max"), 0.25, 1e-4, "σ′ max");
    close(n("sigmoid derivative max on the grid"), 0.25, 1e-4, "σ′ max on the grid");
    assert.equal(v("sigmoid range"), "(0, 1)");
    assert.ok(n("sigmoid first/last gradient-norm ratio (depth 12)") < 1e-3);
    assert.ok(n("relu first/last gradient-norm ratio (depth 12)") > 0.1);
  },
  "01": (v, n) => {
    assert.ok(n("distinct winners over the three tasks") >= 2, "no activation wins every task");
    for (const t of ["spiral", "circles", "sine"]) assert.ok(n(`relu loss / best loss on ${t}`) >= 1);
    assert.equal(v("relu verdict at init"), "healthy");
    // the prose: sigmoid weakest on the circles but competitive on the sine, where ReLU is weakest
    assert.equal(v("highest final loss on circles"), "sigmoid");
    assert.equal(v("highest final loss on sine"), "relu");
    assert.ok(n("sigmoid loss / best loss on sine") < 2);
  },
  "02": (v, n) => {
    assert.equal(v("sigmoid verdict"), "vanishing");
    assert.ok(n("sigmoid (glorot) first/last gradient ratio") < 1e-3);
    const heRelu = n("relu+he layer-20 / layer-1 activation second moment");
    assert.ok(heRelu > 0.7 && heRelu < 1.3, `He keeps ReLU's second moment: ${heRelu}`);
    assert.ok(n("relu+glorot layer-20 / layer-1 activation second moment") < 1e-3, "Glorot halves it per layer");
    const selu = n("selu+lecun layer-20 / layer-1 activation second moment");
    assert.ok(selu > 0.8 && selu < 1.25, `SELU keeps ≈ 1: ${selu}`);
    assert.ok(n("tanh+he layer-20 / layer-1 activation second moment") > n("tanh+glorot layer-20 / layer-1 activation second moment"), "He holds tanh's scale better here");
    assert.ok(n("tanh+he layer-20 saturated fraction") < 0.05, "without saturating many units");
    assert.ok(n("relu, weights 2× He std: first-layer gradient norm") > 1000 * n("relu, weights 1× He std: first-layer gradient norm"));
    assert.ok(n("tanh, weights 2× He std: output RMS after 10 layers") < 1);
    assert.equal(v("final loss without clipping"), "NaN");
    assert.ok(n("final loss with clipping at 1") < 2);
  },
  "03": (v, n) => {
    assert.equal(n("relu derivative at x = 10"), 1);
    close(n("sigmoid derivative at x = 10"), sigmoid(10) * (1 - sigmoid(10)), 1e-7, "σ′(10)");
    assert.equal(v("relu saturates"), "left");
    assert.equal(v("relu verdict at depth 30"), "healthy");
    assert.equal(v("sigmoid verdict at depth 30"), "vanishing");
    const relu = n("relu epochs to 95% accuracy");
    const sig = v("sigmoid epochs to 95% accuracy");
    assert.ok(Number.isFinite(relu) && (sig === "not within 60" || relu < Number(sig)));
    const tanh = n("tanh epochs to 95% accuracy");
    assert.ok(tanh > relu, "tanh needs more epochs than ReLU");
    assert.equal(sig, "not within 60");
  },
  "04": (v, n) => {
    assert.equal(n("largest gradient seen by the dead unit over 100 SGD steps"), 0);
    assert.equal(n("its bias after 100 steps"), -10);
    assert.ok(n("relu max dead-unit fraction") > 0.3, "a high learning rate kills ReLU units");
    assert.ok(n("leaky_relu max dead-unit fraction") < 0.05, "Leaky ReLU keeps them alive");
    assert.ok(n("leaky_relu final accuracy") > n("relu final accuracy"));
    assert.ok(n("prelu max dead-unit fraction") < 0.05 && n("elu max dead-unit fraction") < 0.05, "PReLU and ELU keep units alive");
    assert.ok(n("leaky_relu final accuracy") >= n("elu final accuracy"), "no dead units is not the same as training well");
    assert.ok(n("relu at lr 0.01: final accuracy") > 0.9, "a normal learning rate trains ReLU");
    const slopes = v("prelu: learnt negative slope per hidden layer (start 0.25)").split(", ").map(Number);
    assert.ok(slopes.length === 3 && slopes.some((a) => Math.abs(a - 0.25) > 1e-3), `PReLU slopes moved: ${slopes}`);
    close(n("leaky_relu derivative at x = -3"), 0.01, 1e-6, "leaky slope");
    close(n("PReLU alpha learnt (start 0.25, data slope 0.6)"), 0.6, 0.02, "PReLU α");
    assert.ok(n("selu max |mean| over 32 layers") < 0.1);
    assert.ok(n("selu min variance over 32 layers") > 0.8 && n("selu max variance over 32 layers") < 1.25);
  },
  "05": (v, n) => {
    close(n("sigmoid derivative max"), 0.25, 1e-4, "σ′ max");
    close(n("tanh derivative max"), 1, 1e-3, "tanh′ max");
    assert.ok(n("max |tanh(x) − (2σ(2x) − 1)|") < 1e-5);
    close(n("tanh derivative at x = 3"), 1 - Math.tanh(3) ** 2, 1e-5, "tanh′(3)");
    assert.equal(v("softmax row sums"), "1.000000, 1.000000");
    assert.ok(n("|softmax([a, b])₀ − σ(a − b)|") < 1e-6);
    assert.equal(v("naive tanh at x = 100"), "NaN");
    assert.equal(v("naive log(sigmoid(-200))"), "-Infinity");
    close(n("stable log_sigmoid(-200)"), -200, 1e-3, "log σ(−200)");
    close(n("smallest x with float32 sigmoid(x) == 1"), 25 * Math.LN2, 0.05, "float32 σ == 1 threshold");
    const tanhEpochs = n("tanh epochs to 95% accuracy on moons");
    const sigEpochs = v("sigmoid epochs to 95% accuracy on moons");
    assert.ok(Number.isFinite(tanhEpochs) && (sigEpochs === "not within 40" || Number(sigEpochs) > tanhEpochs), "tanh gets there first");
  },
  "06": (v, n) => {
    assert.equal(v("gelu monotonic"), "false");
    assert.equal(v("swish monotonic"), "false");
    close(n("gelu minimum value"), -0.16997, 2e-3, "GELU minimum");
    close(n("gelu minimum at x"), -0.7518, 0.01, "GELU argmin");
    close(n("swish minimum value"), -0.27846, 2e-3, "Swish minimum");
    close(n("swish minimum at x"), -1.2785, 0.01, "Swish argmin");
    assert.ok(n("max |gelu − relu| at x = ±4, ±8") < 1e-3);
    assert.ok(n("gelu / relu forward time") > 1, "GELU costs more than ReLU per element");
    assert.ok(n("spread of mean accuracy between relu, gelu, swish") < 0.02, "small-scale differences are small");
    assert.ok(["relu", "gelu", "swish"].filter((a) => n(`${a} lowest-loss wins out of 6`) > 0).length >= 2, "the win moves between activations");
  },
  "07": (v, n) => {
    assert.equal(n("float16 largest finite"), 65504);
    assert.equal(v("float16(65520) (halfway to 65536)"), "Infinity");
    close(n("float16 machine epsilon (1 + eps distinguishable)"), 2 ** -10, 1e-7, "fp16 eps");
    close(n("bfloat16 machine epsilon"), 2 ** -7, 1e-6, "bf16 eps");
    close(n("float16 exp overflow from x"), Math.log(65504), 0.02, "fp16 exp overflow");
    close(n("float32 exp overflow from x"), Math.log(3.4028234663852886e38), 0.02, "fp32 exp overflow");
    close(n("float16 sigmoid rounds to 1 from x"), 12 * Math.LN2, 0.02, "fp16 σ == 1");
    close(n("bfloat16 sigmoid rounds to 1 from x"), 9 * Math.LN2, 0.02, "bf16 σ == 1");
    assert.ok(n("relu6 outputs, int8 range [0, 6]: RMS error") < n("relu outputs, int8 range [0, max]: RMS error"));
    assert.ok(n("max |library gelu − composed gelu|") < 1e-5);
  },
  "08": (v, n) => {
    assert.ok(n("batch: spread of log10 gradient ratio across activations (decades)") < n("none: spread of log10 gradient ratio across activations (decades)"));
    assert.ok(n("batch norm: change in sequence 0's state when sequence 7 changes") > 1e-3);
    assert.equal(n("layer norm: change in sequence 0's state when sequence 7 changes"), 0);
    assert.equal(n("batch norm over a batch of one: max |output|"), 0);
    close(n("layer norm over a batch of one: output std"), 1, 0.01, "LN std");
    assert.equal(n("relu, batch norm: max dead-unit fraction"), 0);
    assert.ok(n("batch: spread of log10 gradient ratio across activations (decades)") < 2, "batch norm: within about a decade");
    assert.ok(n("layer: spread of log10 gradient ratio across activations (decades)") > n("batch: spread of log10 gradient ratio across activations (decades)"));
    assert.ok(n("none: spread within relu / leaky_relu / elu (decades)") < 1);
    assert.ok(n("batch: spread within relu / leaky_relu / elu (decades)") >= n("none: spread within relu / leaky_relu / elu (decades)"));
    const lnDead = n("relu, layer norm: max dead-unit fraction");
    assert.ok(lnDead > 0 && lnDead < n("relu, none norm: max dead-unit fraction"), "layer norm reduces dead units, not to zero");
  },
  "09": (v, n) => {
    close(n("sigmoid + cross_entropy: dL/dz at z = -10"), sigmoid(-10) - 1, 1e-4, "BCE gradient");
    const s10 = sigmoid(-10);
    close(n("sigmoid + mse: dL/dz at z = -10"), 2 * (s10 - 1) * s10 * (1 - s10), 1e-7, "MSE gradient");
    assert.equal(v("sigmoid + mse: steps to correct"), "more than 2000");
    assert.ok(n("sigmoid + cross_entropy: steps to correct") < 100);
    assert.ok(n("y = 3 sin x, linear output: final MSE") < 0.05);
    assert.ok(n("y = 3 sin x, tanh output: final MSE") >= 0.95 * n("closed-form MSE floor for an output clipped to [-1, 1]"));
    assert.ok(n("y = 0.8 sin x (bounded target), tanh output: final MSE") < 0.05);
    assert.ok(n("hidden relu, sigmoid output: final loss") < n("hidden sigmoid, sigmoid output: final loss"));
    assert.ok(Number.isFinite(n("adam, sigmoid output + cross_entropy: epochs to 95% accuracy")));
    assert.ok(Number.isFinite(n("adam, sigmoid output + mse: epochs to 95% accuracy")));
    assert.ok(Number.isFinite(n("sgd, sigmoid output + cross_entropy: epochs to 95% accuracy")));
    assert.equal(v("sgd, sigmoid output + mse: epochs to 95% accuracy"), "not within 30");
  },
  "10": (v, n) => {
    assert.ok(n("tanh plain: max |h|") <= 1);
    assert.equal(v("tanh plain: verdict"), "stable");
    assert.equal(v("relu plain: verdict"), "exploding");
    assert.equal(v("sigmoid gate: state overflowed at step"), "never");
    assert.ok(n("sigmoid gate: largest gate value") < 1);
    assert.ok(Number.isFinite(n("relu gate: state overflowed at step")), "the ReLU-gated cell overflows");
    assert.equal(v("relu gated: verdict"), "exploding");
    assert.ok(n("relu gated: state norm growth over 100 steps") < n("relu plain: state norm growth over 100 steps"), "the gate slows growth");
  },
  "11": (v, n) => {
    assert.equal(n("zero outputs in the tanh half (last layer)"), 0);
    const z = n("zero outputs in the relu half (last layer)");
    assert.ok(z > 0.2 && z < 0.8, `ReLU half is about half zeros: ${z}`);
    assert.ok(Math.abs(n("relu_tanh second moment under N(0,1) input") - 0.5) > 0.05, "not ReLU's second moment");
    // the prose: the blend edges out both parts on the spiral and lands between them on the sine
    const loss = (t: string, a: string) => n(`${t}: ${a} final loss`);
    assert.ok(loss("spiral", "relu_tanh") < Math.min(loss("spiral", "relu"), loss("spiral", "tanh")));
    const sine = [loss("sine", "relu"), loss("sine", "tanh")];
    assert.ok(loss("sine", "relu_tanh") > Math.min(...sine) && loss("sine", "relu_tanh") < Math.max(...sine));
  },
  "12": (v, n) => {
    assert.ok(n("relu: slope changes along the segment (4000 samples)") < n("gelu: slope changes along the segment (4000 samples)"));
    assert.ok(n("relu: median first-order Taylor error, step 0.01") < 1e-5);
    assert.ok(n("relu bias-free: mean |f(x) − ∇f(x)·x| / mean |f(x)|") < 1e-4);
    assert.ok(n("gelu bias-free: mean |f(x) − ∇f(x)·x| / mean |f(x)|") > 0.01);
    assert.ok(n("relu: largest slope jump, 500 → 4000 samples (ratio)") < 2);
    assert.ok(n("gelu: largest slope jump, 500 → 4000 samples (ratio)") > 5);
  },
  "13": (v, n) => {
    for (const a of ["relu", "tanh", "sigmoid"]) assert.ok(n(`${a}: MSE width 4 / width 64`) > 1, `${a} improves with width`);
    assert.ok(n("relu shallow MSE / tanh shallow MSE") > 1, "smooth target: tanh beats ReLU at equal size");
    const mse = (a: string, shape: string) => n(`${a} ${shape}: MSE, mean of 2 seeds`);
    for (const a of ["tanh", "gelu"]) {
      assert.ok(mse(a, "shallow 1×48 (145 params)") < mse("relu", "shallow 1×48 (145 params)"), `${a} ahead of ReLU, shallow`);
      assert.ok(mse(a, "deep 3×8 (169 params)") < mse("relu", "deep 3×8 (169 params)"), `${a} ahead of ReLU, deep`);
    }
    assert.ok(n("relu: shallow MSE / deep MSE") > 1, "depth helps ReLU");
  },
  "14": (v, n) => {
    assert.ok(n("relu / gelu forward throughput") > 1);
    assert.ok(n("gelu share of the block at d = 32") > n("gelu share of the block at d = 384"), "the activation's share falls with width");
  },
  "15": (v, n) => {
    assert.equal(n("inputs from sigmoid: share of same-sign gradients"), 1);
    assert.ok(n("inputs from tanh: share of same-sign gradients") < 0.01);
    const [before, after] = v("shift 4, relu: max dead fraction before → after").split(" → ").map(Number);
    assert.ok(after > before, "drift kills ReLU units");
    assert.ok(n("shift 4, sigmoid: mean saturated fraction after") > 0.1, "drift saturates sigmoid units");
    for (const shift of [4, -4])
      for (const a of ["relu", "leaky_relu", "tanh", "sigmoid"]) {
        const [b, af] = v(`shift ${shift}, ${a}: accuracy before → after`).split(" → ").map(Number);
        assert.ok(af < b, `every activation loses accuracy under drift (${a}, shift ${shift})`);
      }
  },
};

/** ACTIVATION_LAB_NOTEBOOKS=03,14 runs only the notebooks whose names start with those prefixes. */
const only = (process.env.ACTIVATION_LAB_NOTEBOOKS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const files = (fs.existsSync(notebooksDir) ? fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort() : []).filter(
  (f) => only.length === 0 || only.some((p) => f.startsWith(p)),
);
const results = new Map<string, Result>();
let skipReason: string | undefined;

before(() => {
  if (!fs.existsSync(python)) {
    skipReason = "no .venv (run npm run setup)";
    return;
  }
  assert.ok(fs.existsSync(kernelspec), `the activation-lab kernelspec is installed in .venv (${kernelspec})`);
  const r = spawnSync(python, [helper, "--timeout", String(NOTEBOOK_TIMEOUT_S), ...files.map((f) => path.join(notebooksDir, f))], {
    cwd: repoRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(repoRoot, ".venv", "share", "jupyter"),
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
      // the committed outputs come from the wasm backend (npm run report); the same backend here keeps
      // training runs comparable whatever faster backend a machine has
      ACTIVATION_LAB_BACKEND: process.env.ACTIVATION_LAB_BACKEND ?? "wasm",
    },
    maxBuffer: 256 * 1024 * 1024,
    timeout: (NOTEBOOK_TIMEOUT_S + 30) * 1000 * Math.max(1, files.length),
  });
  for (const line of (r.stdout ?? "").split("\n")) {
    if (!line.startsWith("{")) continue;
    const res = JSON.parse(line) as Result;
    results.set(path.basename(res.path), res);
  }
  if (results.size === 0) throw new Error(`the notebook runner produced no results: ${r.error?.message ?? ""}\n${(r.stderr ?? "").slice(-3000)}`);
});

test("every notebook has key-output checks", () => {
  for (const f of files) assert.ok(CHECKS[f.slice(0, 2)], `checks for ${f}`);
});

for (const file of files) {
  test(`${file} executes headless without errors and prints the expected numbers`, (t) => {
    if (skipReason) return t.skip(skipReason);
    const r = results.get(file);
    assert.ok(r, `${file} was executed`);
    assert.deepEqual(r.errors, [], `${file} error outputs`);
    assert.ok(r.seconds <= NOTEBOOK_TIMEOUT_S, `${file} ran ${r.seconds} s (limit ${NOTEBOOK_TIMEOUT_S} s)`);
    t.diagnostic(`${file}: ${r.seconds} s`);
    const kv = keyValues(r.texts);
    const v = (name: string) => {
      const value = kv.get(name);
      assert.ok(value !== undefined, `${file} prints "${name}"`);
      return value;
    };
    const n = (name: string) => Number(v(name));
    CHECKS[file.slice(0, 2)](v, n);
  });
}

test("keyValues parses the printed form", () => {
  const kv = keyValues(["[C3] sigmoid derivative max = 0.25\nother line\n", "[C8] relu derivative at x = 10 = 1\n"]);
  assert.equal(kv.get("sigmoid derivative max"), "0.25");
  assert.equal(kv.get("relu derivative at x = 10"), "1");
  assert.equal(kv.size, 2);
});
