package org.minima.analysis;

import org.minima.nn.BatchNormMode;

/**
 * Settings of Keskar's ε-sharpness (Metric 2.1), what {@code sharpness} and {@code reproduce} both build. Each
 * option's default and meaning stand in {@link #defaults()} and nowhere else; change one with its {@code with…}.
 *
 * @param eps       box half-width factor ε: |z_i| ≤ ε(|x_i| + 1)
 * @param subspace  dimension p of the random subspace A, or null for the full space (A = I)
 * @param maxIter   L-BFGS-B iterations per start (the paper: 10)
 * @param restarts  extra seeded random starts in the box
 * @param seed      seed of A and of the random starts
 * @param chunk     examples per forward/backward pass when f is a network's loss; bounds memory, not the result
 * @param bn        batch norm's convention when f is a network's loss ({@link BatchNormMode}: bn, bnBatch)
 * @param subspaceMatrix how A's columns are scaled (used only with a subspace)
 * @param start     where the first L-BFGS-B start is: the box centre, or the corner a first-order model says is worst
 */
public record SharpnessOptions(double eps, Integer subspace, int maxIter, int restarts, long seed, int chunk,
                               BatchNormMode bn, RandomSubspace.Kind subspaceMatrix, StartAt start) {
    /** Where the first start is (the seeded {@code restarts} follow it). */
    public enum StartAt {
        /** y = 0, the box centre: the public re-implementations' reading of the paper. */
        CENTRE,
        /** c + sign(∇f(c))·bound: the box corner a first-order model of f says is worst. */
        CORNER;

        /** "centre" or "corner", as the flag, the YAML key and the JSON name it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The start named {@code s}, or null when it names none. */
        public static StartAt parse(String s) {
            for (StartAt k : values()) if (k.label().equals(s)) return k;
            return null;
        }
    }

    public SharpnessOptions {
        java.util.Objects.requireNonNull(subspaceMatrix, "subspaceMatrix");
        java.util.Objects.requireNonNull(start, "start");
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        if (subspace != null && subspace < 1) throw new IllegalArgumentException("subspace must be >= 1, got " + subspace);
        if (maxIter < 1) throw new IllegalArgumentException("maxIter must be >= 1, got " + maxIter);
        if (restarts < 0) throw new IllegalArgumentException("restarts must be >= 0, got " + restarts);
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
        if (bn == null) throw new IllegalArgumentException("bn must be given");
    }

    /** The paper's settings. */
    public static SharpnessOptions defaults() {
        return new SharpnessOptions(
                1e-3,   // eps: Keskar's smaller ε (Table 3 also reports 5e-4)
                null,   // subspace: the full space
                10,     // maxIter: the paper's 10 L-BFGS-B iterations
                0,      // restarts: the single start at x
                0,      // seed
                2000,   // chunk: about 2000·width·8 bytes of activations per layer
                BatchNormMode.RUNNING, // bn: inference mode (running statistics), as before issue 17
                RandomSubspace.Kind.GAUSSIAN, // subspaceMatrix: O(1) entries, as the paper's subspace/full ratios fit
                StartAt.CENTRE); // start
    }

    public SharpnessOptions withEps(double v) { return new SharpnessOptions(v, subspace, maxIter, restarts, seed, chunk, bn, subspaceMatrix, start); }

    public SharpnessOptions withSubspace(Integer v) { return new SharpnessOptions(eps, v, maxIter, restarts, seed, chunk, bn, subspaceMatrix, start); }

    public SharpnessOptions withMaxIter(int v) { return new SharpnessOptions(eps, subspace, v, restarts, seed, chunk, bn, subspaceMatrix, start); }

    public SharpnessOptions withRestarts(int v) { return new SharpnessOptions(eps, subspace, maxIter, v, seed, chunk, bn, subspaceMatrix, start); }

    public SharpnessOptions withSeed(long v) { return new SharpnessOptions(eps, subspace, maxIter, restarts, v, chunk, bn, subspaceMatrix, start); }

    public SharpnessOptions withChunk(int v) { return new SharpnessOptions(eps, subspace, maxIter, restarts, seed, v, bn, subspaceMatrix, start); }

    public SharpnessOptions withBatchNorm(BatchNormMode v) { return new SharpnessOptions(eps, subspace, maxIter, restarts, seed, chunk, v, subspaceMatrix, start); }

    public SharpnessOptions withSubspaceMatrix(RandomSubspace.Kind v) { return new SharpnessOptions(eps, subspace, maxIter, restarts, seed, chunk, bn, v, start); }

    public SharpnessOptions withStart(StartAt v) { return new SharpnessOptions(eps, subspace, maxIter, restarts, seed, chunk, bn, subspaceMatrix, v); }
}
