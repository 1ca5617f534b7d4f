#!/usr/bin/env python3
"""PyTorch peer of minima's training-throughput benchmarks (docs/benchmarks.md, entries `train` and `c1`), float32,
Adam 1e-3, training mode, a fresh batch gathered and scaled (pixels/255) each step as minima does:
  f1: Keskar's F1 (784 -> 5 x [Linear 512, BatchNorm1d, ReLU] -> Linear 10) on Fashion-MNIST's training set;
  c1: Keskar's C1 (2 x [Conv 64 5x5 pad 2, BatchNorm2d, ReLU, MaxPool 3/2 pad 1], Linear 4096 -> 384, BN, ReLU,
      Dropout 0.5, Linear 384 -> 192, BN, ReLU, Dropout 0.5, Linear 192 -> 10) on CIFAR-shaped data generated in
      memory (uniform random pixels 0..255 and labels 0..9, --examples of them; no CIFAR is needed).
Prints one JSON object: {"torch": version, "threads": T, "model": M, "rows": [{"batch", "examplesPerSecond"}]}, the
median of --rounds rounds of --steps steps each, after --warmup untimed steps.
Usage: /usr/bin/python3 train_torch.py [--model f1|c1] [--threads 2] [--batches 256,6000] [--rounds 3] [--steps 47]
       [--warmup 11]   (--steps 0: 12000 examples' worth, at least 2; --warmup -1: a quarter of --steps)
Optional, not part of CI: needs Debian's python3-torch (or any PyTorch), and for f1 the Fashion-MNIST files.
"""
import argparse, gzip, json, os, statistics, time

import numpy as np
import torch
import torch.nn as nn


def fashion_mnist(folder):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz"), "rb") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32)
    with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz"), "rb") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def cifar_shaped(n):
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 256, (n, 3, 32, 32), generator=g).float()
    y = torch.randint(0, 10, (n,), generator=g)
    return x, y


def f1():
    layers, width = [], 784
    for _ in range(5):
        layers += [nn.Linear(width, 512), nn.BatchNorm1d(512), nn.ReLU()]
        width = 512
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def c1():
    layers, width = [], 3
    for _ in range(2):
        layers += [nn.Conv2d(width, 64, 5, 1, 2), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
        width = 64
    layers += [nn.Flatten(), nn.Linear(64 * 8 * 8, 384), nn.BatchNorm1d(384), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(384, 192), nn.BatchNorm1d(192), nn.ReLU(), nn.Dropout(0.5), nn.Linear(192, 10)]
    return nn.Sequential(*layers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["f1", "c1"], default="f1")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="256,6000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=-1)
    ap.add_argument("--examples", type=int, default=10000, help="c1: examples generated")
    ap.add_argument("--data", default=os.environ.get("MINIMA_DATA_DIR", "/usr/share/datasets/fashion-mnist"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x, y = fashion_mnist(args.data) if args.model == "f1" else cifar_shaped(args.examples)
    n = x.shape[0]
    order = torch.randperm(n)
    rows = []
    for b in [int(v) for v in args.batches.split(",")]:
        model = (f1() if args.model == "f1" else c1()).float().train()
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

        steps = args.steps if args.steps > 0 else max(2, 12000 // b)
        for _ in range(args.warmup if args.warmup >= 0 else max(1, steps // 4)):
            step()
        rates = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            for _ in range(steps):
                step()
            rates.append(steps * b / (time.perf_counter() - t))
        rows.append({"batch": b, "examplesPerSecond": statistics.median(rates)})
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "model": args.model, "rows": rows}))


if __name__ == "__main__":
    main()
