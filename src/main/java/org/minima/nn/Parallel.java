package org.minima.nn;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits the element-wise loops of the layers (bias, batch norm, ReLU, pooling, im2col), the GEMMs ({@link Blas}) and
 * the optimizers' updates over {@link Threads#current()} threads, so they use every core. Each caller splits its loop
 * so that every output value and every sum is computed by one thread with the same terms in the same order as the
 * loop on one thread (a column sum is split by columns, not by rows): results are the same bits whatever the thread
 * count (the GEMMs are the exception, docs/nn.md "GEMMs").
 *
 * <p>The parts run on a crew of {@code Threads.current() − 1} daemon workers and the calling thread. A worker that
 * finishes waits for the next part by spinning for up to {@link #SPIN_NANOS} before it parks, and the caller spins
 * while it waits for the workers: a training step hands out 30–40 parts of 0.1–4 ms each, and waking a parked thread
 * cost 50–90 µs here (a thread pool's hand-off), against about a microsecond for a spinning one. The spin holds a core
 * that nothing else of ours needs at that moment (OpenBLAS runs on one thread, {@link Threads}); with more threads
 * than cores the workers park at once.
 *
 * <p>Runs the body on the calling thread alone when the loop is small ({@link #MIN_WORK} values), when called from
 * one of its own workers, when another thread is using the crew, and inside {@link Threads#withSingleThreadedBlas}
 * (code that already runs its own threads, such as the analyzers' data-parallel objective).
 */
final class Parallel {
    /** Below this many values a loop runs on the calling thread: the hand-off would cost more than it saves. */
    static final long MIN_WORK = 1 << 15;
    /** How long a worker spins for its next part before it parks: 200 µs. */
    static final long SPIN_NANOS = 200_000;

    /** A loop body over the part [from, to) of [0, n). */
    interface Body {
        void run(int from, int to);
    }

    private static final ThreadLocal<Boolean> WORKER = ThreadLocal.withInitial(() -> false);
    /** Set by {@link Threads#withSingleThreadedBlas}: the caller runs its own threads, so loops stay on each thread. */
    static volatile boolean serial;
    /** One caller at a time hands out parts; another finds the crew busy and runs its loop alone. */
    private static final ReentrantLock CREW_LOCK = new ReentrantLock();
    private static Worker[] crew = new Worker[0];

    private Parallel() {}

    /** One part of a data-parallel pass. */
    interface Part {
        void run(int part);
    }

    /** A worker of the crew: runs the part put into {@link #slot}, then spins for the next one, then parks. */
    private static final class Worker extends Thread {
        volatile Part body;
        volatile int part;
        /** Set (after body and part) to hand out a part; the worker clears it when it takes it. */
        volatile boolean slot;
        /** Set when the part has run (failure first, when it threw). */
        volatile boolean done = true;
        volatile Throwable failure;

        Worker(int i) {
            super("minima-parallel-" + i);
            setDaemon(true);
        }

        @Override
        public void run() {
            WORKER.set(true);
            while (true) {
                long spinUntil = System.nanoTime() + (Threads.current() <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0);
                while (!slot) {
                    if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                slot = false;
                try {
                    body.run(part);
                } catch (Throwable e) {
                    failure = e;
                }
                body = null;
                done = true;
            }
        }
    }

    /** The crew for {@code threads − 1} workers (grown when the thread count grows). Called under {@link #CREW_LOCK}. */
    private static Worker[] crew(int workers) {
        if (crew.length < workers) {
            Worker[] grown = java.util.Arrays.copyOf(crew, workers);
            for (int i = crew.length; i < workers; i++) {
                grown[i] = new Worker(i + 1);
                grown[i].start();
            }
            crew = grown;
        }
        return crew;
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
     * ({@link Blas}) and {@link #range} loops on the part's thread; returns when all have run, rethrowing the first
     * failure. One part, or the crew busy with another caller's parts: runs them all here, in order.
     */
    static void parts(int parts, Part body) {
        if (parts <= 1) {
            body.run(0);
            return;
        }
        if (WORKER.get() || !CREW_LOCK.tryLock()) { // inside a part, or another thread's parts are out: all here, in order
            for (int p = 0; p < parts; p++) body.run(p);
            return;
        }
        try {
            Worker[] w = crew(parts - 1);
            for (int p = 1; p < parts; p++) {
                Worker x = w[p - 1];
                x.failure = null;
                x.done = false;
                x.body = body;
                x.part = p;
                x.slot = true;
                LockSupport.unpark(x);
            }
            Throwable failure = null;
            WORKER.set(true);
            try {
                body.run(0);
            } catch (Throwable e) {
                failure = e;
            } finally {
                WORKER.set(false);
            }
            for (int p = 1; p < parts; p++) {
                Worker x = w[p - 1];
                long spins = 0;
                while (!x.done) {
                    if (++spins < 100_000) Thread.onSpinWait();
                    else LockSupport.parkNanos(20_000); // a long part: stop spinning, look again every 20 µs
                }
                if (failure == null) failure = x.failure;
            }
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error er) throw er;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            CREW_LOCK.unlock();
        }
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
        parts(parts, p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }
}
