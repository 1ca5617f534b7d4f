package org.minima.nn;

import java.util.SplittableRandom;

/** Seeded initializers (PyTorch's defaults). */
final class Inits {
    private Inits() {}

    /** Each value ~ U(−bound, bound), drawn in index order. */
    static void uniform(Arr a, double bound, SplittableRandom rng) {
        for (int i = 0; i < a.length; i++) a.set(i, (2.0 * rng.nextDouble() - 1.0) * bound);
    }

    static void fill(Arr a, double v) {
        for (int i = 0; i < a.length; i++) a.set(i, v);
    }
}
