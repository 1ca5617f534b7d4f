package org.minima.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many threads ND4J's OpenMP loops and OpenBLAS use. Results are bit-identical for the
 * same seed and the same thread count; a different count may change the last bits (the order of
 * floating-point sums inside GEMM and reductions depends on how the work is split).
 */
public final class Threads {
    private static int current = Runtime.getRuntime().availableProcessors();

    private Threads() {}

    /** {@code n <= 0} means all cores. */
    public static void configure(int n) {
        int t = n <= 0 ? Runtime.getRuntime().availableProcessors() : n;
        Nd4j.getEnvironment().setMaxThreads(t);
        Nd4j.getEnvironment().setMaxMasterThreads(t);
        Nd4j.factory().blas().setMaxThreads(t);
        current = t;
    }

    public static int current() {
        return current;
    }

    /**
     * Runs {@code body} with OpenBLAS limited to one thread, so each GEMM runs in the thread that calls it: for code
     * that splits its work over {@link #current()} threads of its own (data-parallel chunks), where OpenBLAS's
     * threads (and the layers' own parallel loops, {@link Parallel}) would only compete for the cores. Restores {@link #current()} threads after.
     */
    public static void withSingleThreadedBlas(Runnable body) {
        Nd4j.factory().blas().setMaxThreads(1);
        Parallel.serial = true; // the layers' element-wise loops stay on each of the caller's threads too
        try {
            body.run();
        } finally {
            Parallel.serial = false;
            Nd4j.factory().blas().setMaxThreads(current);
        }
    }
}
