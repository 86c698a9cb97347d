"""PyTorch CPU baseline for bench/gradient-flow.ts: the same deep MLP (fwd + bwd through
autograd, loss ½·mean‖h_L‖²) and the same per-layer statistics (weight gradients and
forward activations), per activation.

stdin, one JSON line: {"depth", "width", "batch", "bins", "threads", "repeats", "runs": [[name, init], ...]}
stdout: {"torch": version, "threads": n, "total_ms": median ms of a pass over all runs}
With "serve": true instead of "repeats": prints {"torch", "threads"}, then answers each
further stdin line with {"ms": one pass}.
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


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
# f'(z) in closed form, for the saturation share of the forward statistics (the tfjs side
# has it from its forward pass, which the backward pass uses).
DERIVS = {
    "relu": lambda z: (z > 0).float(),
    "gelu": lambda z: 0.5 * (1 + torch.erf(z / math.sqrt(2))) + z * torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi),
    "selu": lambda z: torch.where(z > 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * torch.exp(z)),
    "sigmoid": lambda z: torch.sigmoid(z) * (1 - torch.sigmoid(z)),
    "tanh": lambda z: 1 - torch.tanh(z) ** 2,
    "elu": lambda z: torch.where(z > 0, 1.0, torch.exp(z)),
    "leaky_relu": lambda z: torch.where(z > 0, 1.0, 0.01),
    "silu": lambda z: torch.sigmoid(z) * (1 + z * (1 - torch.sigmoid(z))),
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
    forward = []
    for w in ws:
        z = h @ w
        h = f(z)
        # The forward statistics gradientFlow reports per layer: mean, std, zero share,
        # saturated share (|f'(z)| < 0.01), second moment of the pre-activation.
        zd, hd = z.detach(), h.detach()
        forward.append((hd.mean().item(), hd.std().item(), (hd == 0).float().mean().item(),
                        (DERIVS[name](zd).abs() < 0.01).float().mean().item(), (zd * zd).mean().item()))
    loss = 0.5 * (h * h).sum() / batch
    loss.backward()
    stats = [forward]
    for w in ws:
        g = w.grad
        stats.append((g.norm().item(), g.mean().item(), g.std().item(), g.min().item(), g.max().item(),
                      (g == 0).float().mean().item(), torch.histc(g, bins=bins).tolist()))
    return stats


def one_pass(spec, gen):
    t0 = time.perf_counter()
    for name, init in spec["runs"]:
        one_run(name, init, spec, gen)
    return (time.perf_counter() - t0) * 1000


def main():
    first = sys.stdin.readline()
    spec = json.loads(first)
    torch.set_num_threads(spec["threads"])
    gen = torch.Generator().manual_seed(0)
    one_pass(spec, gen)  # warm-up
    if spec.get("serve"):
        # One pass per request line, so the caller can interleave its own runs with these
        # and compare the two sides under the same machine load.
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        for _ in sys.stdin:
            print(json.dumps({"ms": one_pass(spec, gen)}), flush=True)
        return
    totals = [one_pass(spec, gen) for _ in range(spec["repeats"])]
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "total_ms": statistics.median(totals)}, sys.stdout)


if __name__ == "__main__":
    main()
