package org.minima.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minima.analysis.HessianOperator;
import org.minima.analysis.Lanczos;
import org.minima.analysis.NetworkObjective;
import org.minima.analysis.PowerIteration;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.nn.Network;
import org.minima.nn.Presets;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Hessian analyzer's performance bar (issue 7): F1 on the first 10,000 Fashion-MNIST training examples,
 * float64, after one epoch of plain SGD from PyTorch's initialization (seed 1; batch 256, learning rate 0.1)
 * so that the point is a partly trained network rather than the initialization. Measures, in
 * Hessian-vector products: Lanczos for the top eigenvalue and for the top 5 to a relative residual of 1e-3
 * (the products to verify the residuals included), and the power-iteration baseline (PyHessian's
 * deflated power iteration) to the same residual; and the wall time of one product.
 */
public final class HessianBench implements Benchmark {
    public static final int EXAMPLES = 10_000;
    public static final double TOLERANCE = 1e-3;

    /** What one run measured. */
    public record Figures(long lanczosTop1Hvps, double lanczosTop1, double lanczosTop1RelResidual,
                          long lanczosTop5Hvps, double[] lanczosTop5, double lanczosTop5MaxRelResidual,
                          long powerTop1Hvps, double powerTop1, long powerTop5Hvps, double[] powerTop5,
                          double secondsPerHvp, long parameters) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lanczosTop1Hvps", lanczosTop1Hvps);
            m.put("lanczosTop1", lanczosTop1);
            m.put("lanczosTop1RelResidual", lanczosTop1RelResidual);
            m.put("lanczosTop5Hvps", lanczosTop5Hvps);
            m.put("lanczosTop5", lanczosTop5);
            m.put("lanczosTop5MaxRelResidual", lanczosTop5MaxRelResidual);
            m.put("powerTop1Hvps", powerTop1Hvps);
            m.put("powerTop1", powerTop1);
            m.put("powerTop5Hvps", powerTop5Hvps);
            m.put("powerTop5", powerTop5);
            m.put("secondsPerHvp", secondsPerHvp);
            m.put("parameters", parameters);
            return m;
        }
    }

    public HessianBench() {}

    @Override public String name() { return "hessian"; }

    @Override public String description() {
        return "F1 Hessian on 10,000 Fashion-MNIST examples: HVPs of Lanczos vs power iteration to a 1e-3 residual";
    }

    /**
     * The counts are deterministic (seeded), so they are measured once; the wall time of one product is the
     * median of {@code repeats}. The power baseline's top 5 can take a few hundred products.
     */
    @Override
    public List<Row> run(int repeats) {
        Figures f = run(true);
        DataSet data = DataSets.load("fashion-mnist:train", EXAMPLES);
        Network net = trainedF1(data);
        NetworkObjective obj = new NetworkObjective(net, data, 1000);
        INDArray w = net.parameters();
        INDArray v = Nd4j.rand(DataType.DOUBLE, w.length()).subi(0.5);
        INDArray hv = Nd4j.create(DataType.DOUBLE, w.length());
        double perHvp = Benchmarks.median(Benchmarks.time(repeats, () -> obj.hessianVector(w, v, hv)));
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Lanczos top-1 HVPs", f.lanczosTop1Hvps(), "HVPs",
                String.format(Locale.ROOT, "bar <= 25; λ₁ %.6g, relative residual %.2g", f.lanczosTop1(), f.lanczosTop1RelResidual())));
        rows.add(new Row("Lanczos top-5 HVPs", f.lanczosTop5Hvps(), "HVPs",
                String.format(Locale.ROOT, "bar <= 60; largest relative residual %.2g", f.lanczosTop5MaxRelResidual())));
        rows.add(new Row("power top-1 HVPs", f.powerTop1Hvps(), "HVPs", "PyHessian's deflated power iteration, same residual"));
        rows.add(new Row("power top-5 HVPs", f.powerTop5Hvps(), "HVPs", "same residual (deflated operator)"));
        rows.add(new Row("power / Lanczos top-1", (double) f.powerTop1Hvps() / f.lanczosTop1Hvps(), "x", ""));
        rows.add(new Row("power / Lanczos top-5", (double) f.powerTop5Hvps() / f.lanczosTop5Hvps(), "x", ""));
        rows.add(new Row("H·v float64", perHvp, "s", "wall time of one product, median"));
        return rows;
    }

    /** The benchmark's point: F1 after one SGD epoch on {@code data}. Cost: one epoch of training. */
    public static Network trainedF1(DataSet data) {
        Network net = Network.create(Presets.build("f1"), DataType.DOUBLE);
        net.initialize(1);
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        INDArray grad = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        for (int from = 0; from < data.size(); from += 256) {
            net.trainStep(data, order, from, Math.min(data.size(), from + 256), from, grad);
            net.parameters().subi(grad.muli(0.1));
        }
        return net;
    }

    /** Runs everything once; {@code withPower} false skips the (slow) power-iteration baseline. */
    public static Figures run(boolean withPower) {
        return run(withPower, EXAMPLES, (p, s) -> {});
    }

    /** As {@link #run(boolean)}, telling {@code progress} about every product. */
    public static Figures run(boolean withPower, int examples, HessianOperator.Listener progress) {
        DataSet train = DataSets.load("fashion-mnist:train", EXAMPLES);
        Network net = trainedF1(train);
        DataSet data = train.head(examples);
        NetworkObjective f = new NetworkObjective(net, data, 1000);
        INDArray w = net.parameters();

        HessianOperator h = operator(f, w, progress);
        long t0 = System.nanoTime();
        Lanczos.Result top1 = Lanczos.run(h, new Lanczos.Options(1, 0, TOLERANCE, 100, 1, 1, false, 0));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perHvp = seconds / top1.hvps();

        h = operator(f, w, progress);
        Lanczos.Result top5 = Lanczos.run(h, new Lanczos.Options(5, 0, TOLERANCE, 100, 1, 1, false, 0));
        double worst = 0;
        for (int i = 0; i < 5; i++) worst = Math.max(worst, top5.residuals()[i] / Math.abs(top5.eigenvalues()[0]));

        long p1 = -1, p5 = -1;
        double pv1 = Double.NaN;
        double[] pv5 = new double[0];
        if (withPower) {
            PowerIteration.Result r1 = PowerIteration.run(operator(f, w, progress),
                    new PowerIteration.Options(1, 1000, TOLERANCE, PowerIteration.Stop.RESIDUAL, 1));
            p1 = r1.hvps();
            pv1 = r1.eigenvalues()[0];
            PowerIteration.Result r5 = PowerIteration.run(operator(f, w, progress),
                    new PowerIteration.Options(5, 1000, TOLERANCE, PowerIteration.Stop.RESIDUAL, 1));
            p5 = r5.hvps();
            pv5 = r5.eigenvalues();
        }
        return new Figures(top1.hvps(), top1.eigenvalues()[0], top1.residuals()[0] / Math.abs(top1.eigenvalues()[0]),
                top5.hvps(), top5.eigenvalues(), worst, p1, pv1, p5, pv5, perHvp, f.dimension());
    }

    private static HessianOperator operator(NetworkObjective f, INDArray w, HessianOperator.Listener progress) {
        HessianOperator h = new HessianOperator(f, w);
        h.setListener(progress);
        return h;
    }

    /** The power-iteration baseline alone: products to the top 1 and the top 5 at the same residual as Lanczos. */
    public static PowerIteration.Result[] powerBaseline(int examples, HessianOperator.Listener progress) {
        DataSet train = DataSets.load("fashion-mnist:train", EXAMPLES);
        Network net = trainedF1(train);
        DataSet data = train.head(examples);
        NetworkObjective f = new NetworkObjective(net, data, 1000);
        INDArray w = net.parameters();
        PowerIteration.Result r1 = PowerIteration.run(operator(f, w, progress),
                new PowerIteration.Options(1, 1000, TOLERANCE, PowerIteration.Stop.RESIDUAL, 1));
        PowerIteration.Result r5 = PowerIteration.run(operator(f, w, progress),
                new PowerIteration.Options(5, 1000, TOLERANCE, PowerIteration.Stop.RESIDUAL, 1));
        return new PowerIteration.Result[] {r1, r5};
    }

    /**
     * {@code java -cp minima.jar org.minima.bench.HessianBench [all|lanczos|power] [threads] [examples]}: prints
     * the figures (examples default to 10,000; fewer make a quick proxy whose HVP counts differ somewhat).
     */
    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        if (args.length > 1) org.minima.nn.Threads.configure(Integer.parseInt(args[1]));
        int examples = args.length > 2 ? Integer.parseInt(args[2]) : EXAMPLES;
        long t0 = System.nanoTime();
        HessianOperator.Listener progress = (p, s) -> System.err.printf(Locale.ROOT, "%.1f s: %d HVPs, %s%n", (System.nanoTime() - t0) / 1e9, p, s);
        if ("power".equals(what)) {
            PowerIteration.Result[] r = powerBaseline(examples, progress);
            System.out.println("powerTop1Hvps = " + r[0].hvps() + ", eigenvalue " + r[0].eigenvalues()[0] + ", residual " + r[0].residuals()[0]);
            System.out.println("powerTop5Hvps = " + r[1].hvps() + ", eigenvalues " + java.util.Arrays.toString(r[1].eigenvalues())
                    + ", iterations " + java.util.Arrays.toString(r[1].iterations()) + ", residuals " + java.util.Arrays.toString(r[1].residuals()));
            return;
        }
        Figures fig = run(!"lanczos".equals(what), examples, progress);
        fig.asMap().forEach((k, v) -> System.out.println(k + " = "
                + (v instanceof double[] a ? java.util.Arrays.toString(a) : String.format(Locale.ROOT, "%s", v))));
    }
}
