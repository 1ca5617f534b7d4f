package org.minima.bench;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's GEMM peak as the network code sees it: one 2048×2048×2048 product (2·2048³ flops) in
 * float64 and float32 through {@link org.minima.nn.Blas} (OpenBLAS on one thread a block of C, one block per thread).
 * The other entries compare their work against this.
 */
public final class GemmBenchmark implements Benchmark {
    static final int N = 2048;
    private static final Map<DataType, Double> PEAK = new EnumMap<>(DataType.class), CPU_PEAK = new EnumMap<>(DataType.class);

    @Override public String name() { return "gemm"; }

    @Override public String description() { return "GEMM peak: C = A·Bᵀ, 2048×2048, float64 and float32"; }

    @Override
    public List<Row> run(int repeats) {
        double d = measure(DataType.DOUBLE, repeats), s = measure(DataType.FLOAT, repeats);
        List<Row> rows = new java.util.ArrayList<>(List.of(
                new Row("dgemm 2048", d, "GFLOP/s", "float64"),
                new Row("sgemm 2048", s, "GFLOP/s", "float32"),
                new Row("sgemm / dgemm", s / d, "x", "")));
        if (org.minima.nn.Threads.current() == 1) {
            rows.add(new Row("dgemm 2048 (thread CPU)", cpuPeak(DataType.DOUBLE, repeats), "GFLOP/s", "per CPU second"));
            rows.add(new Row("sgemm 2048 (thread CPU)", cpuPeak(DataType.FLOAT, repeats), "GFLOP/s", "per CPU second"));
        }
        return rows;
    }

    /** GFLOP per CPU second of this thread (meaningful with one BLAS thread); remembered. */
    static synchronized double cpuPeak(DataType dtype, int repeats) {
        Double p = CPU_PEAK.get(dtype);
        if (p != null) return p;
        double gflops = gflops(dtype, repeats, true);
        CPU_PEAK.put(dtype, gflops);
        return gflops;
    }

    /** GFLOP/s of one 2048³ product (median of {@code repeats}); remembered for {@link #peak}. */
    static synchronized double measure(DataType dtype, int repeats) {
        double gflops = gflops(dtype, repeats, false);
        PEAK.put(dtype, gflops);
        return gflops;
    }

    /** GFLOP per second of one 2048³ product, median of {@code repeats}: per CPU second of this thread if {@code cpu}, else per wall second. */
    private static double gflops(DataType dtype, int repeats, boolean cpu) {
        INDArray a = Nd4j.rand(dtype, N, N), b = Nd4j.rand(dtype, N, N), c = Nd4j.create(dtype, N, N);
        Runnable gemm = () -> org.minima.nn.Blas.gemm(a, b, true, c, 1.0, 0.0); // as the networks make their products
        double t = Benchmarks.median(cpu ? Benchmarks.cpuTime(repeats, gemm) : Benchmarks.time(repeats, gemm));
        return 2.0 * N * N * (double) N / t / 1e9;
    }

    /** The measured peak in GFLOP/s (measures it now if this run has not). */
    static synchronized double peak(DataType dtype, int repeats) {
        Double p = PEAK.get(dtype);
        return p != null ? p : measure(dtype, repeats);
    }
}
