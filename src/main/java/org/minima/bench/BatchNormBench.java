package org.minima.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.nn.BatchNormMode;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 17's bar for batch-norm batch mode: on F1 over the first 10,000 Fashion-MNIST training examples in float64
 * (the Hessian bench's point, {@link HessianBench#trainedF1}), a batch-mode Hessian-vector product (batches of 1000,
 * R-passes through the batch mean and variance) must take at most 3.0 × a batch-mode gradient. Running mode's two
 * times beside them show what batch mode costs.
 */
public final class BatchNormBench implements Benchmark {
    public static final int EXAMPLES = 10_000;
    public static final int BN_BATCH = 1000;

    @Override public String name() { return "bn-batch"; }

    @Override public String description() {
        return "F1 on 10,000 Fashion-MNIST examples, float64: batch-mode (bnBatch 1000) H·v against a batch-mode gradient";
    }

    @Override
    public List<Row> run(int repeats) {
        DataSet data = DataSets.load("fashion-mnist:train", EXAMPLES);
        Network net = HessianBench.trainedF1(data);
        INDArray w = net.parameters();
        INDArray v = Nd4j.rand(DataType.DOUBLE, w.length()).subi(0.5);
        INDArray out = Nd4j.create(DataType.DOUBLE, w.length());
        List<Row> rows = new ArrayList<>();
        double[] ratio = new double[2];
        for (BatchNormMode bn : List.of(BatchNormMode.batch(BN_BATCH), BatchNormMode.RUNNING)) {
            NetworkObjective f = new NetworkObjective(net, data, BN_BATCH, bn);
            double g = Benchmarks.median(Benchmarks.time(repeats, () -> f.valueAndGradient(w, out)));
            double h = Benchmarks.median(Benchmarks.time(repeats, () -> f.hessianVector(w, v, out)));
            String mode = bn.key();
            rows.add(new Row("gradient, " + mode, g, "s", "median wall time"));
            rows.add(new Row("H·v, " + mode, h, "s", "median wall time"));
            rows.add(new Row("H·v / gradient, " + mode, h / g, "x", bn.batchStatistics() ? "bar <= 3.0" : ""));
            ratio[bn.batchStatistics() ? 0 : 1] = h;
            if (Threads.current() == 1) {
                // one thread does all the work: its CPU time hardly changes when other processes share the cores
                double cg = Benchmarks.median(Benchmarks.cpuTime(repeats, () -> f.valueAndGradient(w, out)));
                double ch = Benchmarks.median(Benchmarks.cpuTime(repeats, () -> f.hessianVector(w, v, out)));
                rows.add(new Row("H·v / gradient, " + mode + " (thread CPU)", ch / cg, "x",
                        String.format(Locale.ROOT, "%.3f s / %.3f s", ch, cg) + (bn.batchStatistics() ? "; bar <= 3.0" : "")));
            }
        }
        rows.add(new Row("H·v batch / running", ratio[0] / ratio[1], "x",
                "what batch mode's R-passes through the statistics cost"));
        return rows;
    }
}
