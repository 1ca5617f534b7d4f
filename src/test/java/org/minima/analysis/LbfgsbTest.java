package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class LbfgsbTest {

    private static double[] fill(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    private static double[] clamp(double[] c, double lo, double hi) {
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) out[i] = Math.min(Math.max(c[i], lo), hi);
        return out;
    }

    @Test
    void minimumOfHalfSquaredDistanceOnABoxIsTheClampedCentre() {
        // min ½‖x − c‖² on [0,1]^n: the answer is clamp(c, 0, 1), active bounds and all.
        int n = 60;
        SplittableRandom rnd = new SplittableRandom(1);
        double[] c = new double[n];
        for (int i = 0; i < n; i++) c[i] = rnd.nextDouble(-1, 2);
        Lbfgsb.Function f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < n; i++) {
                g[i] = x[i] - c[i];
                v += 0.5 * g[i] * g[i];
            }
            return v;
        };
        Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults()).minimize(f, fill(n, 0.5), fill(n, 0), fill(n, 1), null);
        assertArrayEquals(clamp(c, 0, 1), res.x(), 1e-9);
        assertEquals(Lbfgsb.Stop.PROJECTED_GRADIENT, res.stop());
    }

    /** Σ over pairs (1 − a)² + 100(b − a²)², pairs (x_{2i}, x_{2i+1}): separable Rosenbrock. */
    private static Lbfgsb.Function rosenbrockPairs() {
        return (x, g) -> {
            double v = 0;
            for (int i = 0; i + 1 < x.length; i += 2) {
                double a = x[i], b = x[i + 1];
                double u = b - a * a;
                v += (1 - a) * (1 - a) + 100 * u * u;
                g[i] = -2 * (1 - a) - 400 * a * u;
                g[i + 1] = 200 * u;
            }
            return v;
        };
    }

    @Test
    void boundedRosenbrockReachesItsClosedFormConstrainedOptimum() {
        // With a ≤ 0.5 and b free in [-2, 2]: min_b gives b = a², leaving (1 − a)², smallest at a = 0.5.
        // So each pair ends at (0.5, 0.25), f = n/2 · 0.25, with the upper bound on a active.
        int n = 20;
        double[] lo = fill(n, -2);
        double[] hi = fill(n, 2);
        double[] x0 = new double[n];
        for (int i = 0; i < n; i += 2) {
            hi[i] = 0.5;
            x0[i] = -1.2;
            x0[i + 1] = 1.0;
        }
        Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults().withTolerances(1e-10, 10)).minimize(rosenbrockPairs(), x0, lo, hi, null);
        for (int i = 0; i < n; i += 2) {
            assertEquals(0.5, res.x()[i], 0.0, "a at its upper bound exactly");
            assertEquals(0.25, res.x()[i + 1], 1e-7);
        }
        assertEquals(n / 2 * 0.25, res.f(), 1e-10);
    }

    @Test
    void unconstrainedRosenbrockReachesAllOnesEvenWhenTheMemoryWrapsAround() {
        // The unique minimizer of the separable Rosenbrock function is (1, ..., 1); memory 3 forces the circular
        // buffer of (s, y) pairs to wrap many times.
        int n = 30;
        double[] x0 = new double[n];
        for (int i = 0; i < n; i += 2) {
            x0[i] = -1.2;
            x0[i + 1] = 1.0;
        }
        for (int m : new int[] {3, 10}) {
            Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults().withMemory(m).withTolerances(1e-9, 10))
                    .minimize(rosenbrockPairs(), x0, null, null, null);
            assertArrayEquals(fill(n, 1.0), res.x(), 1e-6, "memory " + m);
            assertTrue(res.iterations() > 2 * m, "memory " + m + " wrapped: " + res.iterations() + " iterations");
        }
    }

    /** A dense SPD Q = RᵀR + I of size n from a seed. */
    private static double[][] spd(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] r = new double[n][n];
        for (double[] row : r) for (int j = 0; j < n; j++) row[j] = rnd.nextDouble(-1, 1);
        RealMatrix rm = new Array2DRowRealMatrix(r);
        RealMatrix q = rm.transpose().multiply(rm);
        for (int i = 0; i < n; i++) q.addToEntry(i, i, 1.0);
        return q.getData();
    }

    /** ½xᵀQx + bᵀx (also LbfgsbScipyTest's indefinite quadratic). */
    static Lbfgsb.Function quadratic(double[][] q, double[] b) {
        int n = b.length;
        return (x, g) -> {
            double v = 0;
            for (int i = 0; i < n; i++) {
                double qi = 0;
                for (int j = 0; j < n; j++) qi += q[i][j] * x[j];
                g[i] = qi + b[i];
                v += x[i] * (0.5 * qi + b[i]);
            }
            return v;
        };
    }

    @Test
    void unconstrainedDenseQuadraticReachesTheSolutionOfTheLinearSystem() {
        // min ½xᵀQx + bᵀx: x* = −Q⁻¹b (Cholesky from Commons Math).
        int n = 40;
        double[][] q = spd(n, 7);
        SplittableRandom rnd = new SplittableRandom(8);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = rnd.nextDouble(-5, 5);
        double[] expected = new CholeskyDecomposition(new Array2DRowRealMatrix(q)).getSolver()
                .solve(new ArrayRealVector(b)).mapMultiply(-1).toArray();
        Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults().withTolerances(1e-6, 0)).minimize(quadratic(q, b), new double[n], null, null, null);
        // Stopped by ‖g‖∞ ≤ 1e-6 (f ≈ −34 and its rounding near 1e-14 make much smaller gradients unverifiable by
        // the line search); since Q ⪰ I, ‖x − x*‖₂ ≤ ‖Q⁻¹‖₂‖g‖₂ ≤ √n · 1e-6.
        assertEquals(Lbfgsb.Stop.PROJECTED_GRADIENT, res.stop());
        assertArrayEquals(expected, res.x(), Math.sqrt(n) * 1e-6);
    }

    @Test
    void denseQuadraticWithActiveBoundsEndsAtAKktPoint() {
        // Convex: the KKT conditions characterize the minimizer. At the result, free variables have zero gradient,
        // variables at the lower bound have g ≥ 0 and at the upper bound g ≤ 0. Large b pushes several to bounds.
        // Tolerance 1e-6: f is O(100), so double rounding hides decreases from gradients much smaller than that.
        int n = 40;
        double[][] q = spd(n, 3);
        SplittableRandom rnd = new SplittableRandom(4);
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = rnd.nextDouble(-60, 60);
        double[] lo = fill(n, -1);
        double[] hi = fill(n, 1);
        Lbfgsb.Function f = quadratic(q, b);
        Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults().withTolerances(1e-6, 0)).minimize(f, new double[n], lo, hi, null);
        double[] g = new double[n];
        f.valueAndGradient(res.x(), g);
        int atLower = 0, atUpper = 0;
        for (int i = 0; i < n; i++) {
            double xi = res.x()[i];
            assertTrue(xi >= -1 && xi <= 1, "feasible");
            if (xi == -1) {
                atLower++;
                assertTrue(g[i] >= -1e-6, "g ≥ 0 at a lower bound, got " + g[i]);
            } else if (xi == 1) {
                atUpper++;
                assertTrue(g[i] <= 1e-6, "g ≤ 0 at an upper bound, got " + g[i]);
            } else {
                assertEquals(0, g[i], 1e-6, "zero gradient on a free variable " + i);
            }
        }
        assertTrue(atLower > 0 && atUpper > 0, "some bounds active: " + atLower + " lower, " + atUpper + " upper");
        assertEquals(Lbfgsb.Stop.PROJECTED_GRADIENT, res.stop());
    }

    @Test
    void quarticWhoseOnlyStationaryPointIsOutsideTheBoxEndsOnTheBoundaryAtTheProjection() {
        // f = (½‖x − c‖²)² has its only stationary point at c, outside [−1,1]^n. f is an increasing function of
        // ‖x − c‖, so its minimizer over the box is the Euclidean projection clamp(c).
        int n = 25;
        SplittableRandom rnd = new SplittableRandom(11);
        double[] c = new double[n];
        for (int i = 0; i < n; i++) c[i] = rnd.nextDouble(-3, 3);
        c[0] = 2.5; // make sure c is outside
        Lbfgsb.Function f = (x, g) -> {
            double h = 0;
            for (int i = 0; i < n; i++) h += 0.5 * (x[i] - c[i]) * (x[i] - c[i]);
            for (int i = 0; i < n; i++) g[i] = 2 * h * (x[i] - c[i]);
            return h * h;
        };
        Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults().withTolerances(1e-10, 0)).minimize(f, new double[n], fill(n, -1), fill(n, 1), null);
        double[] expected = clamp(c, -1, 1);
        assertArrayEquals(expected, res.x(), 1e-7);
        for (int i = 0; i < n; i++) {
            if (Math.abs(c[i]) > 1) assertEquals(expected[i], res.x()[i], 0.0, "exactly on the bound at " + i);
        }
    }

    @Test
    void iterationBudgetStopsAfterExactlyThatManyIterationsAndCountsEveryEvaluation() {
        // The count of calls is taken by the function itself, independently of the optimizer's bookkeeping.
        int n = 10;
        int[] calls = {0};
        Lbfgsb.Function rosen = rosenbrockPairs();
        Lbfgsb.Function counted = (x, g) -> {
            calls[0]++;
            return rosen.valueAndGradient(x, g);
        };
        double[] x0 = new double[n];
        for (int i = 0; i < n; i += 2) x0[i] = -1.2;
        int[] listened = {0};
        Lbfgsb.Result res = new Lbfgsb(n, Lbfgsb.Options.defaults().withMaxIterations(3))
                .minimize(counted, x0, null, null, (it, ev, fv, xv) -> listened[0] = it);
        assertEquals(Lbfgsb.Stop.MAX_ITERATIONS, res.stop());
        assertEquals(3, res.iterations());
        assertEquals(3, listened[0]);
        assertEquals(calls[0], res.evaluations());
        double[] g = new double[n];
        assertEquals(rosen.valueAndGradient(res.x(), g), res.f(), 0.0, "f is the value at the returned x");
    }

    @Test
    void moreThuenteStepSatisfiesTheStrongWolfeConditions() {
        // Moré & Thuente 1994, test function 1: φ(α) = −α/(α² + β), β = 2, from several first trial steps.
        // The conditions are checked directly on φ, not through the search's own bookkeeping.
        double beta = 2;
        java.util.function.DoubleUnaryOperator phi = a -> -a / (a * a + beta);
        java.util.function.DoubleUnaryOperator dphi = a -> (a * a - beta) / ((a * a + beta) * (a * a + beta));
        double ftol = 1e-3, gtol = 0.1;
        for (double stp0 : new double[] {1e-3, 1e-1, 10, 1e3}) {
            MoreThuente ls = new MoreThuente(ftol, gtol, 0.1);
            ls.start(phi.applyAsDouble(0), dphi.applyAsDouble(0), stp0, 0, 1e10);
            MoreThuente.Status st = MoreThuente.Status.SEARCHING;
            int evals = 0;
            while (st == MoreThuente.Status.SEARCHING && evals < 50) {
                double a = ls.step();
                st = ls.next(phi.applyAsDouble(a), dphi.applyAsDouble(a));
                evals++;
            }
            assertEquals(MoreThuente.Status.CONVERGED, st, "from " + stp0);
            double a = ls.step();
            assertTrue(phi.applyAsDouble(a) <= phi.applyAsDouble(0) + ftol * a * dphi.applyAsDouble(0), "sufficient decrease");
            assertTrue(Math.abs(dphi.applyAsDouble(a)) <= gtol * Math.abs(dphi.applyAsDouble(0)), "curvature, from " + stp0);
        }
    }
}
