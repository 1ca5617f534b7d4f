"""The PyTorch side of TorchRoundTripTest (needs torch and numpy; python/ on PYTHONPATH).

  roundtrip.py export DIR DATA.npz   a bare nn.Sequential (conv, batch norm 2d/1d, pool, dropout, linear) in float64
                                     with non-trivial running statistics, saved by minima_torch.save; raw data saved
                                     with numpy.savez; prints {"loss": L}, the eval-mode loss of that data in float64
  roundtrip.py import DIR DATA.npz [REF]
                                     minima_torch.load(DIR) in float64; prints {"loss": L} on the data and, with REF,
                                     "maxDiff": the largest difference from REF's state_dict (num_batches_tracked aside)
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import minima_torch

PRE = {"scale": 1 / 255, "mean": [0.5, 0.25], "std": [0.2, 0.3]}


def loss(seq, directory, data):
    z = np.load(data)
    x = minima_torch.preprocess(torch.from_numpy(z["x"]), minima_torch.spec(directory))
    with torch.no_grad():
        return F.cross_entropy(seq.double().eval()(x), torch.from_numpy(z["y"]).long()).item()


def main():
    mode, directory, data = sys.argv[1:4]
    if mode == "export":
        torch.manual_seed(7)
        seq = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(3 * 3 * 3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Dropout(0.25), nn.Linear(5, 4)).double()
        g = np.random.default_rng(3)
        x = g.integers(0, 256, size=(40, 2, 6, 6)).astype(np.float32)
        y = g.integers(0, 4, size=40).astype(np.int64)
        seq.train()
        with torch.no_grad():  # moves the running statistics away from 0 and 1
            for _ in range(3):
                seq(minima_torch.preprocess(torch.from_numpy(x), {"preprocess": PRE}))
        np.savez(data, x=x, y=y)
        minima_torch.save(seq, directory, [2, 6, 6], PRE)
        print(json.dumps({"loss": loss(seq, directory, data)}))
    elif mode == "import":
        seq = minima_torch.load(directory, torch.float64)
        out = {"loss": loss(seq, directory, data)}
        if len(sys.argv) > 4:
            ref = minima_torch.load(sys.argv[4], torch.float64).state_dict()
            out["maxDiff"] = max((v - ref[k]).abs().max().item() for k, v in seq.state_dict().items()
                                 if not k.endswith("num_batches_tracked"))
        print(json.dumps(out))
    else:
        raise SystemExit("usage: roundtrip.py export|import DIR DATA.npz [REF]")


main()
