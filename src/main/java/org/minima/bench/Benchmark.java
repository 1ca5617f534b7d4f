package org.minima.bench;

import java.util.List;

/**
 * One entry of {@code minima bench}: it times something {@code repeats} times and reports medians.
 * Register new entries in {@link Benchmarks#ALL}.
 */
public interface Benchmark {
    /** Short name for {@code --only} (e.g. {@code gemm}, {@code f1}). */
    String name();

    /** One line on what it measures (for the table's heading and docs). */
    String description();

    /** Runs it; each row is one figure (a median over the repeats, or a ratio of medians). */
    List<Row> run(int repeats);

    /** A reported figure: {@code metric} (e.g. "dgemm 2048"), its median, the unit, and a note. */
    record Row(String metric, double median, String unit, String extra) {}
}
