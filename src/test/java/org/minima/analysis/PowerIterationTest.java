package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerIterationTest {
    @Test
    void deflatedPowerIterationFindsTheKnownLargestMagnitudeEigenvalues() {
        // independent answer: the spectrum of Q·diag(d)·Qᵀ is d (largest magnitudes 20, 15, 12)
        DenseQuadratic f = DenseQuadratic.rotated(LanczosTest.spectrum(), 21);
        PowerIteration.Result r = PowerIteration.run(f.operator(),
                new PowerIteration.Options(3, 1000, 1e-6, PowerIteration.Stop.RESIDUAL, 3));
        assertArrayEquals(new double[] {20, 15, 12}, r.eigenvalues(), 1e-8);
        for (int i = 0; i < 3; i++) assertTrue(r.residuals()[i] <= 2e-6 * 20, "residual " + r.residuals()[i]);
        for (int it : r.iterations()) assertTrue(it < 1000);
        assertEquals(r.iterations()[0] + r.iterations()[1] + r.iterations()[2], r.hvps());
    }

    @Test
    void pyHessianStoppingRuleEndsWithinOneTenthPercentOfTheTopEigenvalue() {
        // independent answer: λ₁ = 20; the second eigenvalue 15 gives a convergence ratio 0.75 per step, so a
        // 1e-3 relative change leaves an error of the same order
        DenseQuadratic f = DenseQuadratic.rotated(LanczosTest.spectrum(), 22);
        PowerIteration.Result r = PowerIteration.run(f.operator(), PowerIteration.Options.pyHessian(1, 3));
        assertEquals(20, r.eigenvalues()[0], 20 * 5e-3);
        assertTrue(r.hvps() <= 100);
    }
}
