"""PyTorch CPU baseline for bench/activations: value and derivative time per activation.

Reads {"n": N, "threads": T, "repeats": R, "activations": [[name, params], ...]} on stdin,
prints {name_label: {"value_ms": median, "grad_ms": median}} as JSON.
With "serve": true instead of "repeats": prints {"torch", "threads"}, then answers each further
stdin line [name, params, calls] with {"value_ms", "grad_ms"}: after one untimed call each,
the mean of `calls` (default 1) timed calls, so the caller can interleave its own timings with
these under the same machine load and time both sides alike.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def build(name, p):
    table = {
        "linear": lambda x: x * 1.0,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "relu6": F.relu6,
        "leaky_relu": lambda x: F.leaky_relu(x, p.get("alpha", 0.01)),
        "prelu": lambda x: F.prelu(x, torch.tensor([p.get("alpha", 0.25)])),
        "elu": lambda x: F.elu(x, p.get("alpha", 1.0)),
        "selu": F.selu,
        "celu": lambda x: F.celu(x, p.get("alpha", 1.0)),
        "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "silu": F.silu,
        "swish": lambda x: x * torch.sigmoid(p.get("beta", 1.0) * x),
        "mish": F.mish,
        "softplus": lambda x: F.softplus(x, beta=p.get("beta", 1.0)),
        "softsign": F.softsign,
        "hard_sigmoid": F.hardsigmoid,
        "hard_swish": F.hardswish,
        "hard_tanh": F.hardtanh,
        "log_sigmoid": F.logsigmoid,
        "tanhshrink": F.tanhshrink,
        "squareplus": lambda x: (x + torch.sqrt(x * x + p.get("b", 4.0))) / 2,
    }
    return table[name]


def median_ms(fn, repeats, warm=True):
    if warm:
        fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def mean_ms(fn, calls):
    """One untimed call (caches and thread pools warm), then the mean of `calls` timed calls."""
    fn()
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) * 1000 / calls


def timers(f, x):
    def value():
        with torch.no_grad():
            f(x)

    def grad():
        xg = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(f(xg), xg, torch.ones_like(xg))
        return g

    return value, grad


def serve(x):
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    seen = set()
    for line in sys.stdin:
        name, params, *rest = json.loads(line)
        calls = rest[0] if rest else 1
        value, grad = timers(build(name, params), x)
        if name not in seen:
            value(), grad()
            seen.add(name)
        print(json.dumps({"value_ms": mean_ms(value, calls), "grad_ms": mean_ms(grad, calls)}), flush=True)


def main():
    job = json.loads(sys.stdin.readline())
    torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    x = torch.randn(job["n"], dtype=torch.float32) * 4
    if job.get("serve"):
        return serve(x)
    out = {}
    for name, params in job["activations"]:
        value, grad = timers(build(name, params), x)
        out[name] = {"value_ms": median_ms(value, job["repeats"]), "grad_ms": median_ms(grad, job["repeats"])}
    out["_meta"] = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
