package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SharpnessTest {

    /** f(w) = ½ wᵀDw with D diagonal positive: a closed-form objective on the Objective seam. */
    static final class DiagonalQuadratic implements Objective {
        final double[] d;
        final INDArray dArr;

        DiagonalQuadratic(double[] d) {
            this.d = d;
            this.dArr = Nd4j.createFromArray(d);
        }

        public long dimension() { return d.length; }

        public double value(INDArray w) {
            return 0.5 * w.mul(w).muli(dArr.castTo(w.dataType())).sumNumber().doubleValue();
        }

        public double valueAndGradient(INDArray w, INDArray gradOut) {
            gradOut.assign(w.mul(dArr.castTo(w.dataType())));
            return value(w);
        }

        public void hessianVector(INDArray w, INDArray v, INDArray out) {
            out.assign(v.mul(dArr.castTo(v.dataType())));
        }

        double at(double[] w) {
            double s = 0;
            for (int i = 0; i < d.length; i++) s += 0.5 * d[i] * w[i] * w[i];
            return s;
        }
    }

    private static double[] uniform(int n, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble(lo, hi);
        return a;
    }

    @Test
    void fullSpaceSharpnessOfADiagonalQuadraticEqualsItsCornerClosedForm() {
        // ½wᵀDw is convex and separable: its maximum over |zᵢ| ≤ ε(|xᵢ|+1) is at the corner zᵢ = sign(xᵢ)·rᵢ,
        // max f = ½ Σ Dᵢ(|xᵢ| + rᵢ)², and φ = 100(max f − f(x))/(1 + f(x)).
        int n = 300;
        double eps = 1e-3;
        double[] d = uniform(n, 0.5, 2.0, 1);
        double[] x = uniform(n, -1, 1, 2);
        DiagonalQuadratic f = new DiagonalQuadratic(d);
        double fx = f.at(x);
        double[] corner = new double[n];
        for (int i = 0; i < n; i++) corner[i] = Math.signum(x[i]) * (Math.abs(x[i]) + eps * (Math.abs(x[i]) + 1));
        double fmax = f.at(corner);
        double expected = 100 * (fmax - fx) / (1 + fx);

        Sharpness.Result res = Sharpness.measure(f, Nd4j.createFromArray(x), SharpnessOptions.defaults().withEps(eps).withSubspace(null).withMaxIter(10).withRestarts(0).withSeed(1), null);
        assertEquals(fx, res.loss(), 1e-12 * fx, "loss is f(x)");
        assertEquals(fmax, res.maxLoss(), 1e-12 * fmax);
        assertEquals(expected, res.sharpness(), 1e-9 * expected);
        assertEquals(1, res.starts().size());
        assertTrue(res.iterations() <= 10);
    }

    @Test
    void float32ObjectiveGivesTheCornerClosedFormToSinglePrecision() {
        // The same closed form as above, with x and every evaluation in float32: agreement to float rounding.
        int n = 100;
        double eps = 1e-2;
        double[] d = uniform(n, 0.5, 2.0, 31);
        double[] x = uniform(n, -1, 1, 32);
        for (int i = 0; i < n; i++) x[i] = (float) x[i];
        DiagonalQuadratic f = new DiagonalQuadratic(d);
        double[] corner = new double[n];
        for (int i = 0; i < n; i++) corner[i] = Math.signum(x[i]) * (Math.abs(x[i]) + eps * (Math.abs(x[i]) + 1));
        double fx = f.at(x), fmax = f.at(corner);
        Sharpness.Result res = Sharpness.measure(f, Nd4j.createFromArray(x).castTo(DataType.FLOAT), SharpnessOptions.defaults().withEps(eps).withSubspace(null).withMaxIter(10).withRestarts(0).withSeed(1), null);
        assertEquals(fx, res.loss(), 1e-6 * fx);
        assertEquals(fmax, res.maxLoss(), 1e-6 * fmax);
    }

    @Test
    void subspaceSharpnessOfAQuadraticEqualsTheBestCornerOfTheBoxBuiltFromADensePseudoInverse() {
        // h(y) = ½(x + Ay)ᵀD(x + Ay) is convex in y, so its maximum over the box |yᵢ| ≤ ε(|(A⁺x)ᵢ| + 1) is at one of
        // the 2ᵖ corners; A⁺ is Commons Math's SVD pseudo-inverse of the dense A, enumerated corners give the answer.
        int n = 40, p = 4;
        double eps = 0.05;
        double[] d = uniform(n, 0.5, 2.0, 3);
        double[] x = uniform(n, -1, 1, 4);
        DiagonalQuadratic f = new DiagonalQuadratic(d);
        RandomSubspace a = RandomSubspace.generated(n, p, 5, RandomSubspace.Kind.UNIT);
        RealMatrix am = new Array2DRowRealMatrix(a.dense());
        double[] apx = new SingularValueDecomposition(am).getSolver().getInverse().operate(x);
        double best = Double.NEGATIVE_INFINITY;
        for (int mask = 0; mask < (1 << p); mask++) {
            double[] yv = new double[p];
            for (int j = 0; j < p; j++) yv[j] = ((mask >> j & 1) == 1 ? 1 : -1) * eps * (Math.abs(apx[j]) + 1);
            double[] w = x.clone();
            double[] ay = am.operate(yv);
            for (int i = 0; i < n; i++) w[i] += ay[i];
            best = Math.max(best, f.at(w));
        }
        Sharpness.Result res = Sharpness.measure(f, Nd4j.createFromArray(x), SharpnessOptions.defaults().withEps(eps).withSubspace(p).withMaxIter(10).withRestarts(0).withSeed(1), a, null);
        assertEquals(best, res.maxLoss(), 1e-12 * best);
        assertEquals(100 * (best - f.at(x)) / (1 + f.at(x)), res.sharpness(), 1e-9 * res.sharpness());
    }

    @Test
    void pseudoInverseOfAMatrixWithOrthonormalColumnsIsItsTranspose() {
        // Q from Commons Math's QR of a random 200×7 matrix: Q⁺ = Qᵀ.
        int n = 200, p = 7;
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(randomMatrix(n, p, 6))).getQ().getSubMatrix(0, n - 1, 0, p - 1);
        double[] x = uniform(n, -3, 3, 7);
        double[] got = RandomSubspace.of(q.getData()).pseudoInverseTimes(Nd4j.createFromArray(x));
        assertArrayEquals(q.transpose().operate(x), got, 1e-13);
    }

    @Test
    void pseudoInverseOfAGeneralMatrixMatchesTheDenseSvdPseudoInverse() {
        // Correlated columns (entries uniform in [0,1): condition number in the tens) and a rank-deficient case
        // (a repeated column), against Commons Math's SVD pseudo-inverse.
        int n = 60, p = 6;
        double[][] m = randomMatrix(n, p, 8);
        for (double[] row : m) for (int j = 0; j < p; j++) row[j] = (row[j] + 1) / 2;
        double[] x = uniform(n, -2, 2, 9);
        RealMatrix am = new Array2DRowRealMatrix(m);
        double[] expected = new SingularValueDecomposition(am).getSolver().getInverse().operate(x);
        assertArrayEquals(expected, RandomSubspace.of(m).pseudoInverseTimes(Nd4j.createFromArray(x)), 1e-10);

        for (double[] row : m) row[p - 1] = row[0];
        RealMatrix rd = new Array2DRowRealMatrix(m);
        double[] expectedRd = new SingularValueDecomposition(rd).getSolver().getInverse().operate(x);
        assertArrayEquals(expectedRd, RandomSubspace.of(m).pseudoInverseTimes(Nd4j.createFromArray(x)), 1e-8);
    }

    @Test
    void subspaceObjectiveGradientAndHessianVectorAreTheChainRuleThroughA() {
        // h(y) = f(x + Ay) for f = ½wᵀDw: ∇h = AᵀD(x + Ay), ∇²h·v = AᵀDAv, computed here with dense loops.
        int n = 50, p = 3;
        double[] d = uniform(n, 0.5, 2, 10);
        double[] x = uniform(n, -1, 1, 11);
        double[] yv = uniform(p, -1, 1, 12);
        double[] v = uniform(p, -1, 1, 13);
        RandomSubspace a = RandomSubspace.generated(n, p, 14, RandomSubspace.Kind.GAUSSIAN, 8); // 7 blocks
        double[][] am = a.dense();
        SubspaceObjective h = new SubspaceObjective(new DiagonalQuadratic(d), Nd4j.createFromArray(x), a);
        double[] w = x.clone();
        double[] av = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) {
            w[i] += am[i][j] * yv[j];
            av[i] += am[i][j] * v[j];
        }
        double[] grad = new double[p];
        double[] hv = new double[p];
        for (int j = 0; j < p; j++) for (int i = 0; i < n; i++) {
            grad[j] += am[i][j] * d[i] * w[i];
            hv[j] += am[i][j] * d[i] * av[i];
        }
        INDArray gOut = Nd4j.create(DataType.DOUBLE, p);
        double value = h.valueAndGradient(Nd4j.createFromArray(yv), gOut);
        assertEquals(new DiagonalQuadratic(d).at(w), value, 1e-12);
        assertEquals(value, h.value(Nd4j.createFromArray(yv)), 0.0);
        assertArrayEquals(grad, gOut.toDoubleVector(), 1e-12);
        INDArray hvOut = Nd4j.create(DataType.DOUBLE, p);
        h.hessianVector(Nd4j.createFromArray(yv), Nd4j.createFromArray(v), hvOut);
        assertArrayEquals(hv, hvOut.toDoubleVector(), 1e-12);
    }

    @Test
    void restartsAreSeededStartsInTheBoxAndTheSameSeedGivesBitIdenticalResults() {
        // A non-convex f = Σ cos(3wᵢ)·Dᵢ has many local maxima in a wide box; every start is reported and the best
        // is the maximum over starts. Determinism: two runs with one seed agree bit for bit.
        int n = 30;
        double[] d = uniform(n, 0.5, 2, 15);
        double[] x = uniform(n, -1, 1, 16);
        Objective f = new Objective() {
            public long dimension() { return n; }
            public double value(INDArray w) { return valueAndGradient(w, Nd4j.create(DataType.DOUBLE, n)); }
            public double valueAndGradient(INDArray w, INDArray g) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    double wi = w.getDouble(i);
                    s += d[i] * Math.cos(3 * wi);
                    g.putScalar(i, -3 * d[i] * Math.sin(3 * wi));
                }
                return s;
            }
            public void hessianVector(INDArray w, INDArray v, INDArray out) { throw new UnsupportedOperationException(); }
        };
        SharpnessOptions o = SharpnessOptions.defaults().withEps(0.8).withSubspace(null).withMaxIter(5).withRestarts(3).withSeed(99);
        Sharpness.Result r1 = Sharpness.measure(f, Nd4j.createFromArray(x), o, null);
        Sharpness.Result r2 = Sharpness.measure(f, Nd4j.createFromArray(x), o, null);
        assertEquals(4, r1.starts().size());
        double best = Double.NEGATIVE_INFINITY;
        for (Sharpness.Start s : r1.starts()) best = Math.max(best, s.maxLoss());
        assertEquals(best, r1.maxLoss(), 0.0);
        assertEquals(r1, r2);
        // f ≤ Σ Dᵢ everywhere (cos ≤ 1): an upper bound no start may exceed.
        double upper = 0;
        for (double di : d) upper += di;
        for (Sharpness.Start s : r1.starts()) assertTrue(s.maxLoss() <= upper + 1e-12);
    }

    private static double[][] randomMatrix(int n, int p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] m = new double[n][p];
        for (double[] row : m) for (int j = 0; j < p; j++) row[j] = r.nextDouble(-1, 1);
        return m;
    }
}
