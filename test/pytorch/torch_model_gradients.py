"""Rebuilds a small Keras-style tfjs model (Conv2D relu -> Flatten -> Dense tanh -> Dense
softmax, categorical cross-entropy as tfjs computes it) in PyTorch from exported weights and
returns every parameter's gradient, in tfjs's layouts, so `inspect`'s per-layer gradients can
be checked against an independent implementation.

Input (JSON file, argv[1]): {"x": [...] NHWC, "shape": [n, h, w, c], "labels": [...],
"classes": k, "conv": {"kernel": [...], "kernelShape": [kh, kw, cin, cout], "bias": [...]},
"dense": [{"kernel", "kernelShape", "bias", "activation"}...]}.
Output (JSON on stdout): {"torch": version, "grads": [[...] per parameter, tfjs order]}.
Computed in float64.
"""
import json
import sys

import torch
import torch.nn.functional as F

EPSILON = 1e-7  # tfjs-layers' epsilon(): probabilities are clipped to [ε, 1 − ε] before the log


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    dtype = torch.float64
    param = lambda values, shape: torch.tensor(values, dtype=dtype).reshape(*shape).requires_grad_(True)
    x = torch.tensor(spec["x"], dtype=dtype).reshape(*spec["shape"]).permute(0, 3, 1, 2)  # NHWC -> NCHW
    conv = spec["conv"]
    kernel = param(conv["kernel"], conv["kernelShape"])  # tfjs [kh, kw, cin, cout]
    bias = param(conv["bias"], [len(conv["bias"])])
    params = [kernel, bias]
    h = torch.relu(F.conv2d(x, kernel.permute(3, 2, 0, 1), bias))
    h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # tfjs flattens channels-last
    for layer in spec["dense"]:
        w = param(layer["kernel"], layer["kernelShape"])
        b = param(layer["bias"], [len(layer["bias"])])
        params += [w, b]
        z = h @ w + b
        h = {"tanh": torch.tanh, "softmax": lambda t: torch.softmax(t, dim=1)}[layer["activation"]](z)
    onehot = F.one_hot(torch.tensor(spec["labels"], dtype=torch.long), spec["classes"]).to(dtype)
    p = h / h.sum(dim=1, keepdim=True)
    loss = -(onehot * torch.log(p.clamp(EPSILON, 1 - EPSILON))).sum(dim=1).mean()
    loss.backward()
    json.dump({"torch": torch.__version__, "loss": loss.item(), "grads": [q.grad.reshape(-1).tolist() for q in params]}, sys.stdout)


if __name__ == "__main__":
    main()
