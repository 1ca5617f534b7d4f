package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The corner start and the diagnostics (gradientNorm, firstOrder, boxReached) against closed forms. */
class SharpnessStartsTest {

    /** f(w) = aᵀ(w − x₀) + Σ bᵢ(wᵢ − x₀ᵢ)² + f₀ with b ≥ 0: convex, gradient a at x₀. */
    static final class LinearPlusConvex implements Objective {
        final double[] a, b, x0;
        final double f0;

        LinearPlusConvex(double[] a, double[] b, double[] x0, double f0) {
            this.a = a;
            this.b = b;
            this.x0 = x0;
            this.f0 = f0;
        }

        public long dimension() { return a.length; }

        public double value(INDArray w) { return valueAndGradient(w, Nd4j.create(DataType.DOUBLE, a.length)); }

        public double valueAndGradient(INDArray w, INDArray g) {
            double s = f0;
            for (int i = 0; i < a.length; i++) {
                double d = w.getDouble(i) - x0[i];
                s += a[i] * d + b[i] * d * d;
                g.putScalar(i, a[i] + 2 * b[i] * d);
            }
            return s;
        }

        public void hessianVector(INDArray w, INDArray v, INDArray out) {
            for (int i = 0; i < a.length; i++) out.putScalar(i, 2 * b[i] * v.getDouble(i));
        }
    }

    @Test
    void theCornerStartIsTheFirstOrderWorstCornerAndTheDiagnosticsAreItsClosedForms() {
        // f = f₀ + aᵀz + Σ bᵢzᵢ² (z = w − x) over |zᵢ| ≤ rᵢ = ε(|xᵢ| + 1): each term is largest at zᵢ = sign(aᵢ)·rᵢ, the
        // first-order worst corner, so max f = f₀ + Σ|aᵢ|rᵢ + bᵢrᵢ²; a start there is a KKT point at once.
        // firstOrder = 100·Σ|aᵢ|rᵢ/(1 + f₀), gradientNorm = ‖a‖, and the maximizer is on every face (boxReached 1, 1).
        int n = 12;
        double eps = 0.1, f0 = 0.7;
        double[] a = uniform(n, -2, 2, 1), b = uniform(n, 0, 0.5, 2), x = uniform(n, -3, 3, 3);
        double max = f0, linear = 0, gg = 0;
        for (int i = 0; i < n; i++) {
            double r = eps * (Math.abs(x[i]) + 1);
            max += Math.abs(a[i]) * r + b[i] * r * r;
            linear += Math.abs(a[i]) * r;
            gg += a[i] * a[i];
        }
        SharpnessOptions o = SharpnessOptions.defaults().withEps(eps).withStart(SharpnessOptions.StartAt.CORNER);
        Sharpness.Result res = Sharpness.measure(new LinearPlusConvex(a, b, x, f0), Nd4j.createFromArray(x), o, null);
        assertEquals(f0, res.loss(), 1e-14);
        assertEquals("corner", res.starts().get(0).at());
        assertEquals(max, res.maxLoss(), 1e-12 * max);
        assertEquals(100 * (max - f0) / (1 + f0), res.sharpness(), 1e-10);
        assertEquals(100 * linear / (1 + f0), res.firstOrder(), 1e-12);
        assertEquals(Math.sqrt(gg), res.gradientNorm(), 1e-13);
        assertEquals(1.0, res.bestStart().boxMax(), 1e-15);
        assertEquals(1.0, res.bestStart().boxMean(), 1e-15);
        assertFalse(res.stayedNearCentre());
    }

    @Test
    void aStationaryCentreStaysPutAndIsFlagged() {
        // ½wᵀDw at x = 0: ∇f(0) = 0, so gradientNorm = firstOrder = 0, L-BFGS-B's projected gradient vanishes at the
        // centre (it stops there), and sign(0) = 0 puts the corner start at the centre too: boxReached 0, the note.
        int n = 6;
        double[] d = uniform(n, 0.5, 2, 4);
        for (SharpnessOptions.StartAt at : SharpnessOptions.StartAt.values()) {
            SharpnessOptions o = SharpnessOptions.defaults().withStart(at);
            Sharpness.Result res = Sharpness.measure(new SharpnessTest.DiagonalQuadratic(d), Nd4j.create(DataType.DOUBLE, n), o, null);
            assertEquals(0.0, res.gradientNorm(), 0.0);
            assertEquals(0.0, res.firstOrder(), 0.0);
            assertEquals(0.0, res.bestStart().boxMax(), 0.0);
            assertEquals(0.0, res.bestStart().boxMean(), 0.0);
            assertEquals(0.0, res.sharpness(), 0.0);
            assertTrue(res.stayedNearCentre());
            SharpnessAnalysis.Result r = new SharpnessAnalysis.Result(o, res, 1, "test", DataType.DOUBLE, 1);
            assertNotNull(r.note());
            var json = r.toJson("m", 0);
            assertEquals(at.label(), json.get("start").asText());
            assertEquals(0.0, json.get("boxReached").get("max").asDouble(), 0.0);
            assertEquals(at.label(), json.get("starts").get(0).get("start").asText());
        }
    }

    @Test
    void boxReachedIsTheLargestAndMeanFractionOfTheBoundsAtTheMaximizer() {
        // f = Σ aᵢzᵢ − Σ bᵢzᵢ² (concave, b > 0) has its maximum at zᵢ* = aᵢ/(2bᵢ), inside the box when |zᵢ*| < rᵢ;
        // one coordinate (a₀ large) is clipped at its face. L-BFGS-B from the centre converges there within 10
        // iterations (separable concave quadratic), so boxReached = max and mean of |zᵢ*|/rᵢ (clipped ones count 1).
        int n = 5;
        double eps = 0.5;
        double[] x = {1, -2, 0.5, 0, 3};
        double[] a = {10, 0.1, -0.2, 0.05, -0.4};
        double[] b = {1, 1, 1, 1, 1};
        double[] minusB = new double[n];
        for (int i = 0; i < n; i++) minusB[i] = -b[i];
        double max = 0, sum = 0, fmax = 0;
        for (int i = 0; i < n; i++) {
            double r = eps * (Math.abs(x[i]) + 1);
            double z = Math.max(-r, Math.min(r, a[i] / (2 * b[i])));
            max = Math.max(max, Math.abs(z) / r);
            sum += Math.abs(z) / r;
            fmax += a[i] * z - b[i] * z * z;
        }
        Sharpness.Result res = Sharpness.measure(new LinearPlusConvex(a, minusB, x, 0), Nd4j.createFromArray(x),
                SharpnessOptions.defaults().withEps(eps), null);
        assertEquals(fmax, res.maxLoss(), 1e-10);
        assertEquals(max, res.bestStart().boxMax(), 1e-8);
        assertEquals(sum / n, res.bestStart().boxMean(), 1e-8);
        assertEquals(1.0, max, 0.0); // the clipped coordinate
    }

    @Test
    void inASubspaceTheDiagnosticsUseTheSubspaceGradientAndTheBoxOfAPlusX() {
        // f = aᵀ(w − x) + f₀ (linear): h(y) = f₀ + (Aᵀa)ᵀy, max over |yⱼ| ≤ ε(|(A⁺x)ⱼ| + 1) at the corner, so
        // max h − f₀ = Σ|(Aᵀa)ⱼ|rⱼ = the first-order figure; A⁺ from Commons Math's SVD of the dense A.
        int n = 30, p = 4;
        double eps = 0.05, f0 = 0.2;
        double[] a = uniform(n, -1, 1, 5), x = uniform(n, -2, 2, 6);
        double[][] am = new double[n][p];
        SplittableRandom rnd = new SplittableRandom(7);
        for (double[] row : am) for (int j = 0; j < p; j++) row[j] = rnd.nextGaussian();
        double[] apx = new SingularValueDecomposition(new Array2DRowRealMatrix(am)).getSolver().getInverse().operate(x);
        double[] ata = new Array2DRowRealMatrix(am).transpose().operate(a);
        double linear = 0, gg = 0;
        for (int j = 0; j < p; j++) {
            linear += Math.abs(ata[j]) * eps * (Math.abs(apx[j]) + 1);
            gg += ata[j] * ata[j];
        }
        for (SharpnessOptions.StartAt at : SharpnessOptions.StartAt.values()) {
            SharpnessOptions o = SharpnessOptions.defaults().withEps(eps).withSubspace(p).withStart(at);
            Sharpness.Result res = Sharpness.measure(new LinearPlusConvex(a, new double[n], x, f0), Nd4j.createFromArray(x), o,
                    RandomSubspace.of(am), null);
            assertEquals(100 * linear / (1 + f0), res.firstOrder(), 1e-10);
            assertEquals(Math.sqrt(gg), res.gradientNorm(), 1e-12);
            assertEquals(f0 + linear, res.maxLoss(), 1e-10);
            assertEquals(res.firstOrder(), res.sharpness(), 1e-8);
            assertEquals(1.0, res.bestStart().boxMax(), 1e-12);
            double norms = 0;
            for (int j = 0; j < p; j++) {
                double s = 0;
                for (double[] row : am) s += row[j] * row[j];
                norms += Math.sqrt(s) / p;
            }
            assertEquals(norms, res.meanColumnNorm(), 1e-12);
        }
        SharpnessAnalysis.Result r = new SharpnessAnalysis.Result(SharpnessOptions.defaults().withSubspace(p), Sharpness.measure(
                new LinearPlusConvex(a, new double[n], x, f0), Nd4j.createFromArray(x), SharpnessOptions.defaults().withSubspace(p),
                RandomSubspace.of(am), null), 1, "test", DataType.DOUBLE, 1);
        assertEquals("gaussian", r.toJson("m", 0).get("subspaceMatrix").asText());
        assertNull(r.note());
    }

    private static double[] uniform(int n, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble(lo, hi);
        return v;
    }
}
