package org.minima.analysis;

/**
 * Settings of Keskar's ε-sharpness (Metric 2.1): the box half-width factor ε, the subspace dimension p (null for
 * the full space, A = I), the L-BFGS-B iterations per start (the paper: 10), the number of extra random starts,
 * and the seed of A and of the random starts.
 */
public record SharpnessOptions(double eps, Integer subspace, int maxIter, int restarts, long seed) {
    public SharpnessOptions {
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        if (subspace != null && subspace < 1) throw new IllegalArgumentException("subspace must be >= 1, got " + subspace);
        if (maxIter < 1) throw new IllegalArgumentException("maxIter must be >= 1, got " + maxIter);
        if (restarts < 0) throw new IllegalArgumentException("restarts must be >= 0, got " + restarts);
    }

    /** The paper's settings: ε = 1e-3, full space, 10 iterations, no restarts, seed 0. */
    public static SharpnessOptions defaults() {
        return new SharpnessOptions(1e-3, null, 10, 0, 0);
    }
}
