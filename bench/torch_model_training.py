"""The digits MLP of bench/support/digits-training.ts trained in PyTorch CPU: same layers
(64-32-32-10, ReLU, softmax cross-entropy), Adam, batch size and thread count. A server for
interleaved rounds (bench/support/torch-server.ts): after the spec, each further stdin line
runs one epoch and answers its wall time.

stdin, first line (JSON): {"x": [...], "labels": [...], "features": 64, "classes": 10,
"hidden": [32, 32], "batch": 32, "lr": 0.01, "threads": 1}. stdout: one JSON line
{"torch", "threads"}, then {"ms"} per epoch asked for.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def main():
    spec = json.loads(sys.stdin.readline())
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    x = torch.tensor(spec["x"], dtype=torch.float32).reshape(-1, spec["features"])
    y = torch.tensor(spec["labels"], dtype=torch.long)
    sizes = [spec["features"], *spec["hidden"], spec["classes"]]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    n, batch = x.shape[0], spec["batch"]

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    epoch()  # warm-up
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for _ in sys.stdin:
        t0 = time.perf_counter()
        epoch()
        print(json.dumps({"ms": (time.perf_counter() - t0) * 1000}), flush=True)


if __name__ == "__main__":
    main()
