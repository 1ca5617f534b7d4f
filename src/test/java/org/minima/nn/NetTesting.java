package org.minima.nn;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers for the network tests (and the objective contract in analysis): random data, random weights, central differences. */
public final class NetTesting {
    private NetTesting() {}

    static ModelSpec spec(int[] input, int classes, ModelSpec.Layer... layers) {
        return new ModelSpec(input, classes, ModelSpec.Preprocess.IDENTITY, List.of(layers));
    }

    /** n examples of standard normal features and uniform labels. */
    public static DataSet randomData(int n, int[] shape, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int f = 1;
        for (int d : shape) f *= d;
        float[] x = new float[n * f];
        for (int i = 0; i < x.length; i++) x[i] = (float) gaussian(r);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
        return new DataSet("random", shape, classes, x, y);
    }

    public static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** A float64 network with PyTorch init from {@code seed}, then every BN's running stats made non-trivial. */
    public static Network network(ModelSpec spec, long seed) {
        Network net = Network.create(spec, DataType.DOUBLE);
        net.initialize(seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        INDArray b = net.buffers();
        // buffers: per BN layer running_mean (C values) then running_var (C values); keep variances positive
        for (long i = 0; i < b.length(); i++) b.putScalar(i, 0.5 + r.nextDouble());
        // BN weights away from 1 and biases away from 0, so their derivatives are exercised
        INDArray p = net.parameters();
        for (long i = 0; i < p.length(); i++) p.putScalar(i, p.getDouble(i) + 0.1 * gaussian(r));
        return net;
    }

    public static INDArray randomVector(long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray v = Nd4j.create(DataType.DOUBLE, n);
        for (long i = 0; i < n; i++) v.putScalar(i, gaussian(r));
        return v;
    }

    /** Central differences (f(w + h·eᵢ) − f(w − h·eᵢ)) / 2h of f at w, for every coordinate. */
    public static double[] centralDifferences(ToDoubleFunction<INDArray> f, INDArray w, double h) {
        double[] g = new double[(int) w.length()];
        INDArray x = w.dup();
        for (int i = 0; i < g.length; i++) {
            double wi = w.getDouble(i);
            x.putScalar(i, wi + h);
            double plus = f.applyAsDouble(x);
            x.putScalar(i, wi - h);
            double minus = f.applyAsDouble(x);
            x.putScalar(i, wi);
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return Math.sqrt(s);
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double[] values(INDArray a) {
        return a.dup().data().asDouble();
    }

    /** Inference-mode gradient from NetworkObjective against central differences of its value (h = 1e-5), every coordinate. */
    static void assertInferenceGradientMatchesDifferences(Network net, DataSet data, int chunk, double rel) {
        org.minima.analysis.NetworkObjective f = new org.minima.analysis.NetworkObjective(net, data, chunk);
        INDArray w = net.parameters().dup();
        INDArray g = Nd4j.create(DataType.DOUBLE, w.length());
        f.valueAndGradient(w, g);
        double[] expected = centralDifferences(f::value, w, 1e-5);
        double err = maxAbsDiff(expected, values(g));
        org.junit.jupiter.api.Assertions.assertTrue(err <= rel * norm(expected),
                "max |analytic − FD| = " + err + ", ‖FD‖ = " + norm(expected));
    }

    /** ∇f at w, from the objective. */
    static INDArray gradient(org.minima.analysis.NetworkObjective f, INDArray w) {
        INDArray g = Nd4j.create(DataType.DOUBLE, w.length());
        f.valueAndGradient(w, g);
        return g;
    }

    /** H·v at w, from the objective. */
    static INDArray hv(org.minima.analysis.NetworkObjective f, INDArray w, INDArray v) {
        INDArray out = Nd4j.create(DataType.DOUBLE, w.length());
        f.hessianVector(w, v, out);
        return out;
    }

    /**
     * The full Hessian built column by column from H·eᵢ against the finite-difference Hessian, column i ≈
     * (∇f(w + h·eᵢ) − ∇f(w − h·eᵢ)) / 2h (h = 1e-5), to 1e-6 of the largest column norm; and its symmetry, which the
     * R-passes do not impose, to {@code asymmetry} of it.
     */
    static void assertFullHessianMatchesDifferences(org.minima.analysis.NetworkObjective f, INDArray w, double asymmetry) {
        int p = (int) w.length();
        double[][] exact = new double[p][], fd = new double[p][];
        double h = 1e-5, scale = 0;
        for (int i = 0; i < p; i++) {
            INDArray e = Nd4j.create(DataType.DOUBLE, p);
            e.putScalar(i, 1.0);
            exact[i] = values(hv(f, w, e));
            fd[i] = values(gradient(f, w.add(e.mul(h))).sub(gradient(f, w.sub(e.mul(h)))).div(2 * h));
            scale = Math.max(scale, norm(fd[i]));
        }
        double worst = 0, asym = 0;
        for (int i = 0; i < p; i++) {
            worst = Math.max(worst, maxAbsDiff(exact[i], fd[i]));
            for (int j = 0; j < p; j++) asym = Math.max(asym, Math.abs(exact[i][j] - exact[j][i]));
        }
        org.junit.jupiter.api.Assertions.assertTrue(worst <= 1e-6 * scale, "max |H − H_fd| = " + worst + " (largest column norm " + scale + ")");
        org.junit.jupiter.api.Assertions.assertTrue(asym <= asymmetry * scale, "max |H − Hᵀ| = " + asym);
    }

    /**
     * trainStep's gradient of the rows order[from..to) (dropout masks fixed by {@code seed}) against central differences
     * (h = 1e-5) of its mean loss with the same seed, to 1e-7 of the differences' norm.
     */
    static void assertTrainStepGradientMatchesDifferences(Network net, DataSet data, int[] order, int from, int to, long seed) {
        INDArray w = net.parameters().dup();
        INDArray g = Nd4j.create(DataType.DOUBLE, w.length());
        net.trainStep(data, order, from, to, seed, g);
        double[] expected = centralDifferences(x -> {
            net.parameters().assign(x);
            return net.trainStep(data, order, from, to, seed, null).loss();
        }, w, 1e-5);
        double err = maxAbsDiff(expected, values(g));
        org.junit.jupiter.api.Assertions.assertTrue(err <= 1e-7 * norm(expected), "max |analytic − FD| = " + err + ", ‖FD‖ = " + norm(expected));
    }

    /** uᵀ(Hv) = vᵀ(Hu) at w for u, v = randomVector(seeds uSeed, vSeed): symmetry the R-operator passes do not build in. */
    static void assertBilinearFormSymmetric(org.minima.analysis.NetworkObjective f, INDArray w, long uSeed, long vSeed) {
        INDArray u = randomVector(w.length(), uSeed), v = randomVector(w.length(), vSeed);
        double uHv = u.mul(hv(f, w, v)).sumNumber().doubleValue();
        double vHu = v.mul(hv(f, w, u)).sumNumber().doubleValue();
        org.junit.jupiter.api.Assertions.assertEquals(uHv, vHu, 1e-10 * Math.max(1, Math.abs(uHv)));
    }
}
