"""Rebuilds activation-lab's gradient-flow network in PyTorch from exported weights and
returns the per-layer weight gradients, so the tfjs backward pass can be checked against
an independent implementation.

Input (JSON file, argv[1]): {"cases": [{"activation", "params", "norm", "batch",
"inputSize", "width", "depth", "x", "weights", "shapes"}]}. Output (JSON on stdout):
{"torch": version, "cases": [{"grads": [[...] per layer]}]}.
Computed in float64, so the reference is sharper than the float32 side it checks.
"""
import json
import sys

import torch
import torch.nn.functional as F

EPS = 1e-5  # BatchNorm1d / LayerNorm default, as in activation-lab


def activation(name, params):
    table = {
        "relu": F.relu,
        "gelu": lambda z: F.gelu(z),  # exact erf form, as in src/activations (not the tanh approximation)
        "gelu_tanh": lambda z: F.gelu(z, approximate="tanh"),
        "selu": F.selu,
        "elu": lambda z: F.elu(z, alpha=params.get("alpha", 1.0)),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=params.get("alpha", 0.01)),
        "silu": F.silu,
        "mish": F.mish,
        "softplus": F.softplus,
    }
    if name not in table:
        raise SystemExit(f"no PyTorch counterpart for {name!r}; known: {', '.join(table)}")
    return table[name]


def normalize(z, norm):
    if norm == "none":
        return z
    if norm == "batch":
        return F.batch_norm(z, None, None, training=True, eps=EPS)
    if norm == "layer":
        return F.layer_norm(z, (z.shape[1],), eps=EPS)
    raise SystemExit(f"unknown norm {norm!r}")


def output_loss(logits, case):
    """Training networks: a linear output layer, then the output activation and loss."""
    out = case["output"]
    if out["kind"] == "softmax" and out["loss"] == "cross_entropy":
        return F.cross_entropy(logits, torch.tensor(case["labels"], dtype=torch.long))
    if out["kind"] == "sigmoid" and out["loss"] == "cross_entropy":
        return F.binary_cross_entropy_with_logits(logits.reshape(-1), torch.tensor(case["labels"], dtype=logits.dtype))
    if out["kind"] == "softmax" and out["loss"] == "mse":
        onehot = F.one_hot(torch.tensor(case["labels"], dtype=torch.long), logits.shape[1]).to(logits.dtype)
        return F.mse_loss(torch.softmax(logits, dim=1), onehot)
    raise SystemExit(f"unknown output {out!r}")


def gradients(case):
    dtype = torch.float64
    x = torch.tensor(case["x"], dtype=dtype).reshape(case["batch"], case["inputSize"])
    weights = [
        torch.tensor(w, dtype=dtype).reshape(*shape).requires_grad_(True)
        for w, shape in zip(case["weights"], case["shapes"])
    ]
    biases = [torch.tensor(b, dtype=dtype).requires_grad_(True) for b in case.get("biases", [])]
    f = activation(case["activation"], case.get("params", {}))
    h = x
    depth = case["depth"]
    for l in range(depth):
        z = h @ weights[l]
        if biases:
            z = z + biases[l]
        h = f(normalize(z, case["norm"]))
    if "output" in case:
        logits = h @ weights[depth] + (biases[depth] if biases else 0)
        loss = output_loss(logits, case)
    else:
        loss = 0.5 * (h * h).sum() / case["batch"]
    loss.backward()
    return [p.grad.reshape(-1).tolist() for p in weights + biases]


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    out = {"torch": torch.__version__, "cases": [{"grads": gradients(c)} for c in spec["cases"]]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
