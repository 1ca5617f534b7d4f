package org.minima.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The registry of {@code minima bench} entries, in the order they run. Add new entries here. */
public final class Benchmarks {
    public static final List<Benchmark> ALL = List.of(
            new GemmBenchmark(),
            new F1Benchmark(),
            new HessianBench(),
            new SharpnessBench(),
            new BatchNormBench(),
            new TrainThroughput("f1"),
            new TrainThroughput("c1"),
            new TrainProfile(),
            new QuickReproduce());

    private Benchmarks() {}

    /** Median of the values (the mean of the middle two for an even count). */
    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** Seconds of each of {@code repeats} runs of {@code body} (after one untimed warm-up run). */
    public static double[] time(int repeats, Runnable body) {
        body.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        return t;
    }

    /**
     * CPU seconds of this thread for each of {@code repeats} runs (after a warm-up run). With one BLAS
     * thread, OpenBLAS computes in the calling thread, so this is the whole work, and unlike wall time it
     * hardly changes when other processes share the cores.
     */
    public static double[] cpuTime(int repeats, Runnable body) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        body.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = mx.getCurrentThreadCpuTime();
            body.run();
            t[i] = (mx.getCurrentThreadCpuTime() - start) / 1e9;
        }
        return t;
    }

    /** The names, for messages. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        for (Benchmark b : ALL) n.add(b.name());
        return n;
    }
}
