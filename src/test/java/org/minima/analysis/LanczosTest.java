package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

class LanczosTest {
    /** A bulk uniform in [0, 1] plus outliers at both ends, like a trained network's Hessian. n = 300. */
    static double[] spectrum() {
        int n = 300;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = (double) i / n;
        double[] top = {20, 15, 12, 11, 10.5};
        double[] bottom = {-4, -3, -2.5};
        System.arraycopy(top, 0, d, 0, top.length);
        System.arraycopy(bottom, 0, d, top.length, bottom.length);
        return d;
    }

    static double[] sortedDescending(double[] d) {
        double[] s = d.clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) { double t = s[i]; s[i] = s[s.length - 1 - i]; s[s.length - 1 - i] = t; }
        return s;
    }

    private static Lanczos.Options options(int top, int bottom, double tol, int steps, int block, long memory) {
        return new Lanczos.Options(top, bottom, tol, steps, block, 7, true, memory);
    }

    @Test
    void topAndBottomOfADiagonalMatrixAreItsKnownLargestAndSmallestEntries() {
        // independent answer: the spectrum of diag(d) is d itself
        double[] d = spectrum();
        DenseQuadratic f = DenseQuadratic.diagonal(d);
        Lanczos.Result r = Lanczos.run(f.operator(), options(5, 3, 1e-8, 200, 1, 0));
        assertTrue(r.converged());
        assertArrayEquals(new double[] {20, 15, 12, 11, 10.5}, r.eigenvalues(), 1e-9 * 20);
        assertArrayEquals(new double[] {-4, -3, -2.5}, r.bottomEigenvalues(), 1e-9 * 20);
        // the true residuals are below the stopping tolerance, and the count includes one product per reported vector
        for (double res : r.residuals()) assertTrue(res <= 1e-8 * 20 * 1.5, "residual " + res);
        assertEquals(r.steps() + 8, r.hvps());
    }

    @Test
    void topAndBottomOfARotatedDiagonalMatchCommonsMathEigenDecomposition() {
        // independent answer: Commons Math's dense symmetric eigensolver on the same 300×300 matrix Q·D·Qᵀ
        DenseQuadratic f = DenseQuadratic.rotated(spectrum(), 11);
        double[] exact = sortedDescending(new EigenDecomposition(new Array2DRowRealMatrix(f.a)).getRealEigenvalues());
        Lanczos.Result r = Lanczos.run(f.operator(), options(5, 3, 1e-8, 200, 1, 0));
        assertArrayEquals(Arrays.copyOf(exact, 5), r.eigenvalues(), 1e-8 * 20);
        double[] bottom = {exact[exact.length - 1], exact[exact.length - 2], exact[exact.length - 3]};
        assertArrayEquals(bottom, r.bottomEigenvalues(), 1e-8 * 20);
    }

    @Test
    void reportedResidualsAreTheTrueResidualsOfTheReturnedVectors() {
        // independent answer: ‖A·y − θ·y‖ recomputed in plain Java double arithmetic from the returned y
        DenseQuadratic f = DenseQuadratic.rotated(spectrum(), 12);
        // a loose tolerance, so that the residuals are far from zero and the comparison means something
        Lanczos.Result r = Lanczos.run(f.operator(), options(3, 2, 1e-2, 200, 1, 0));
        for (int i = 0; i < 3; i++) {
            INDArrayCheck.unitNorm(r.vectors().get(i));
            assertEquals(f.residual(r.vectors().get(i), r.eigenvalues()[i]), r.residuals()[i], 1e-10);
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(f.residual(r.bottomVectors().get(i), r.bottomEigenvalues()[i]), r.bottomResiduals()[i], 1e-10);
        }
    }

    @Test
    void aTripleTopEigenvalueIsFoundThreeTimesWithBlockSizeThree() {
        // independent answer: the chosen spectrum {9, 9, 9, 8, 7, bulk in [0, 1]} of a rotated diagonal
        double[] d = spectrum();
        d[0] = 9; d[1] = 9; d[2] = 9; d[3] = 8; d[4] = 7;
        DenseQuadratic f = DenseQuadratic.rotated(d, 13);
        Lanczos.Result r = Lanczos.run(f.operator(), options(5, 0, 1e-9, 100, 3, 0));
        assertArrayEquals(new double[] {9, 9, 9, 8, 7}, r.eigenvalues(), 1e-8 * 9);
    }

    @Test
    void clusteredTopEigenvaluesAreSeparated() {
        // independent answer: the chosen spectrum {10, 10 − 1e-3, 10 − 2e-3, bulk} of a rotated diagonal
        double[] d = spectrum();
        d[0] = 10; d[1] = 10 - 1e-3; d[2] = 10 - 2e-3; d[3] = 1; d[4] = 1;
        DenseQuadratic f = DenseQuadratic.rotated(d, 14);
        Lanczos.Result r = Lanczos.run(f.operator(), options(3, 0, 1e-10, 290, 1, 0));
        assertTrue(r.converged());
        assertArrayEquals(new double[] {10, 10 - 1e-3, 10 - 2e-3}, r.eigenvalues(), 1e-9);
    }

    @Test
    void aThickRestartedBasisOfTwentyVectorsStillFindsTheKnownTopAndBottom() {
        // independent answer: the spectrum of diag(d); a memory budget of 24 vectors forces restarts
        double[] d = spectrum();
        DenseQuadratic f = DenseQuadratic.rotated(d, 15);
        Lanczos.Result r = Lanczos.run(f.operator(), options(3, 2, 1e-8, 400, 1, 24L * 300 * 8));
        assertTrue(r.restarts() > 0, "restarted " + r.restarts());
        assertTrue(r.basisCapacity() <= 24);
        assertTrue(r.converged());
        assertArrayEquals(new double[] {20, 15, 12}, r.eigenvalues(), 1e-8 * 20);
        assertArrayEquals(new double[] {-4, -3}, r.bottomEigenvalues(), 1e-8 * 20);
    }

    @Test
    void tooLittleMemoryIsReportedWithTheMemoryNeeded() {
        // bad input (exit 2): the memory needed is checked before the basis is allocated
        DenseQuadratic f = DenseQuadratic.diagonal(spectrum());
        org.minima.io.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.minima.io.InputException.class,
                () -> Lanczos.run(f.operator(), options(5, 0, 1e-8, 100, 1, 3L * 300 * 8)));
        assertTrue(e.getMessage().contains("GB"), e.getMessage());
    }
}
