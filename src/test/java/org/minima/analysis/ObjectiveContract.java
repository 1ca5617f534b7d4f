package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minima.nn.NetTesting;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every {@link Objective} must do, run against each implementation by a subclass (as EJML runs one abstract
 * suite against every matrix type): value and gradient against central differences, H·v against central differences
 * of exact gradients (float64), the caller's vectors, earlier outputs and whatever the objective was built from left
 * bit for bit as they were by every call, the same bits from the same call, the in-place fast path equal to the
 * copying one, and chunked evaluation equal to unchunked. JUnit makes a new instance per test, so a subclass builds
 * its objective in its fields.
 */
abstract class ObjectiveContract {
    /** Central-difference step; float64 throughout. */
    static final double H = 1e-5;

    /** The objective under test. */
    abstract Objective objective();

    /** A float64 point of length n, owned by the caller (not the objective's in-place vector). */
    abstract INDArray point();

    /** What the objective was built from and must never change (a network's vectors, a matrix); empty by default. */
    List<INDArray> given() {
        return List.of();
    }

    /** The same function evaluated in other chunk sizes, to compare with {@link #objective}; empty if it has none. */
    List<Objective> rechunked() {
        return List.of();
    }

    /** Allowed |analytic − difference| relative to the norm of the differences. */
    double tolerance() {
        return 1e-6;
    }

    // ---------------------------------------------------------------- helpers

    /** n normal values of standard deviation {@code scale}, float64. */
    static INDArray gaussian(long n, double scale, long seed) {
        return NetTesting.randomVector(n, seed).muli(scale);
    }

    private INDArray gradient(Objective f, INDArray w) {
        INDArray g = Nd4j.create(DataType.DOUBLE, f.dimension());
        f.valueAndGradient(w, g);
        return g;
    }

    private INDArray hv(Objective f, INDArray w, INDArray v) {
        INDArray out = Nd4j.create(DataType.DOUBLE, f.dimension());
        f.hessianVector(w, v, out);
        return out;
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double x : a) s += x * x;
        return Math.sqrt(s);
    }

    private static void assertClose(double[] expected, double[] actual, double rel, String what) {
        double err = 0;
        for (int i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(expected[i] - actual[i]));
        assertTrue(err <= rel * norm(expected) + 1e-13, what + ": max difference " + err + ", norm " + norm(expected));
    }

    /** Bit-exact copies of vectors, to compare after calls. */
    private static List<double[]> snapshot(List<INDArray> vectors) {
        List<double[]> s = new ArrayList<>();
        for (INDArray v : vectors) s.add(v.dup('c').data().asDouble()); // any rank
        return s;
    }

    private static void assertUnchanged(List<double[]> before, List<INDArray> vectors, String what) {
        for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), vectors.get(i).dup('c').data().asDouble(), what + " #" + i);
    }

    // ---------------------------------------------------------------- the contract

    @Test
    void valueAndGradientMatchCentralDifferences() {
        Objective f = objective();
        INDArray w = point();
        assertEquals(f.dimension(), w.length());
        INDArray g = Nd4j.create(DataType.DOUBLE, f.dimension());
        double v = f.valueAndGradient(w, g);
        assertEquals(f.value(w), v, 1e-12 * Math.abs(v), "valueAndGradient's value against value");
        double[] fd = NetTesting.centralDifferences(f::value, w, H);
        assertClose(fd, g.toDoubleVector(), tolerance(), "gradient against central differences of value");
    }

    @Test
    void hessianVectorMatchesCentralDifferencesOfTheGradient() {
        Objective f = objective();
        INDArray w = point();
        for (long seed = 31; seed <= 32; seed++) {
            INDArray v = gaussian(f.dimension(), 1.0, seed);
            double[] expected = gradient(f, w.add(v.mul(H))).sub(gradient(f, w.sub(v.mul(H)))).div(2 * H).toDoubleVector();
            assertClose(expected, hv(f, w, v).toDoubleVector(), tolerance(), "H·v against differences of gradients");
        }
    }

    @Test
    void everyCallLeavesTheCallersVectorsEarlierOutputsAndItsSourceUntouched() {
        Objective f = objective();
        INDArray w = point();
        INDArray v = gaussian(f.dimension(), 1.0, 41);
        INDArray other = w.add(gaussian(f.dimension(), 0.1, 42));
        List<INDArray> kept = new ArrayList<>(List.of(w, v, other));
        kept.addAll(given());
        List<double[]> before = snapshot(kept);

        f.value(w);
        assertUnchanged(before, kept, "after value");
        INDArray g = gradient(f, w);
        assertUnchanged(before, kept, "after valueAndGradient");
        INDArray hv = hv(f, w, v);
        assertUnchanged(before, kept, "after hessianVector");

        // Outputs of earlier calls are the caller's too: later calls at another point must not reach them.
        kept.add(g);
        kept.add(hv);
        before = snapshot(kept);
        f.value(other);
        gradient(f, other);
        hv(f, other, v);
        assertUnchanged(before, kept, "after calls at another point");

        // The fast path writes into the objective's own vectors only.
        INDArray p = f.inPlacePoint(), pg = f.inPlaceGradient();
        if (p != null) {
            p.assign(other);
            f.valueAndGradient(p, pg != null ? pg : Nd4j.create(DataType.DOUBLE, f.dimension()));
            f.hessianVector(p, v, Nd4j.create(DataType.DOUBLE, f.dimension()));
            assertUnchanged(before, kept, "after calls through inPlacePoint");
        }
    }

    @Test
    void repeatedCallsGiveTheSameBitsAndTheInPlacePathTheCopyingOnes() {
        Objective f = objective();
        INDArray w = point();
        INDArray other = w.add(gaussian(f.dimension(), 0.1, 51));
        INDArray v = gaussian(f.dimension(), 1.0, 52);
        double value = f.value(w);
        INDArray g = Nd4j.create(DataType.DOUBLE, f.dimension());
        double gv = f.valueAndGradient(w, g);
        double[] grad = g.toDoubleVector();
        double[] hv = hv(f, w, v).toDoubleVector();

        f.valueAndGradient(other, Nd4j.create(DataType.DOUBLE, f.dimension())); // state left behind must not matter
        f.hessianVector(other, v, Nd4j.create(DataType.DOUBLE, f.dimension()));
        assertEquals(value, f.value(w));
        assertEquals(gv, f.valueAndGradient(w, g));
        assertArrayEquals(grad, g.toDoubleVector());
        assertArrayEquals(hv, hv(f, w, v).toDoubleVector());

        INDArray p = f.inPlacePoint(), pg = f.inPlaceGradient();
        if (p != null) {
            p.assign(w);
            assertEquals(value, f.value(p), "value through inPlacePoint");
            INDArray out = pg != null ? pg : Nd4j.create(DataType.DOUBLE, f.dimension());
            p.assign(w);
            assertEquals(gv, f.valueAndGradient(p, out), "valueAndGradient through inPlacePoint");
            assertArrayEquals(grad, out.toDoubleVector(), "gradient through inPlaceGradient");
            p.assign(w);
            assertArrayEquals(hv, hv(f, p, v).toDoubleVector(), "H·v through inPlacePoint");
        }
    }

    @Test
    void chunkedEqualsUnchunked() {
        List<Objective> others = rechunked();
        assumeFalse(others.isEmpty(), "this objective has no chunk size");
        Objective f = objective();
        INDArray w = point();
        INDArray v = gaussian(f.dimension(), 1.0, 61);
        double value = f.value(w);
        double[] grad = gradient(f, w).toDoubleVector();
        double[] hv = hv(f, w, v).toDoubleVector();
        for (Objective o : others) {
            // Another chunk size sums in another order: equal to rounding, not bit for bit.
            assertEquals(value, o.value(w), 1e-13 * Math.abs(value), "value");
            assertClose(grad, gradient(o, w).toDoubleVector(), 1e-12, "gradient");
            assertClose(hv, hv(o, w, v).toDoubleVector(), 1e-12, "H·v");
        }
    }
}
