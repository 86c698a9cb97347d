#!/usr/bin/env bash
# activation-lab device check: on a machine with a GPU and no network, from this folder only.
#   1. which backend the chain picks (nothing forced): expect webgpu with gpu: true
#   2. the numerics suite on webgpu (every activation: values and derivatives), and on
#      tensorflow-gpu too where CUDA libraries are present (tfjs-node-gpu must be installed
#      beside this folder, see README.md; without it the chain's reason is printed)
#   3. gradientFlow on the same backends against wasm, layer by layer, and the experiments' facts
#   4. the backend benchmark, the same table as `npm run bench -- backends` (activations at
#      N = 1e6 and gradientFlow as ratios to PyTorch), PyTorch if present
# Results land in ./results (RESULTS=dir to change). Exit status 0 only if 2 and 3 pass.
# BENCH_BACKENDS (default webgpu,wasm,tensorflow) limits step 4.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
RESULTS="${RESULTS:-$HERE/results}"
mkdir -p "$RESULTS"
export ACTIVATION_LAB_QUIET="${ACTIVATION_LAB_QUIET:-1}"
# The digits (the benchmark trains the "your own model" MLP on them), shipped beside the bundle.
export ACTIVATION_LAB_DIGITS_FILE="$HERE/digits.csv.gz"

# Node ≥ 20: the system's, else the pinned one unpacked beside this folder (see README.md).
NODE=""
for candidate in "$HERE"/node/bin/node "$HERE"/../node-v*-linux-x64/bin/node "$(command -v node 2>/dev/null)"; do
  [ -x "$candidate" ] || continue
  major="$("$candidate" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 20 ]; then NODE="$candidate"; break; fi
done
[ -n "$NODE" ] || { echo "no Node >= 20: unpack node-<version>-linux-x64.tar.gz next to this folder (README.md)"; exit 2; }

# A Vulkan loader: the system's, else the one shipped here.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  export LD_LIBRARY_PATH="$HERE/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "note: no system libvulkan.so.1; using the bundled loader"
fi
# NVIDIA's Vulkan driver without its manifest (containers mounting only the libraries): add one.
if ! ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json >/dev/null 2>&1; then
  glx="$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0 /{print $NF; exit}')"
  if [ -n "$glx" ]; then
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" > "$RESULTS/nvidia_icd.json"
    export VK_ADD_DRIVER_FILES="$RESULTS/nvidia_icd.json${VK_ADD_DRIVER_FILES:+:$VK_ADD_DRIVER_FILES}"
    echo "note: no nvidia_icd.json installed; pointing the loader at $glx"
  fi
fi

{
  echo "node: $("$NODE" --version) ($NODE)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
  echo "bundle: $(tr -d '\n ' < "$HERE/MANIFEST.json" | grep -o '"commit":"[^"]*"')"
} | tee "$RESULTS/machine.txt"

cd "$HERE"
status=0

echo; echo "== 1. backend chain (nothing forced)"
"$NODE" probe.js > "$RESULTS/backend.json" 2> "$RESULTS/backend.err"
cat "$RESULTS/backend.json"

# Steps 2 and 3 for one backend ($1), forced the way the test runner forces it.
check_backend() {
  local b="$1"
  echo; echo "== 2. numerics suite on $b"
  ACTIVATION_LAB_BACKEND="$b" timeout 300 "$NODE" --test --test-reporter=tap --test-name-pattern="numerics on $b" numerics.js > "$RESULTS/numerics-$b.tap" 2> "$RESULTS/numerics-$b.err"
  local numerics_rc=$?
  "$NODE" -e '
    const [file, b] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").split("\n");
    const start = lines.indexOf(`# Subtest: numerics on ${b}`);
    const body = start < 0 ? [] : lines.slice(start + 1, lines.findIndex((l, i) => i > start && /^(ok|not ok) \d/.test(l)));
    const res = body.filter((l) => /^ {4}(not )?ok \d+ /.test(l));
    const skipped = res.filter((l) => /# SKIP/.test(l)).length;
    const failed = res.filter((l) => /^ {4}not ok/.test(l));
    console.log(`numerics on ${b}: ${res.length - skipped - failed.length} passed, ${failed.length} failed, ${skipped} skipped`);
    if (start < 0) console.log("  " + (lines.find((l) => /no TensorFlow.js backend could be initialised/.test(l)) || "the suite did not start; see numerics-" + b + ".err").trim());
    for (const f of failed.slice(0, 5)) {
      const at = body.indexOf(f);
      const error = body.slice(at, at + 12).find((l) => /^\s+error:/.test(l));
      console.log("  " + f.trim() + (error ? "\n      " + error.trim().slice(0, 300) : ""));
    }
    process.exit(res.length > 0 && skipped === 0 && failed.length === 0 ? 0 : 1);
  ' "$RESULTS/numerics-$b.tap" "$b" | tee "$RESULTS/numerics-$b.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] && [ "$numerics_rc" -eq 0 ] || status=1

  echo; echo "== 3. gradientFlow on $b vs wasm"
  if ACTIVATION_LAB_BACKEND="$b" timeout 300 "$NODE" flow-check.js "$b" > "$RESULTS/flow-$b.json" 2> "$RESULTS/flow-$b.err"; then
    "$NODE" -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop());
      console.log(`${r.backend} on ${r.device} (gpu: ${r.gpu}): ${r.cases} layer statistics, ${r.failures.length} beyond ${r.tolerance} relative; worst ${r.worst.relDiff.toExponential(2)} (${r.worst.activation} ${r.worst.stat} layer ${r.worst.layer})`);
      console.log("facts: " + Object.entries(r.facts).map(([k, v]) => `${k} ${v ? "yes" : "NO"}`).join(", "));
      process.exit(r.failures.length === 0 && Object.values(r.facts).every(Boolean) ? 0 : 1);
    ' "$RESULTS/flow-$b.json" | tee "$RESULTS/flow-$b.txt"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  else
    echo "flow check on $b failed: $(tail -3 "$RESULTS/flow-$b.err")" | tee "$RESULTS/flow-$b.txt"; status=1
  fi
}

check_backend webgpu
# The CUDA build of TensorFlow: forced "tensorflow" tries tfjs-node-gpu first (src/backend.ts).
if ldconfig -p 2>/dev/null | grep -q 'libcudart\.so'; then
  echo; echo "note: CUDA libraries present: checking tensorflow-gpu"
  check_backend tensorflow
else
  echo; echo "note: no CUDA runtime (libcudart) found: tensorflow-gpu not checked"
fi

echo; echo "== 4. benchmark"
PY=""
for p in python3 python; do
  if command -v "$p" >/dev/null && "$p" -c "import torch" 2>/dev/null; then PY="$(command -v "$p")"; break; fi
done
BENCH_BACKENDS="${BENCH_BACKENDS:-webgpu,wasm,tensorflow}" BENCH_JSON="$RESULTS/bench.json" BENCH_TORCH_DIR="$HERE" BENCH_PYTHON="${PY:-/nonexistent}" \
  timeout 600 "$NODE" bench.js 2> "$RESULTS/bench.err" | tee "$RESULTS/bench.txt"

echo; echo "== summary"
cat "$RESULTS"/numerics-*.txt "$RESULTS"/flow-*.txt 2>/dev/null
echo "device check: $([ $status -eq 0 ] && echo PASS || echo FAIL) (results in $RESULTS)"
exit $status
