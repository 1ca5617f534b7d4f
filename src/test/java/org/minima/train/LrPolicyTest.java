package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;

/**
 * Every policy, built from its config mapping, against its closed form (LRBench, Wu et al. 2019; SGDR eq. 5;
 * one-cycle; Goyal et al.'s warm-up) worked out by hand at chosen points, including the boundaries of steps,
 * cycles and restarts.
 */
class LrPolicyTest {
    private static final double TOL = 1e-12;

    private static LrPolicy p(Map<String, Object> m) {
        return LrPolicies.parse(m, 1.0, 20, "test");
    }

    @Test
    void fixedIsConstant() {
        LrPolicy f = LrPolicies.parse(Map.of("name", "fixed"), 0.1, 20, "t");
        assertEquals(0.1, f.rate(0), TOL);
        assertEquals(0.1, f.rate(7.3), TOL);
    }

    @Test
    void stepDropsByGammaExactlyAtMultiplesOfEvery() {
        LrPolicy s = p(Map.of("name", "step", "gamma", 0.5, "every", 5));
        assertEquals(1, s.rate(4.999), TOL);
        assertEquals(0.5, s.rate(5), TOL);
        assertEquals(0.25, s.rate(10), TOL);
    }

    @Test
    void multistepDropsAtEachMilestone() {
        LrPolicy s = p(Map.of("name", "multistep", "gamma", 0.1, "milestones", List.of(2, 5)));
        assertEquals(1, s.rate(1.99), TOL);
        assertEquals(0.1, s.rate(2), TOL);
        assertEquals(0.01, s.rate(5), 1e-15);
    }

    @Test
    void exponentialAndInverseMatchTheirFormulas() {
        LrPolicy e = p(Map.of("name", "exponential", "gamma", 0.5));
        assertEquals(0.25, e.rate(2), TOL);
        assertEquals(Math.sqrt(0.5), e.rate(0.5), TOL);
        LrPolicy i = p(Map.of("name", "inverse", "gamma", 1, "power", 2));
        assertEquals(0.25, i.rate(1), TOL);     // (1 + 1)^−2
        assertEquals(1.0 / 16, i.rate(3), TOL); // (1 + 3)^−2
    }

    @Test
    void polynomialGoesFromLrToEndOverLengthThenStays() {
        LrPolicy s = p(Map.of("name", "polynomial", "end", 0.1, "power", 2, "length", 10));
        assertEquals(1, s.rate(0), TOL);
        assertEquals(0.9 * 0.25 + 0.1, s.rate(5), TOL); // (1 − 0.5)² = 0.25
        assertEquals(0.1, s.rate(10), TOL);
        assertEquals(0.1, s.rate(12), TOL);
    }

    @Test
    void sigmoidIsHalfAtItsCenter() {
        LrPolicy s = p(Map.of("name", "sigmoid", "gamma", 2, "center", 3));
        assertEquals(0.5, s.rate(3), TOL);
        assertEquals(1 / (1 + Math.exp(-2)), s.rate(4), TOL);
    }

    @Test
    void triangularRisesLinearlyToMaxAtHalfCycleAndBack() {
        LrPolicy s = p(Map.of("name", "triangular", "max", 3, "halfCycle", 2));
        double[] t = {0, 1, 2, 3, 4, 5};
        double[] want = {1, 2, 3, 2, 1, 2};
        for (int k = 0; k < t.length; k++) assertEquals(want[k], s.rate(t[k]), 1e-12, "t=" + t[k]);
    }

    @Test
    void triangular2HalvesTheAmplitudeEachCycleAndTriExpMultipliesByGammaToTheT() {
        LrPolicy s = p(Map.of("name", "triangular2", "max", 3, "halfCycle", 2));
        assertEquals(3, s.rate(2), TOL);   // first peak
        assertEquals(1.5, s.rate(5), TOL); // second cycle: 1 + 2·0.5/2
        assertEquals(2, s.rate(6), TOL);   // second peak: 1 + 2/2
        LrPolicy e = p(Map.of("name", "triangular-exponential", "max", 3, "halfCycle", 2, "gamma", 0.5));
        assertEquals(1 + 2 * 0.25, e.rate(2), TOL);
    }

    @Test
    void sineFamiliesMatchTheirFormulas() {
        LrPolicy s = p(Map.of("name", "sine", "max", 3, "halfCycle", 2));
        assertEquals(1 + Math.sqrt(2), s.rate(1), TOL); // 1 + 2·sin(π/4)
        assertEquals(3, s.rate(2), TOL);
        assertEquals(1, s.rate(4), TOL);
        LrPolicy s2 = p(Map.of("name", "sine2", "max", 3, "halfCycle", 2));
        assertEquals(2, s2.rate(6), TOL);
        LrPolicy se = p(Map.of("name", "sine-exponential", "max", 3, "halfCycle", 2, "gamma", 0.5));
        assertEquals(1 + Math.sqrt(2) / 2, se.rate(1), TOL);
    }

    @Test
    void cosineAnnealsFromLrToEndOverTheRunByDefault() {
        LrPolicy c = p(Map.of("name", "cosine")); // length defaults to the run's 20 epochs
        assertEquals(1, c.rate(0), TOL);
        assertEquals(0.5, c.rate(10), TOL);
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), c.rate(5), TOL);
        assertEquals(0, c.rate(20), TOL);
        assertEquals(0, c.rate(25), TOL);
    }

    @Test
    void cosineWithRestartsJumpsBackToLrAtEachRestartWithGrowingPeriods() {
        LrPolicy c = p(Map.of("name", "cosine-restarts", "period", 2, "mult", 2));
        assertEquals(1, c.rate(0), TOL);
        assertEquals(0.5, c.rate(1), TOL);
        assertTrue(c.rate(1.999) < 1e-5);
        assertEquals(1, c.rate(2), TOL);   // first restart at T0 = 2
        assertEquals(0.5, c.rate(4), TOL); // middle of the second period [2, 6)
        assertEquals(1, c.rate(6), TOL);   // second restart at 2 + 4
    }

    @Test
    void oneCycleRisesFromLrOverDivToLrThenFallsToTheFinalRate() {
        LrPolicy c = p(Map.of("name", "one-cycle", "length", 10));
        assertEquals(0.04, c.rate(0), TOL);               // 1/25
        assertEquals(0.52, c.rate(1.5), TOL);             // halfway up: (0.04 + 1)/2
        assertEquals(1, c.rate(3), TOL);                  // peak at pctStart·l
        assertEquals((1 + 4e-6) / 2, c.rate(6.5), TOL);   // halfway down to 0.04/1e4
        assertEquals(4e-6, c.rate(10), TOL);
    }

    @Test
    void warmupRampsLinearlyThenStartsThePolicyAtItsOwnZero() {
        LrPolicy w = p(Map.of("name", "step", "gamma", 0.5, "every", 5, "warmup", 2));
        assertEquals(0, w.rate(0), TOL);
        assertEquals(0.5, w.rate(1), TOL);
        assertEquals(1, w.rate(2), TOL);
        assertEquals(1, w.rate(6.9), TOL);
        assertEquals(0.5, w.rate(7), TOL); // the step at 5 epochs after the warm-up
        LrPolicy cw = p(Map.of("name", "cosine", "warmup", 4)); // cosine over the 16 epochs left
        assertEquals(0.5, cw.rate(12), TOL);
    }

    @Test
    void piecewiseRunsEachPieceOnItsOwnClock() {
        LrPolicy s = p(Map.of("name", "piecewise", "pieces", List.of(
                Map.of("name", "fixed", "until", 5),
                Map.of("name", "cosine", "until", 15, "end", 0),
                Map.of("name", "fixed", "lr", 0.01))));
        assertEquals(1, s.rate(4.9), TOL);
        assertEquals(1, s.rate(5), TOL);    // cosine starts at its own t = 0
        assertEquals(0.5, s.rate(10), TOL); // halfway through the cosine piece of length 10
        assertEquals(0.01, s.rate(15), TOL);
    }

    @Test
    void everyCatalogueExampleParses() {
        for (LrPolicies.Entry e : LrPolicies.CATALOGUE) {
            Map<String, Object> m = new java.util.HashMap<>(e.example());
            m.put("name", e.name());
            LrPolicy pol = LrPolicies.parse(m, 1e-3, 20, "example");
            assertTrue(pol.rate(3.3) > 0, e.name());
        }
    }

    @Test
    void unknownPolicyKeyIsRejectedNamingTheKey() {
        InputException ex = assertThrows(InputException.class,
                () -> p(Map.of("name", "step", "gama", 0.5, "every", 5)));
        assertTrue(ex.getMessage().contains("'gama'") && ex.getMessage().contains("gamma"), ex.getMessage());
        InputException miss = assertThrows(InputException.class, () -> p(Map.of("name", "step")));
        assertTrue(miss.getMessage().contains("every"), miss.getMessage());
    }
}
