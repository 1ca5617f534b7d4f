#!/usr/bin/env python3
"""PyTorch peer for `minima bench`: F1 gradient and Hessian-vector product (double backward) over the
first N Fashion-MNIST training examples, inference mode (BN with running statistics), float64/float32.

Prints one JSON object: {"torch": version, "threads": T, "rows": [{"dtype", "gradSeconds", "hvpSeconds", "ratio"}]}.
Usage: python3 nn_torch.py [--examples 10000] [--threads 2] [--repeats 5] [--data /usr/share/datasets/fashion-mnist]
"""
import argparse, gzip, json, os, statistics, time

import numpy as np
import torch
import torch.nn as nn


def load_images(folder, n):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz"), "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    return raw.reshape(-1, 784)[:n].astype(np.float64) / 255.0, labels[:n].astype(np.int64)


def f1():
    layers = []
    width = 784
    for _ in range(5):
        layers += [nn.Linear(width, 512), nn.BatchNorm1d(512), nn.ReLU()]
        width = 512
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def median_time(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--data", default=os.environ.get("MINIMA_DATA_DIR", "/usr/share/datasets/fashion-mnist"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x_np, y_np = load_images(args.data, args.examples)
    rows = []
    for dtype in (torch.float64, torch.float32):
        model = f1().to(dtype).eval()
        params = [p for p in model.parameters()]
        x = torch.from_numpy(x_np).to(dtype)
        y = torch.from_numpy(y_np)
        loss_fn = nn.CrossEntropyLoss()
        v = [torch.randn_like(p) for p in params]

        def grad():
            loss = loss_fn(model(x), y)
            return torch.autograd.grad(loss, params)

        def hvp():
            loss = loss_fn(model(x), y)
            g = torch.autograd.grad(loss, params, create_graph=True)
            dot = sum((gi * vi).sum() for gi, vi in zip(g, v))
            return torch.autograd.grad(dot, params)

        tg = median_time(grad, args.repeats)
        th = median_time(hvp, args.repeats)
        rows.append({"dtype": str(dtype).replace("torch.", ""), "gradSeconds": tg, "hvpSeconds": th, "ratio": th / tg})
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "examples": args.examples, "rows": rows}))


if __name__ == "__main__":
    main()
