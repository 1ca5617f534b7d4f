package org.minima.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per phase of the network's passes (GEMMs, batch norm, ReLU, im2col, ...), for the {@code profile}
 * benchmark. Off unless a benchmark turns it on; then each timed phase costs two {@code nanoTime} calls. Phases
 * are only recorded on the thread that runs the pass (a parallel loop is timed as a whole), so no locking.
 */
public final class Profile {
    private static boolean on;
    /** The thread that turned recording on: only its phases are recorded (data-parallel parts time part 0). */
    private static Thread owner;
    /** Measure the owner thread's CPU time instead of wall time (with one thread, the whole work, and robust to load). */
    private static boolean cpu;
    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final Map<String, long[]> NANOS = new LinkedHashMap<>();

    private Profile() {}

    /** Turns recording on or off and clears what was recorded. */
    public static void enable(boolean enabled) {
        enable(enabled, false);
    }

    /** As {@link #enable(boolean)}; {@code cpuTime}: record the calling thread's CPU time (about 1 µs a reading) instead of wall time. */
    public static void enable(boolean enabled, boolean cpuTime) {
        on = enabled;
        cpu = cpuTime;
        owner = Thread.currentThread();
        NANOS.clear();
    }

    /** Seconds per phase recorded since {@link #enable}, in the order the phases first ran. */
    public static Map<String, Double> seconds() {
        Map<String, Double> m = new LinkedHashMap<>();
        NANOS.forEach((k, v) -> m.put(k, v[0] / 1e9));
        return m;
    }

    /** For phases outside this package (the optimizer's step): adds the time since {@code t0} (a {@code nanoTime}) when on. */
    public static void record(String phase, long t0) {
        if (on) add(phase, t0);
    }

    /** The clock phases are measured on: a {@code nanoTime}, or the thread's CPU nanoseconds when so enabled. */
    public static long now() {
        return cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** A start time for {@link #add}, or 0 when off. */
    static long start() {
        return on && Thread.currentThread() == owner ? now() : 0;
    }

    /** Adds the time since {@code t0} (from {@link #start}) to {@code phase}; returns the new start for the next phase. */
    static long add(String phase, long t0) {
        if (!on || Thread.currentThread() != owner) return 0;
        long now = now();
        NANOS.computeIfAbsent(phase, k -> new long[1])[0] += now - t0;
        return now;
    }
}
