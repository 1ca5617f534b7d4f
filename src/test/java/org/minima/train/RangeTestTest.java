package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The range test's suggestion on synthetic loss curves whose steepest point is known in closed form. */
class RangeTestTest {

    @Test
    void theSuggestionIsTheSteepestFallOfTheLossAgainstLogRateBeforeTheMinimum() {
        // L(x) = 2 − tanh((x − x0)/w) + 5·max(0, x − x1)², x = log10 lr: its slope −sech²(·)/w is steepest at x = x0 = −3,
        // and the quadratic term makes it blow up past x1 = −1. Sampled on 121 rates 1e-6..1e0 (x0 is grid point 60).
        RangeTest.Options o = RangeTest.Options.defaults().withRange(1e-6, 1).withSteps(121);
        double[] rates = new double[121], losses = new double[121];
        for (int i = 0; i < 121; i++) {
            rates[i] = o.rate(i);
            double x = Math.log10(rates[i]);
            losses[i] = 2 - Math.tanh((x + 3) / 0.5) + 5 * Math.pow(Math.max(0, x + 1), 2);
        }
        RangeTest.Result r = RangeTest.analyse(rates, losses, 0, "test");
        assertEquals(1e-3, r.suggested(), 1e-3 * 1e-9);
        // the minimum of L lies where its slope −sech²((x+3)/0.5)/0.5 + 10(x+1) is 0: just above x = −1 (grid step 0.05)
        assertEquals(-1.0, Math.log10(r.minimumOverTen() * 10), 0.051);
        assertTrue(r.smoothed()[60] == losses[60]); // smoothing 0: the raw curve
    }

    @Test
    void aDivergedTailEndsTheCurveAndTheEarlyNoiseIsSkipped() {
        double[] rates = new double[20], losses = new double[20];
        for (int i = 0; i < 20; i++) {
            rates[i] = Math.pow(10, -6 + 0.3 * i);
            losses[i] = 3 - Math.tanh((i - 5) / 2.0); // evenly spaced log rates: steepest at point 5
        }
        losses[0] = 10; // a noisy start that falls steeply; skipped
        losses[15] = Double.NaN;
        RangeTest.Result r = RangeTest.analyse(rates, losses, 0, "test");
        assertTrue(Double.isNaN(r.smoothed()[16]));
        assertEquals(rates[14] / 10, r.minimumOverTen(), 1e-18); // minimum among the finite points
        assertEquals(rates[5], r.suggested(), 1e-18);              // not point 1, which the skip (20/10 = 2 points) hides
    }
}
