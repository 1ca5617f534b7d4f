#!/usr/bin/env python3
"""Peer of `minima` SharpnessBench: Keskar's full-space eps-sharpness (Metric 2.1) with scipy's L-BFGS-B
driving PyTorch gradients, on the same model directory and the same Fashion-MNIST examples.

    /usr/bin/python3 src/bench/python/sharpness_scipy_torch.py MODEL_DIR [--examples 10000] [--eps 1e-3]
        [--max-iter 10] [--threads 2] [--dtype float64|float32]

MODEL_DIR is a minima model directory (model.json + weights.safetensors), e.g. the one written by
`java -cp target/minima.jar org.minima.bench.SharpnessBench 2 --write-model DIR`. The loss is the mean softmax
cross-entropy in inference mode (batch norm with running statistics), as minima's. Prints the wall time of the
maximization (the first evaluation included, loading excluded), its process CPU time (all threads), the
evaluations, f(x), max f and phi.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import scipy.optimize
import torch

DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as fh:
        n = struct.unpack("<Q", fh.read(8))[0]
        header = json.loads(fh.read(n))
        blob = fh.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dt = DTYPES.get(info["dtype"])
        if dt is None:  # e.g. num_batches_tracked (I64), not needed
            continue
        out[name] = np.frombuffer(blob[a:b], dtype=dt).reshape(info["shape"])
    return out


def build(model_dir, dtype):
    spec = json.load(open(os.path.join(model_dir, "model.json")))
    tensors = read_safetensors(os.path.join(model_dir, "weights.safetensors"))
    layers, spatial = [], len(spec["input"]) == 3
    for i, l in enumerate(spec["layers"]):
        t = l["type"]
        if t == "linear":
            m = torch.nn.Linear(l["in"], l["out"])
        elif t == "conv2d":
            m = torch.nn.Conv2d(l["in"], l["out"], l["kernel"], l.get("stride", 1), l.get("padding", 0))
        elif t == "maxpool2d":
            m = torch.nn.MaxPool2d(l["kernel"], l.get("stride"), l.get("padding", 0))
        elif t == "batchnorm":
            cls = torch.nn.BatchNorm2d if spatial else torch.nn.BatchNorm1d
            m = cls(l["features"], eps=l.get("eps", 1e-5), momentum=l.get("momentum", 0.1))
        elif t == "relu":
            m = torch.nn.ReLU()
        elif t == "dropout":
            m = torch.nn.Dropout(l["p"])
        elif t == "flatten":
            m = torch.nn.Flatten()
            spatial = False
        else:
            raise SystemExit(f"unknown layer type {t}")
        for name, buf in list(m.named_parameters()) + list(m.named_buffers()):
            key = f"layers.{i}.{name}"
            if key in tensors:
                buf.data = torch.from_numpy(np.array(tensors[key], dtype=np.float64))
        layers.append(m)
    net = torch.nn.Sequential(*layers).to(dtype)
    net.eval()
    return spec, net


def fashion_mnist(n):
    folder = os.environ.get("MINIMA_DATA_DIR", "/usr/share/datasets/fashion-mnist")
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as fh:
        fh.read(16)
        x = np.frombuffer(fh.read(28 * 28 * n), dtype=np.uint8).reshape(n, 784)
    with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz")) as fh:
        fh.read(8)
        y = np.frombuffer(fh.read(n), dtype=np.uint8)
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--examples", type=int, default=10000)
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument("--max-iter", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32

    spec, net = build(a.model, dtype)
    xs, ys = fashion_mnist(a.examples)
    pre = spec.get("preprocess", {"scale": 1.0, "mean": [0.0], "std": [1.0]})
    inputs = (torch.from_numpy(xs.astype(np.float64)) * pre["scale"] - pre["mean"][0]) / pre["std"][0]
    inputs = inputs.reshape([a.examples] + spec["input"]).to(dtype)
    labels = torch.from_numpy(ys.astype(np.int64))
    params = list(net.parameters())
    x0 = torch.nn.utils.parameters_to_vector(params).detach().to(torch.float64).numpy().copy()
    radius = a.eps * (np.abs(x0) + 1.0)
    stats = {"evals": 0, "max": -np.inf, "first": None}

    def negf(z):
        w = torch.from_numpy(x0 + z).to(dtype)
        torch.nn.utils.vector_to_parameters(w, params)
        for p in params:
            p.grad = None
        total = 0.0
        for s in range(0, a.examples, 1000):
            out = net(inputs[s:s + 1000])
            loss = torch.nn.functional.cross_entropy(out, labels[s:s + 1000], reduction="sum") / a.examples
            loss.backward()
            total += loss.item()
        g = torch.nn.utils.parameters_to_vector([p.grad for p in params]).detach().to(torch.float64).numpy()
        stats["evals"] += 1
        if stats["first"] is None:
            stats["first"] = total
        stats["max"] = max(stats["max"], total)
        return -total, -g

    t0 = time.perf_counter()
    c0 = time.process_time()
    res = scipy.optimize.minimize(negf, np.zeros_like(x0), jac=True, method="L-BFGS-B",
                                  bounds=scipy.optimize.Bounds(-radius, radius),
                                  options={"maxiter": a.max_iter})
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    loss = stats["first"]
    phi = 100.0 * (stats["max"] - loss) / (1.0 + loss)
    print(json.dumps({"peer": "scipy-L-BFGS-B+torch", "torch": torch.__version__, "scipy": scipy.__version__,
                      "dtype": a.dtype, "threads": a.threads, "examples": a.examples, "parameters": int(x0.size),
                      "seconds": seconds, "cpuSeconds": cpu, "iterations": int(res.nit), "evaluations": stats["evals"],
                      "loss": loss, "maxLoss": stats["max"], "sharpness": phi, "message": str(res.message)}, indent=2))


if __name__ == "__main__":
    main()
