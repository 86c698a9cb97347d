"""PyTorch CPU baseline for bench/gradient-flow.ts: the same deep MLP (fwd + bwd through
autograd, loss ½·mean‖h_L‖²) and the same per-layer gradient statistics, per activation.

stdin: {"depth", "width", "batch", "bins", "threads", "repeats", "runs": [[name, init], ...]}
stdout: {"torch": version, "threads": n, "total_ms": median ms for all runs, "per_run_ms": {...}}
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

FUNCS = {
    "relu": F.relu,
    "gelu": F.gelu,
    "selu": F.selu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "elu": F.elu,
    "leaky_relu": F.leaky_relu,
    "silu": F.silu,
}


def init_std(init, fan_in, fan_out):
    return {
        "he": math.sqrt(2 / fan_in),
        "glorot": math.sqrt(2 / (fan_in + fan_out)),
        "lecun": math.sqrt(1 / fan_in),
        "normal": 0.05,
    }[init]


def one_run(name, init, spec, gen):
    depth, width, batch, bins = spec["depth"], spec["width"], spec["batch"], spec["bins"]
    f = FUNCS[name]
    ws = [(torch.randn(width, width, generator=gen) * init_std(init, width, width)).requires_grad_(True) for _ in range(depth)]
    h = torch.randn(batch, width, generator=gen)
    for w in ws:
        h = f(h @ w)
    loss = 0.5 * (h * h).sum() / batch
    loss.backward()
    stats = []
    for w in ws:
        g = w.grad
        stats.append((g.norm().item(), g.mean().item(), g.std().item(), g.min().item(), g.max().item(),
                      (g == 0).float().mean().item(), torch.histc(g, bins=bins).tolist()))
    return stats


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    gen = torch.Generator().manual_seed(0)
    per_run = {}
    totals = []
    for rep in range(spec["repeats"] + 1):  # the first pass warms up
        t_all = time.perf_counter()
        for name, init in spec["runs"]:
            t0 = time.perf_counter()
            one_run(name, init, spec, gen)
            if rep > 0:
                per_run.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
        if rep > 0:
            totals.append((time.perf_counter() - t_all) * 1000)
    json.dump({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "total_ms": statistics.median(totals),
        "per_run_ms": {k: statistics.median(v) for k, v in per_run.items()},
    }, sys.stdout)


if __name__ == "__main__":
    main()
