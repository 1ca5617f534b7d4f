#!/usr/bin/env python3
"""PyTorch peer of minima's training-throughput benchmark (docs/training.md, "Benchmark"): Keskar's F1
(784 -> 5 x [Linear 512, BatchNorm1d, ReLU] -> Linear 10, cross-entropy) on Fashion-MNIST, Adam 1e-3,
float32, training mode, a fresh shuffled batch gathered and scaled (pixels/255) each step as minima does.

Prints one JSON object: {"torch": version, "threads": T, "rows": [{"batch", "examplesPerSecond"}]}, the
median of --rounds rounds of about --examples examples each, after a warm-up.
Usage: /usr/bin/python3 train_torch.py [--threads 2] [--batches 256,6000] [--rounds 3] [--examples 12000]
Optional for CI: needs Debian's python3-torch (or any PyTorch) and the Fashion-MNIST files.
"""
import argparse, gzip, json, os, statistics, time

import numpy as np
import torch
import torch.nn as nn


def load(folder):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz"), "rb") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32)
    with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz"), "rb") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def f1():
    layers, width = [], 784
    for _ in range(5):
        layers += [nn.Linear(width, 512), nn.BatchNorm1d(512), nn.ReLU()]
        width = 512
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="256,6000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--examples", type=int, default=12000)
    ap.add_argument("--data", default=os.environ.get("MINIMA_DATA_DIR", "/usr/share/datasets/fashion-mnist"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x, y = load(args.data)
    n = x.shape[0]
    order = torch.randperm(n)
    rows = []
    for b in [int(v) for v in args.batches.split(",")]:
        model = f1().float().train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        pos = [0]

        def step():
            if pos[0] + b > n:
                pos[0] = 0
            idx = order[pos[0]:pos[0] + b]
            pos[0] += b
            xb = x.index_select(0, idx) * (1.0 / 255.0)
            yb = y.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()

        steps = max(2, args.examples // b)
        for _ in range(max(1, steps // 4)):
            step()
        rates = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            for _ in range(steps):
                step()
            rates.append(steps * b / (time.perf_counter() - t))
        rows.append({"batch": b, "examplesPerSecond": statistics.median(rates)})
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "rows": rows}))


if __name__ == "__main__":
    main()
