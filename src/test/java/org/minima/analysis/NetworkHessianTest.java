package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The analyzers on a real network's Hessian: a float64 MLP 6 → 12 → BN → ReLU → 12 → ReLU → 3 (303
 * parameters) on 64 random examples, against the dense Hessian built column by column from H·eᵢ and
 * eigendecomposed by Commons Math.
 */
class NetworkHessianTest {
    static NetworkObjective objective;
    static INDArray w;
    static double[][] dense;
    static double[] exact;       // eigenvalues, largest first

    @BeforeAll
    static void build() {
        ModelSpec spec = new ModelSpec(new int[] {6}, 3, ModelSpec.Preprocess.IDENTITY, List.of(
                new ModelSpec.Linear(6, 12), new ModelSpec.BatchNorm(12, 1e-5, 0.1), new ModelSpec.Relu(),
                new ModelSpec.Linear(12, 12), new ModelSpec.Relu(), new ModelSpec.Linear(12, 3)));
        Network net = Network.create(spec, DataType.DOUBLE);
        net.initialize(5);
        SplittableRandom r = new SplittableRandom(6);
        INDArray b = net.buffers();
        for (long i = 0; i < b.length(); i++) b.putScalar(i, 0.5 + r.nextDouble());
        int n = 64;
        float[] x = new float[n * 6];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(3);
        objective = new NetworkObjective(net, new DataSet("random", new int[] {6}, 3, x, y), 64);
        w = net.parameters().dup();
        int p = (int) objective.dimension();
        dense = new double[p][p];
        INDArray e = Nd4j.create(DataType.DOUBLE, p);
        INDArray col = Nd4j.create(DataType.DOUBLE, p);
        for (int j = 0; j < p; j++) {
            e.assign(0);
            e.putScalar(j, 1.0);
            objective.hessianVector(w, e, col);
            for (int i = 0; i < p; i++) dense[i][j] = col.getDouble(i);
        }
        for (int i = 0; i < p; i++) for (int j = 0; j < i; j++) { double s = 0.5 * (dense[i][j] + dense[j][i]); dense[i][j] = s; dense[j][i] = s; }
        exact = new EigenDecomposition(new Array2DRowRealMatrix(dense)).getRealEigenvalues().clone();
        Arrays.sort(exact);
        for (int i = 0; i < exact.length / 2; i++) { double t = exact[i]; exact[i] = exact[exact.length - 1 - i]; exact[exact.length - 1 - i] = t; }
    }

    @Test
    void theNetworkHessianHasEigenvaluesOfBothSigns() {
        // makes the bottom-k test below meaningful: a trained-or-not MLP's Hessian is indefinite
        assertEquals(303, exact.length);
        assertTrue(exact[0] > 0 && exact[exact.length - 1] < 0, exact[0] + " " + exact[exact.length - 1]);
    }

    @Test
    void lanczosTopAndBottomMatchTheDenseEigendecompositionOfTheNetworkHessian() {
        // independent answer: Commons Math's eigenvalues of the Hessian assembled from H·eᵢ
        Lanczos.Result r = Lanczos.run(new HessianOperator(objective, w), new Lanczos.Options(5, 3, 1e-8, 303, 1, 1, true, 0));
        double scale = Math.max(Math.abs(exact[0]), Math.abs(exact[exact.length - 1]));
        assertArrayEquals(Arrays.copyOf(exact, 5), r.eigenvalues(), 1e-7 * scale);
        double[] bottom = {exact[exact.length - 1], exact[exact.length - 2], exact[exact.length - 3]};
        assertArrayEquals(bottom, r.bottomEigenvalues(), 1e-7 * scale);
    }

    @Test
    void reportedResidualsAreTheTrueResidualsAgainstTheDenseHessian() {
        // independent answer: ‖H·y − θ·y‖ with H the dense matrix, in plain Java arithmetic; a loose tolerance
        // keeps the residuals well above rounding so the comparison is meaningful
        Lanczos.Result r = Lanczos.run(new HessianOperator(objective, w), new Lanczos.Options(2, 2, 1e-2, 303, 1, 2, true, 0));
        DenseQuadratic h = new DenseQuadratic(dense);
        for (int i = 0; i < 2; i++) {
            assertEquals(h.residual(r.vectors().get(i), r.eigenvalues()[i]), r.residuals()[i], 1e-9 * Math.abs(exact[0]));
            assertEquals(h.residual(r.bottomVectors().get(i), r.bottomEigenvalues()[i]), r.bottomResiduals()[i], 1e-9 * Math.abs(exact[0]));
        }
    }

    @Test
    void hutchinsonAndHutchPlusPlusAreWithinFourStandardErrorsOfTheExactTrace() {
        // independent answer: the trace of the dense Hessian, Σ Hᵢᵢ
        double trace = 0;
        for (int i = 0; i < dense.length; i++) trace += dense[i][i];
        TraceEstimator.Estimate hutch = TraceEstimator.hutchinson(new HessianOperator(objective, w), 60, 4);
        TraceEstimator.Estimate pp = TraceEstimator.hutchPlusPlus(new HessianOperator(objective, w), 60, 4);
        assertEquals(trace, hutch.trace(), 4 * hutch.stdErr());
        assertEquals(trace, pp.trace(), 4 * pp.stdErr());
        assertTrue(hutch.stdErr() > 0 && pp.stdErr() > 0);
    }

    @Test
    void densityPutsItsMassWhereTheDenseSpectrumIs() {
        // independent answer: the fraction of the 303 exact eigenvalues in (−∞, 0.1·λ₁] and above it; with
        // 12 runs the SLQ error of such a fraction is about 0.03
        SpectralDensity.Density d = SpectralDensity.estimate(new HessianOperator(objective, w), new SpectralDensity.Options(12, 30, 2001, 3, 0));
        double cut = 0.1 * exact[0];
        double below = Arrays.stream(exact).filter(x -> x <= cut).count() / (double) exact.length;
        assertEquals(1.0, SpectralDensityTest.integral(d.grid(), d.values(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), 1e-6);
        assertEquals(below, SpectralDensityTest.integral(d.grid(), d.values(), Double.NEGATIVE_INFINITY, cut), 0.1);
    }

    @Test
    void theSameSeedGivesBitIdenticalResults() {
        // the contract: same seed and thread count give bit-identical results
        Lanczos.Options o = new Lanczos.Options(2, 1, 1e-6, 303, 1, 9, false, 0);
        Lanczos.Result a = Lanczos.run(new HessianOperator(objective, w), o);
        Lanczos.Result b = Lanczos.run(new HessianOperator(objective, w), o);
        assertArrayEquals(a.eigenvalues(), b.eigenvalues(), 0.0);
        assertArrayEquals(a.bottomResiduals(), b.bottomResiduals(), 0.0);
        TraceEstimator.Estimate t1 = TraceEstimator.hutchPlusPlus(new HessianOperator(objective, w), 12, 9);
        TraceEstimator.Estimate t2 = TraceEstimator.hutchPlusPlus(new HessianOperator(objective, w), 12, 9);
        assertEquals(t1.trace(), t2.trace(), 0.0);
    }
}
