package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TraceEstimatorTest {
    @Test
    void hutchinsonIsExactOnADiagonalMatrix() {
        // independent answer: zᵀDz = Σ dᵢzᵢ² = Σ dᵢ for every Rademacher z
        double[] d = LanczosTest.spectrum();
        DenseQuadratic f = DenseQuadratic.diagonal(d);
        TraceEstimator.Estimate e = TraceEstimator.hutchinson(f.operator(), 5, 1);
        assertEquals(Arrays.stream(d).sum(), e.trace(), 1e-10);
        assertEquals(0, e.stdErr(), 1e-10);
        assertEquals(5, e.hvps());
    }

    @Test
    void hutchPlusPlusIsExactOnALowRankMatrix() {
        // independent answer: rank 4 < the 10 sketch vectors of 30 products, so Q spans the range, the
        // deflated remainder is zero and the trace is the sum of the 4 chosen eigenvalues
        double[] d = new double[200];
        d[0] = 5; d[1] = 3; d[2] = -2; d[3] = 0.5;
        DenseQuadratic f = DenseQuadratic.rotated(d, 31);
        TraceEstimator.Estimate e = TraceEstimator.hutchPlusPlus(f.operator(), 30, 2);
        assertEquals(6.5, e.trace(), 1e-9);
        assertEquals(0, e.stdErr(), 1e-9);
        assertTrue(e.hvps() <= 30);
    }

    @Test
    void bothEstimatesAreWithinFourStandardErrorsOfTheExactTraceOfARotatedMatrix() {
        // independent answer: tr(Q·D·Qᵀ) = Σ d; a rotated (non-diagonal) matrix, so Hutchinson has variance
        double[] d = LanczosTest.spectrum();
        double exact = Arrays.stream(d).sum();
        DenseQuadratic f = DenseQuadratic.rotated(d, 32);
        TraceEstimator.Estimate hutch = TraceEstimator.hutchinson(f.operator(), 60, 3);
        TraceEstimator.Estimate pp = TraceEstimator.hutchPlusPlus(f.operator(), 60, 3);
        assertTrue(hutch.stdErr() > 0 && pp.stdErr() > 0);
        assertEquals(exact, hutch.trace(), 4 * hutch.stdErr());
        assertEquals(exact, pp.trace(), 4 * pp.stdErr());
        // the outliers (20, 15, …) dominate Hutchinson's variance; Hutch++ removes them
        assertTrue(pp.stdErr() < hutch.stdErr(), pp.stdErr() + " vs " + hutch.stdErr());
    }
}
