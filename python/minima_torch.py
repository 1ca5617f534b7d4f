"""PyTorch <-> minima model directories (docs/model-directory.md). Needs torch and numpy only.

    import minima_torch
    minima_torch.save(model, "DIR", input_shape=[1, 28, 28], preprocess={"scale": 1 / 255})
    model, spec = minima_torch.load("DIR"), minima_torch.spec("DIR")
    x = minima_torch.preprocess(raw, spec)          # exactly as minima computes it, in float64

A model directory is model.json (the architecture) and weights.safetensors (the state_dict of a bare
nn.Sequential: keys 0.weight, 1.running_mean, ...). `save` takes an nn.Sequential (or a module whose
`layers` is one) of Linear, Conv2d, MaxPool2d, BatchNorm1d/2d, ReLU, Dropout and Flatten; `load` builds
the same nn.Sequential and loads the weights and running statistics strictly.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn

__all__ = ["save", "load", "spec", "preprocess", "read_safetensors", "write_safetensors"]

_DTYPES = {torch.float32: ("F32", "<f4"), torch.float64: ("F64", "<f8"), torch.int64: ("I64", "<i8")}
_BY_NAME = {"F32": (torch.float32, "<f4"), "F64": (torch.float64, "<f8"), "I64": (torch.int64, "<i8")}


def _sequential(model):
    if isinstance(model, nn.Sequential):
        return model
    if isinstance(getattr(model, "layers", None), nn.Sequential):
        return model.layers
    raise TypeError("expected an nn.Sequential, or a module whose .layers is one; got " + type(model).__name__)


def _pair(v, name, layer):
    if isinstance(v, tuple):
        if v[0] != v[1]:
            raise ValueError(f"layer {layer}: {name} {v} is not square; minima supports square {name}s only")
        return v[0]
    return v


def _layer_json(i, m, dims):
    """model.json's entry for module m (layer i) and the number of dimensions after it."""
    if isinstance(m, nn.Linear):
        return {"type": "linear", "in": m.in_features, "out": m.out_features}, dims
    if isinstance(m, nn.Conv2d):
        if m.bias is None or m.groups != 1 or _pair(m.dilation, "dilation", i) != 1 or m.padding_mode != "zeros":
            raise ValueError(f"layer {i}: Conv2d must have a bias, groups 1, dilation 1 and zero padding")
        return {"type": "conv2d", "in": m.in_channels, "out": m.out_channels, "kernel": _pair(m.kernel_size, "kernel", i),
                "stride": _pair(m.stride, "stride", i), "padding": _pair(m.padding, "padding", i)}, dims
    if isinstance(m, nn.MaxPool2d):
        if m.ceil_mode or _pair(m.dilation, "dilation", i) != 1:
            raise ValueError(f"layer {i}: MaxPool2d must have ceil_mode False and dilation 1")
        return {"type": "maxpool2d", "kernel": _pair(m.kernel_size, "kernel", i), "stride": _pair(m.stride, "stride", i),
                "padding": _pair(m.padding, "padding", i)}, dims
    if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        if not (m.affine and m.track_running_stats) or m.momentum is None:
            raise ValueError(f"layer {i}: BatchNorm must be affine, track running statistics and have a momentum")
        return {"type": "batchnorm", "features": m.num_features, "eps": m.eps, "momentum": m.momentum}, dims
    if isinstance(m, nn.ReLU):
        return {"type": "relu"}, dims
    if isinstance(m, nn.Dropout):
        return {"type": "dropout", "p": m.p}, dims
    if isinstance(m, nn.Flatten):
        if m.start_dim != 1 or m.end_dim != -1:
            raise ValueError(f"layer {i}: Flatten must flatten dims 1..-1")
        return {"type": "flatten"}, 1
    raise ValueError(f"layer {i}: {type(m).__name__} has no minima layer type "
                     "(Linear, Conv2d, MaxPool2d, BatchNorm1d/2d, ReLU, Dropout, Flatten)")


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} as safetensors (8-byte header length, JSON header, C-order little-endian values)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in _DTYPES:
            raise ValueError(f"tensor {name}: dtype {t.dtype}, expected float32, float64 or int64")
        code, np_dtype = _DTYPES[t.dtype]
        blob = t.numpy().astype(np_dtype, copy=False).tobytes(order="C")
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """{name: tensor} of a safetensors file (F32, F64, I64)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        if h["dtype"] not in _BY_NAME:
            raise ValueError(f"{path}: tensor {name} has dtype {h['dtype']}, expected F32, F64 or I64")
        dtype, np_dtype = _BY_NAME[h["dtype"]]
        a, b = h["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=np_dtype).reshape(h["shape"])
        out[name] = torch.from_numpy(arr.astype(np_dtype[1:], copy=True))
    return out


def save(model, directory, input_shape, preprocess=None):
    """Writes model.json and weights.safetensors for `model` into `directory` (created when missing).

    input_shape: [features] or [channels, height, width] of one example (no batch dimension).
    preprocess: {"scale": s, "mean": [...], "std": [...]}, each optional (identity by default); minima maps a raw
    input x to (x*scale - mean[c]) / std[c]. Classes are the output size of the last Linear layer.
    The weights keep their dtype (float32 or float64); num_batches_tracked is written too (minima ignores it)."""
    seq = _sequential(model)
    dims, layers = len(input_shape), []
    for i, m in enumerate(seq):
        entry, dims = _layer_json(i, m, dims)
        layers.append(entry)
    linears = [m for m in seq if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("the model has no Linear layer to give the number of classes")
    p = dict(preprocess or {})
    unknown = set(p) - {"scale", "mean", "std"}
    if unknown:
        raise ValueError(f"preprocess has unknown keys {sorted(unknown)}, expected scale, mean, std")
    body = {"format": "minima-model", "version": 1, "input": [int(d) for d in input_shape],
            "classes": linears[-1].out_features,
            "preprocess": {"scale": float(p.get("scale", 1.0)), "mean": [float(v) for v in np.atleast_1d(p.get("mean", [0.0]))],
                           "std": [float(v) for v in np.atleast_1d(p.get("std", [1.0]))]},
            "layers": layers}
    os.makedirs(directory, exist_ok=True)
    state = seq.state_dict()
    dtypes = {t.dtype for k, t in state.items() if not k.endswith("num_batches_tracked")}
    if len(dtypes) != 1:
        raise ValueError(f"the weights mix dtypes {sorted(map(str, dtypes))}; use model.float() or model.double()")
    write_safetensors(os.path.join(directory, "weights.safetensors"), state, {"format": "pt"})
    tmp = os.path.join(directory, "model.json.tmp")
    with open(tmp, "w") as f:
        json.dump(body, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(directory, "model.json"))


def spec(directory):
    """model.json of a model directory, as a dict."""
    with open(os.path.join(directory, "model.json")) as f:
        return json.load(f)


def load(directory, dtype=None):
    """The nn.Sequential of a model directory, with its weights and running statistics loaded strictly, in eval mode.
    dtype: None keeps the stored dtype; torch.float64 or torch.float32 converts. Accepts both weight namings
    minima reads (0.weight and layers.0.weight)."""
    m = spec(directory)
    dims, layers = len(m["input"]), []
    for l in m["layers"]:
        t = l["type"]
        if t == "linear":
            layers.append(nn.Linear(l["in"], l["out"]))
        elif t == "conv2d":
            layers.append(nn.Conv2d(l["in"], l["out"], l["kernel"], l.get("stride", 1), l.get("padding", 0)))
        elif t == "maxpool2d":
            layers.append(nn.MaxPool2d(l["kernel"], l.get("stride"), l.get("padding", 0)))
        elif t == "batchnorm":
            bn = nn.BatchNorm2d if dims == 3 else nn.BatchNorm1d
            layers.append(bn(l["features"], l.get("eps", 1e-5), l.get("momentum", 0.1)))
        elif t == "relu":
            layers.append(nn.ReLU())
        elif t == "dropout":
            layers.append(nn.Dropout(l.get("p", 0.5)))
        elif t == "flatten":
            layers.append(nn.Flatten())
            dims = 1
        else:
            raise ValueError(f"{directory}/model.json: unknown layer type {t!r}")
    seq = nn.Sequential(*layers)
    state = read_safetensors(os.path.join(directory, "weights.safetensors"))
    state = {k[len("layers."):] if k.startswith("layers.") else k: v for k, v in state.items()}
    stored = next(v.dtype for k, v in state.items() if not k.endswith("num_batches_tracked"))
    seq.to(dtype or stored)
    for k, v in seq.state_dict().items():  # minima writes no num_batches_tracked: keep PyTorch's own count (0)
        if k.endswith("num_batches_tracked") and k not in state:
            state[k] = v
    seq.load_state_dict({k: v.to(dtype) if dtype is not None and v.is_floating_point() else v for k, v in state.items()},
                        strict=True)
    return seq.eval()


def preprocess(raw, model_spec):
    """Network inputs from raw values exactly as minima computes them: in float64, (x*scale - mean[c]) / std[c]
    per channel c (one value for all channels when mean/std have one). raw: [N, *input] (a float32 raw value,
    as minima stores it, widened to float64). Returns float64; minima then rounds to float32 for a float32 network."""
    p = model_spec.get("preprocess", {})
    x = torch.as_tensor(raw).to(torch.float64)
    scale = float(p.get("scale", 1.0))
    mean = torch.tensor(p.get("mean", [0.0]), dtype=torch.float64)
    std = torch.tensor(p.get("std", [1.0]), dtype=torch.float64)
    shape = [1, -1] + [1] * (x.dim() - 2) if x.dim() > 2 else [1, -1]
    if x.dim() == 2 and len(mean) > 1:
        raise ValueError("per-channel mean on a flat input")
    return (x * scale - mean.reshape(shape)) / std.reshape(shape)
