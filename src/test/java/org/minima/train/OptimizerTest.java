package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Optimizer steps on f(w) = ½·a·(w − c)², a = 2, c = 1, from w = 3 (∇f = a(w − c)), against updates
 * worked out by hand from the papers' formulas, written below as plain arithmetic.
 */
class OptimizerTest {
    private static final double A = 2, C = 1;

    private static double[] run(Optimizer opt, DataType dtype, double w0, double lr, int steps) {
        INDArray w = Nd4j.create(new double[] {w0}).castTo(dtype);
        INDArray g = Nd4j.zeros(dtype, 1);
        double[] out = new double[steps];
        for (int s = 0; s < steps; s++) {
            g.putScalar(0, A * (w.getDouble(0) - C));
            opt.step(w, g, lr);
            out[s] = w.getDouble(0);
        }
        return out;
    }

    @Test
    void plainSgdStepsAreWMinusLrTimesGradient() {
        // g0 = 2·2 = 4 → w1 = 3 − 0.1·4 = 2.6; g1 = 3.2 → w2 = 2.6 − 0.32 = 2.28
        double[] w = run(new Sgd(1, DataType.DOUBLE, 0, false, 0, false), DataType.DOUBLE, 3, 0.1, 2);
        assertArrayEquals(new double[] {2.6, 2.28}, w, 1e-12);
    }

    @Test
    void heavyBallMomentumMatchesHandComputedSteps() {
        // v1 = 4, w1 = 3 − 0.4 = 2.6; g1 = 3.2, v2 = 0.9·4 + 3.2 = 6.8, w2 = 2.6 − 0.68 = 1.92;
        // g2 = 1.84, v3 = 0.9·6.8 + 1.84 = 7.96, w3 = 1.92 − 0.796 = 1.124
        double[] w = run(new Sgd(1, DataType.DOUBLE, 0.9, false, 0, false), DataType.DOUBLE, 3, 0.1, 3);
        assertArrayEquals(new double[] {2.6, 1.92, 1.124}, w, 1e-12);
    }

    @Test
    void nesterovMomentumMatchesHandComputedSteps() {
        // v1 = 4, d = 4 + 0.9·4 = 7.6, w1 = 3 − 0.76 = 2.24;
        // g1 = 2.48, v2 = 3.6 + 2.48 = 6.08, d = 2.48 + 0.9·6.08 = 7.952, w2 = 2.24 − 0.7952 = 1.4448
        double[] w = run(new Sgd(1, DataType.DOUBLE, 0.9, true, 0, false), DataType.DOUBLE, 3, 0.1, 2);
        assertArrayEquals(new double[] {2.24, 1.4448}, w, 1e-12);
    }

    @Test
    void adamMatchesHandComputedBiasCorrectedSteps() {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        // step 1: m = 0.1·4 = 0.4, v = 0.001·16 = 0.016; m̂ = 4, v̂ = 16 → w1 = 3 − 0.1·4/(4 + 1e-8)
        double w1 = 3 - 0.1 * 4 / (4 + 1e-8);
        // step 2: g = 2(w1 − 1); m = 0.9·0.4 + 0.1g; v = 0.999·0.016 + 0.001g²; m̂ = m/0.19, v̂ = v/0.001999
        double g = 2 * (w1 - 1);
        double m = 0.36 + 0.1 * g, v = 0.015984 + 0.001 * g * g;
        double w2 = w1 - 0.1 * (m / 0.19) / (Math.sqrt(v / 0.001999) + 1e-8);
        double[] w = run(new Adam(1, DataType.DOUBLE, b1, b2, eps, 0, false), DataType.DOUBLE, 3, lr, 2);
        assertArrayEquals(new double[] {w1, w2}, w, 1e-12);
        // float32 follows the same path to float precision
        double[] wf = run(new Adam(1, DataType.FLOAT, b1, b2, eps, 0, false), DataType.FLOAT, 3, lr, 2);
        assertArrayEquals(new double[] {w1, w2}, wf, 1e-6);
    }

    @Test
    void l2WeightDecayAddsLambdaWToTheGradientAndDecoupledDecayShrinksW() {
        // L2: d = 4 + 0.5·3 = 5.5 → w1 = 3 − 0.1·5.5 = 2.45
        double[] l2 = run(new Sgd(1, DataType.DOUBLE, 0, false, 0.5, false), DataType.DOUBLE, 3, 0.1, 1);
        assertEquals(2.45, l2[0], 1e-12);
        // decoupled: w ← (1 − 0.1·0.5)·3 − 0.1·4 = 2.85 − 0.4 = 2.45 as well for plain SGD...
        double[] dec = run(new Sgd(1, DataType.DOUBLE, 0, false, 0.5, true), DataType.DOUBLE, 3, 0.1, 1);
        assertEquals(2.45, dec[0], 1e-12);
        // ...but not for Adam: AdamW w1 = 0.95·3 − 0.1·4/(4+1e-8); Adam-L2 d = 5.5 → w1 = 3 − 0.1·5.5/(5.5+1e-8)
        double[] adamW = run(new Adam(1, DataType.DOUBLE, 0.9, 0.999, 1e-8, 0.5, true), DataType.DOUBLE, 3, 0.1, 1);
        assertEquals(0.95 * 3 - 0.1 * 4 / (4 + 1e-8), adamW[0], 1e-12);
        double[] adamL2 = run(new Adam(1, DataType.DOUBLE, 0.9, 0.999, 1e-8, 0.5, false), DataType.DOUBLE, 3, 0.1, 1);
        assertEquals(3 - 0.1 * 5.5 / (5.5 + 1e-8), adamL2[0], 1e-12);
    }

    @Test
    void optimizersReachTheClosedFormLeastSquaresSolution() {
        // min (1/2n)‖Xw − y‖², X 40×5 seeded; the answer solves the normal equations XᵀXw = Xᵀy (Cholesky)
        int n = 40, d = 5;
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        double[][] x = new double[n][d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = r.nextGaussian();
            y[i] = r.nextGaussian();
        }
        RealMatrix xm = new Array2DRowRealMatrix(x);
        double[] exact = new CholeskyDecomposition(xm.transpose().multiply(xm))
                .getSolver().solve(xm.transpose().operate(new ArrayRealVector(y))).toArray();
        Optimizer[] opts = {
            new Sgd(d, DataType.DOUBLE, 0, false, 0, false),
            new Sgd(d, DataType.DOUBLE, 0.9, false, 0, false),
            new Sgd(d, DataType.DOUBLE, 0.9, true, 0, false),
            new Adam(d, DataType.DOUBLE, 0.9, 0.999, 1e-8, 0, false),
        };
        double[] lrs = {0.1, 0.02, 0.02, 0.01};
        for (int k = 0; k < opts.length; k++) {
            INDArray w = Nd4j.zeros(DataType.DOUBLE, d);
            INDArray g = Nd4j.zeros(DataType.DOUBLE, d);
            double[] wv = new double[d];
            for (int s = 0; s < 3000; s++) {
                for (int j = 0; j < d; j++) wv[j] = w.getDouble(j);
                double[] gv = new double[d];
                for (int i = 0; i < n; i++) {
                    double res = -y[i];
                    for (int j = 0; j < d; j++) res += x[i][j] * wv[j];
                    for (int j = 0; j < d; j++) gv[j] += res * x[i][j] / n;
                }
                for (int j = 0; j < d; j++) g.putScalar(j, gv[j]);
                opts[k].step(w, g, lrs[k]);
            }
            assertArrayEquals(exact, w.toDoubleVector(), 1e-6, opts[k].name() + " #" + k);
        }
    }

    @Test
    void stepsWorkOnAViewIntoALargerBuffer() {
        // the parameters may be a slice of a bigger vector: w = big[2..4]; SGD must update only that slice
        INDArray big = Nd4j.createFromArray(9f, 9f, 3f, 3f, 3f, 9f);
        INDArray w = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 5));
        INDArray g = Nd4j.createFromArray(1f, 2f, 4f);
        new Sgd(3, DataType.FLOAT, 0, false, 0, false).step(w, g, 0.5);
        assertArrayEquals(new float[] {9f, 9f, 2.5f, 2f, 1f, 9f}, big.toFloatVector(), 0f);
    }

    @Test
    void aVectorLargeEnoughToBeSplitAcrossThreadsGetsTheElementwiseSgdFormulaAtEveryElement() {
        // 300,001 elements (split into chunks when threads > 1): each w_i − lr·(g_i + λw_i), rounded to float
        int n = 300_001;
        float[] w0 = new float[n], g0 = new float[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            w0[i] = (float) r.nextGaussian();
            g0[i] = (float) r.nextGaussian();
        }
        INDArray w = Nd4j.createFromArray(w0), g = Nd4j.createFromArray(g0);
        org.minima.nn.Threads.configure(2);
        new Sgd(n, DataType.FLOAT, 0, false, 0.01, false).step(w, g, 0.1);
        float[] got = w.toFloatVector();
        for (int i = 0; i < n; i++) {
            float want = (float) (w0[i] - 0.1 * (g0[i] + 0.01 * w0[i]));
            if (got[i] != want) assertEquals(want, got[i], 0f, "element " + i);
        }
    }

    /**
     * Short runs over a vector long enough to be split across threads, in float32 and float64, on one and two threads,
     * against a hand loop of the documented element formulas (each element in float64, every stored value rounded once
     * to the dtype), bit for bit: the state (velocity, m, v) is stored rounded and read back, weight decay enters as L2
     * or decoupled. The optimizers run the formulas a block of elements at a time ({@link ElementwiseOptimizer#BLOCK});
     * n is not a multiple of the block, so a short last block is checked too.
     */
    @Test
    void shortRunsMatchAHandLoopOfTheUpdateFormulasBitForBit() {
        int n = 140_003, steps = 4;
        double lr = 0.05, lambda = 0.01, mu = 0.9, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        try {
            for (int threads = 1; threads <= 2; threads++) {
                org.minima.nn.Threads.configure(threads);
                for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                    boolean f32 = dtype == DataType.FLOAT;
                    java.util.function.DoubleUnaryOperator round = x -> f32 ? (float) x : x;
                    for (int variant = 0; variant < 7; variant++) {
                        boolean adam = variant >= 4, plain = variant == 6;
                        boolean decoupled = variant % 2 == 1;
                        boolean nesterov = variant == 2 || variant == 3;
                        Optimizer opt = adam ? new Adam(n, dtype, b1, b2, eps, lambda, decoupled)
                                : new Sgd(n, dtype, plain ? 0 : mu, nesterov, lambda, decoupled);
                        double[] w = new double[n], s1 = new double[n], s2 = new double[n];
                        java.util.SplittableRandom r = new java.util.SplittableRandom(variant);
                        for (int i = 0; i < n; i++) w[i] = round.applyAsDouble(r.nextGaussian());
                        INDArray wa = Nd4j.createFromArray(w.clone()).castTo(dtype);
                        for (int t = 1; t <= steps; t++) {
                            double[] g = new double[n];
                            for (int i = 0; i < n; i++) g[i] = round.applyAsDouble(w[i] - 0.5 + 0.1 * r.nextGaussian());
                            opt.step(wa, Nd4j.createFromArray(g).castTo(dtype), lr);
                            double shrink = decoupled ? 1 - lr * lambda : 1, l2 = decoupled ? 0 : lambda;
                            for (int i = 0; i < n; i++) {
                                double d = g[i] + l2 * w[i];
                                if (adam) {
                                    s1[i] = round.applyAsDouble(b1 * s1[i] + (1 - b1) * d);
                                    s2[i] = round.applyAsDouble(b2 * s2[i] + (1 - b2) * d * d);
                                    // torch.optim.Adam's order: step_size = lr/(1 − β₁ᵗ); denom = √v/√(1 − β₂ᵗ) + eps
                                    double stepSize = lr / (1 - Math.pow(b1, t));
                                    double denom = Math.sqrt(s2[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                                    w[i] = round.applyAsDouble(w[i] * shrink - stepSize * s1[i] / denom);
                                } else if (plain) {
                                    w[i] = round.applyAsDouble(w[i] * shrink - lr * d);
                                } else {
                                    s1[i] = round.applyAsDouble(mu * s1[i] + d);
                                    double step = nesterov ? d + mu * s1[i] : s1[i];
                                    w[i] = round.applyAsDouble(w[i] * shrink - lr * step);
                                }
                            }
                        }
                        assertArrayEquals(w, wa.castTo(DataType.DOUBLE).toDoubleVector(), 0.0, dtype + ", " + threads + " threads, variant " + variant);
                        assertEquals(steps, opt.steps());
                    }
                }
            }
        } finally {
            org.minima.nn.Threads.configure(0);
        }
    }
}
