package org.minima.bench;

import java.util.ArrayList;
import java.util.List;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.ModelSpec;
import org.minima.nn.Network;
import org.minima.nn.Presets;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keskar's F1 on 10,000 Fashion-MNIST training examples: seconds for one full gradient and one exact
 * Hessian-vector product of the inference-mode mean loss, in float64 and float32, their ratio, and
 * the gradient's GEMM work as a fraction of the GEMM peak. The bars (docs/benchmarks.md): H·v at most
 * 3 gradients; the float64 gradient within 1.5× of the time its GEMM flops need at peak. With
 * {@code --threads 1} it also reports the calling thread's CPU time, which a busy machine hardly changes.
 */
public final class F1Benchmark implements Benchmark {
    static final int EXAMPLES = 10_000;
    /** Examples per chunk of NetworkObjective: large enough for efficient GEMMs; 4 MB of float64 activations per 512-wide layer boundary. */
    static final int CHUNK = 1_000;

    @Override public String name() { return "f1"; }

    @Override public String description() { return "F1 gradient and H·v over 10,000 Fashion-MNIST examples"; }

    @Override
    public List<Row> run(int repeats) {
        DataSet data = DataSets.load("fashion-mnist:train", EXAMPLES);
        List<Row> rows = new ArrayList<>();
        for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            String p = dtype == DataType.DOUBLE ? "float64" : "float32";
            Network net = Network.create(Presets.build("f1"), dtype);
            net.initialize(1);
            NetworkObjective f = new NetworkObjective(net, data, CHUNK);
            INDArray w = net.parameters(), g = Nd4j.create(dtype, w.length()), hv = Nd4j.create(dtype, w.length());
            INDArray v = Nd4j.rand(dtype, w.length()).subi(0.5);
            double grad = Benchmarks.median(Benchmarks.time(repeats, () -> f.valueAndGradient(w, g)));
            double hvp = Benchmarks.median(Benchmarks.time(repeats, () -> f.hessianVector(w, v, hv)));
            double flops = gradientGemmFlops(net.spec(), data.size());
            double atPeak = flops / (GemmBenchmark.peak(dtype, repeats) * 1e9);
            rows.add(new Row("gradient " + p, grad, "s", String.format("%.1f GFLOP in GEMMs", flops / 1e9)));
            rows.add(new Row("H·v " + p, hvp, "s", ""));
            rows.add(new Row("H·v / gradient " + p, hvp / grad, "x", dtype == DataType.DOUBLE ? "bar <= 3.0 (issue 4), <= 2.5 (issue 15)" : "bar <= 2.5 (issue 15); GEMM flops alone 2.43"));
            rows.add(new Row("gradient / GEMM-peak time " + p, grad / atPeak, "x",
                    String.format("%.3f s at peak%s", atPeak, dtype == DataType.DOUBLE ? "; bar <= 1.5" : "")));
            if (org.minima.nn.Threads.current() == 1) {
                // With one thread the calling thread does all the work: CPU time is robust to a busy machine.
                double cg = Benchmarks.median(Benchmarks.cpuTime(repeats, () -> f.valueAndGradient(w, g)));
                double ch = Benchmarks.median(Benchmarks.cpuTime(repeats, () -> f.hessianVector(w, v, hv)));
                double cpuAtPeak = flops / (GemmBenchmark.cpuPeak(dtype, repeats) * 1e9);
                rows.add(new Row("gradient " + p + " (thread CPU)", cg, "s", ""));
                rows.add(new Row("H·v " + p + " (thread CPU)", ch, "s", ""));
                rows.add(new Row("H·v / gradient " + p + " (thread CPU)", ch / cg, "x", dtype == DataType.DOUBLE ? "bar <= 3.0" : ""));
                rows.add(new Row("gradient / GEMM-peak " + p + " (thread CPU)", cg / cpuAtPeak, "x",
                        String.format("%.3f s at peak%s", cpuAtPeak, dtype == DataType.DOUBLE ? "; bar <= 1.5" : "")));
            }
        }
        return rows;
    }

    /**
     * GEMM flops of one gradient: each linear layer does y = x·Wᵀ and ∂L/∂W = dyᵀ·x, and every one but
     * the first also ∂L/∂x = dy·W, each 2·N·in·out flops.
     */
    static double gradientGemmFlops(ModelSpec spec, int n) {
        double flops = 0;
        boolean first = true;
        for (ModelSpec.Layer l : spec.layers()) {
            if (l instanceof ModelSpec.Linear lin) {
                flops += (first ? 2 : 3) * 2.0 * n * lin.in() * lin.out();
                first = false;
            }
        }
        return flops;
    }
}
