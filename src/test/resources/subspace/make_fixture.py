"""Entries of the subspace matrix A, regenerated from the recipe in docs/sharpness.md (independently of the Java
code), for RandomSubspaceTest. Run: python3 make_fixture.py > entries.csv  (needs only the standard library, Python >= 3.8)."""
from statistics import NormalDist

NORMAL = NormalDist()

M64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def gaussian_entry(seed, i, j):
    """G[i, j]: N(0, 1), keyed by (seed, row i, column j); seed is a signed or unsigned 64-bit integer."""
    r = mix((seed + GAMMA * (i + 1)) & M64)  # row i's SplitMix64 state
    b = mix((r + GAMMA * (j + 1)) & M64)     # its output j + 1
    u = ((b >> 12) + 0.5) * 2.0 ** -52      # in (0, 1), exact
    return NORMAL.inv_cdf(u)                 # Wichura's AS241


if __name__ == "__main__":
    print("seed,row,column,value")
    for seed in (7, -3):
        for i, j in ((0, 0), (0, 1), (0, 2), (1, 0), (5, 3), (12345, 4), (1460000, 99), (99, 6)):
            print(f"{seed},{i},{j},{gaussian_entry(seed, i, j)!r}")
