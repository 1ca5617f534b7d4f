"""Iterates of scipy's L-BFGS-B (fmin_l_bfgs_b, Fortran L-BFGS-B 3.0) on three bounded problems, for LbfgsbTest.

Run: /usr/bin/python3 make_fixtures.py   (writes iterates.json beside this file; deterministic).
Each problem: x and f after each of at most 10 iterations (the callback sees every accepted iterate).
The Java test rebuilds each function from the formulas below and the data stored in the fixture.
"""
import json, os
import numpy as np
import scipy
from scipy.optimize import fmin_l_bfgs_b

CALL = dict(m=10, factr=1e7, pgtol=1e-5, maxiter=10, maxfun=15000, maxls=20)


def rosenbrock(x, data):
    """Chained Rosenbrock: sum (1 - x_i)^2 + 100 (x_{i+1} - x_i^2)^2."""
    a, b = x[:-1], x[1:]
    u = b - a * a
    g = np.zeros_like(x)
    g[:-1] = -2 * (1 - a) - 400 * a * u
    g[1:] += 200 * u
    return float(np.sum((1 - a) ** 2 + 100 * u * u)), g


def quadratic(x, data):
    """1/2 x'Qx + b'x with Q symmetric indefinite (negative curvature): the box bounds the minimum."""
    q, b = np.array(data["Q"]), np.array(data["b"])
    qx = q @ x
    return float(x @ (0.5 * qx + b)), qx + b


def double_well(x, data):
    """sum (x_i^4/4 - x_i^2/2 + a_i x_i) + 1/2 sum (x_{i+1} - x_i)^2: nonconvex, coupled."""
    a = np.array(data["a"])
    d = x[1:] - x[:-1]
    g = x ** 3 - x + a
    g[1:] += d
    g[:-1] -= d
    return float(np.sum(x ** 4 / 4 - x ** 2 / 2 + a * x) + 0.5 * np.sum(d * d)), g


def problems():
    rs = np.random.RandomState(20)
    n = 8
    v, _ = np.linalg.qr(rs.uniform(-1, 1, (n, n)))
    q = v @ np.diag([-3.0, -1.0, -0.25, 0.5, 1.0, 2.0, 4.0, 8.0]) @ v.T
    q = (q + q.T) / 2
    yield ("rosenbrock5", rosenbrock, {}, [-1.2, 1.0, -1.2, 1.0, -1.2],
           [-1.5] * 5, [0.5, 0.3, 0.5, 0.3, 2.0])
    yield ("indefiniteQuadratic8", quadratic, {"Q": q.tolist(), "b": rs.uniform(-1, 1, n).tolist()},
           rs.uniform(-0.5, 0.5, n).tolist(), [-1.0] * n, [1.0] * n)
    # Not every variable bounded (None = no bound; null in the fixture): the first step is 1/||d||, not 1.
    yield ("partlyBoundedRosenbrock6", rosenbrock, {}, [-1.2, 1.0, -1.2, 1.0, -1.2, 1.0],
           [None, None, None, 0.5, None, None], [None, 0.3, None, None, None, 0.2])
    n = 20
    yield ("doubleWell20", double_well, {"a": rs.uniform(-0.3, 0.3, n).tolist()},
           rs.uniform(-0.2, 0.2, n).tolist(), [-1.2] * n, [0.8] * n)


out = {"scipy": scipy.__version__, "numpy": np.__version__,
       "call": "fmin_l_bfgs_b(func, x0, bounds=list(zip(lower, upper)), callback=record, "
               + ", ".join(f"{k}={v}" for k, v in CALL.items()) + ")", "problems": []}
for name, fun, data, x0, lo, hi in problems():
    f = lambda x: fun(x, data)
    xs, fs = [], []
    record = lambda xk: (xs.append(xk.tolist()), fs.append(f(xk)[0]))
    x, fx, info = fmin_l_bfgs_b(f, np.array(x0), bounds=list(zip(lo, hi)), callback=record, **CALL)
    out["problems"].append({"name": name, "data": data, "x0": x0, "lower": lo, "upper": hi, "x": xs, "f": fs,
                            "nit": info["nit"], "funcalls": info["funcalls"], "task": str(info["task"])})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "iterates.json"), "w") as fh:
    json.dump(out, fh, indent=1)
