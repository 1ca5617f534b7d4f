package org.minima.nn;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits the element-wise loops of the layers (bias, batch norm, ReLU, pooling, im2col) over {@link Threads#current()}
 * threads, so they use every core as the GEMMs between them do. Each caller splits its loop so that every output value
 * and every sum is computed by one thread with the same terms in the same order as the loop on one thread (a column
 * sum is split by columns, not by rows): results are the same bits whatever the thread count.
 *
 * <p>Runs the body on the calling thread alone when the loop is small ({@link #MIN_WORK} values; a hand-off costs
 * about 10–20 µs), when called from one of its own threads, and inside {@link Threads#withSingleThreadedBlas} (code
 * that already runs its own threads, such as the analyzers' data-parallel objective).
 */
final class Parallel {
    /** Below this many values a loop runs on the calling thread: the hand-off would cost more than it saves. */
    static final long MIN_WORK = 1 << 15;

    /** A loop body over the part [from, to) of [0, n). */
    interface Body {
        void run(int from, int to);
    }

    private static final ThreadLocal<Boolean> WORKER = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(() -> {
            WORKER.set(true);
            r.run();
        }, "minima-parallel");
        t.setDaemon(true);
        return t;
    });
    /** Set by {@link Threads#withSingleThreadedBlas}: the caller runs its own threads, so loops stay on each thread. */
    static volatile boolean serial;

    private Parallel() {}

    /** One part of a data-parallel pass. */
    interface Part {
        void run(int part);
    }

    /**
     * How many parts a data-parallel pass over {@code units} independent pieces of work should have: one per thread, at
     * most one per unit; 1 when it would not pay ({@code work} values below {@link #MIN_WORK}) or when called inside
     * other parallel code.
     */
    static int parts(int units, long work) {
        if (serial || WORKER.get() || work < MIN_WORK) return 1;
        return Math.max(1, Math.min(units, Threads.current()));
    }

    /**
     * Runs parts 0..parts−1 of a data-parallel pass, part 0 on the calling thread, with each part's GEMMs
     * ({@link Blas}) and {@link #range} loops on the part's thread. One part: runs it as it is (its GEMMs and loops
     * then split themselves).
     */
    static void parts(int parts, Part body) {
        if (parts <= 1) {
            body.run(0);
            return;
        }
        WORKER.set(true);
        try {
            Future<?>[] f = new Future<?>[parts - 1];
            for (int p = 1; p < parts; p++) {
                int part = p;
                f[p - 1] = POOL.submit(() -> body.run(part));
            }
            join(f, () -> body.run(0));
        } finally {
            WORKER.set(false);
        }
    }

    /** Runs {@code first} here, then waits for every future; rethrows the first failure (after all have ended). */
    private static void join(Future<?>[] f, Runnable first) {
        RuntimeException failure = null;
        try {
            first.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> x : f) {
            try {
                x.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted", e);
            }
        }
        if (failure != null) throw failure;
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link Threads#current()} contiguous parts, part 0 on the calling thread;
     * {@code work} is the number of values the whole loop touches (to decide whether splitting pays). Returns when
     * every part is done.
     */
    static void range(int n, long work, Body body) {
        int parts = Math.min(n, Threads.current());
        if (parts <= 1 || work < MIN_WORK || serial || WORKER.get()) {
            body.run(0, n);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] f = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
            f[p - 1] = POOL.submit(() -> body.run(from, to));
        }
        join(f, () -> body.run(0, (int) ((long) n / parts)));
    }
}
