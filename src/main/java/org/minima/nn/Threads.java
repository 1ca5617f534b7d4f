package org.minima.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many threads minima's own loops and GEMMs and ND4J's OpenMP loops use. OpenBLAS itself always runs on one
 * thread: {@link Blas} splits each large product over {@link #current()} threads of its own, because telling OpenBLAS
 * its thread count costs about 0.5–1 ms a call here (OpenBLAS 0.3.19; too slow to switch around every data-parallel
 * pass), its own threads split 256-row products poorly, and they spin between calls on the cores the element-wise
 * loops need (docs/benchmarks.md, "OpenBLAS on one thread"). Products made through ND4J (INDArray.mmul, Nd4j.gemm: the
 * Krylov basis, not the networks) therefore run on one thread. Results are bit-identical for the same seed and the
 * same thread count; a different count may change the last bits (a product split into other blocks, a sum split by
 * examples).
 */
public final class Threads {
    private static int current = Runtime.getRuntime().availableProcessors();

    static {
        Nd4j.factory().blas().setMaxThreads(1); // once: each call costs about 0.5–1 ms
    }

    /** Makes sure OpenBLAS is on one thread before a product is made (the class's initializer does it, once). */
    static void init() {}

    private Threads() {}

    /** {@code n <= 0} means all cores. */
    public static void configure(int n) {
        int t = n <= 0 ? Runtime.getRuntime().availableProcessors() : n;
        Nd4j.getEnvironment().setMaxThreads(t);
        Nd4j.getEnvironment().setMaxMasterThreads(t);
        current = t;
    }

    public static int current() {
        return current;
    }

    /** A loop body over the part [from, to) of [0, n). */
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #current()} contiguous parts on minima's worker threads and the
     * calling thread ({@code work}: the values the whole loop touches; below 2^15 it runs here alone). For element-wise
     * work whose result does not depend on the split, such as an optimizer's update.
     */
    public static void split(int n, long work, Range body) {
        Parallel.range(n, work, body::run); // Parallel.Body is package-private; Range is its public face
    }

    /**
     * Runs {@code body} with every GEMM and element-wise loop of the layers on the thread that calls it: for code that
     * splits its work over {@link #current()} threads of its own (data-parallel chunks), where the layers' own parallel
     * loops ({@link Parallel}, {@link Blas}) would only compete for the cores.
     */
    public static void withSingleThreadedBlas(Runnable body) {
        Parallel.serial = true;
        try {
            body.run();
        } finally {
            Parallel.serial = false;
        }
    }
}
