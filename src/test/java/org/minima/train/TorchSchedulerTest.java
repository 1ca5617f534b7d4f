package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;

/**
 * Each policy with a torch.optim.lr_scheduler counterpart, configured with PyTorch's parameter names, against
 * the rates PyTorch 1.13 gives at epochs 0, 1, 2, ... with one scheduler.step() per epoch and base lr 1. The
 * expected values are typed in from src/test/resources/torch/lr_schedulers.py (run with /usr/bin/python3).
 */
class TorchSchedulerTest {
    private static final double TOL = 1e-12;

    private static void assertRates(double[] torch, Map<String, Object> config) {
        LrPolicy p = LrPolicies.parse(config, 1.0, 20, "test");
        for (int e = 0; e < torch.length; e++) assertEquals(torch[e], p.rate(e), TOL, config + " at epoch " + e);
    }

    private static Map<String, Object> m(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void stepMultistepExponentialAndPolynomialGiveStepLRMultiStepLRExponentialLRAndPolynomialLR() {
        assertRates(new double[] {1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25}, m("name", "step", "step_size", 3, "gamma", 0.5));
        assertRates(new double[] {1.0, 1.0, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002},
                m("name", "multistep", "milestones", List.of(2, 5), "gamma", 0.1));
        assertRates(new double[] {1.0, 0.8, 0.6400000000000001, 0.5120000000000001, 0.40960000000000013}, m("name", "exponential", "gamma", 0.8));
        assertRates(new double[] {1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0}, m("name", "polynomial", "total_iters", 4, "power", 2));
    }

    @Test
    void cosineAndCosineRestartsGiveCosineAnnealingLRAndCosineAnnealingWarmRestarts() {
        assertRates(new double[] {1.0, 0.9779754323328191, 0.9140576474687263, 0.8145033635316129, 0.6890576474687263, 0.55,
            0.41094235253127376, 0.2854966364683872, 0.18594235253127372, 0.12202456766718092, 0.1},
                m("name", "cosine", "T_max", 10, "eta_min", 0.1));
        assertRates(new double[] {1.0, 0.505, 1.0, 0.855017856687341, 0.505, 0.15498214331265903, 1.0, 0.9623203685930869, 0.855017856687341},
                m("name", "cosine-restarts", "T_0", 2, "T_mult", 2, "eta_min", 0.01));
    }

    @Test
    void theTriangularFamilyGivesCyclicLRInItsThreeModes() {
        assertRates(new double[] {0.1, 0.55, 1.0, 0.55, 0.1, 0.55, 1.0, 0.55, 0.1, 0.55},
                m("name", "triangular", "base_lr", 0.1, "max_lr", 1.0, "step_size_up", 2));
        assertRates(new double[] {0.1, 0.55, 1.0, 0.55, 0.1, 0.325, 0.55, 0.325, 0.1, 0.21250000000000002},
                m("name", "triangular2", "base_lr", 0.1, "max_lr", 1.0, "step_size_up", 2));
        assertRates(new double[] {0.1, 0.505, 0.8290000000000001, 0.42805000000000004, 0.1, 0.3657205, 0.5782969000000001, 0.3152336050000001,
            0.1, 0.27433922005000005}, m("name", "triangular-exponential", "base_lr", 0.1, "max_lr", 1.0, "step_size_up", 2, "gamma", 0.9));
    }

    @Test
    void oneCycleGivesOneCycleLRWithItsPhaseEndsOneStepEarlier() {
        // OneCycleLR ends its phases at steps pct·T − 1 and T − 1 (T = total_steps = 11): our length T − 1 = 10 and
        // pctStart (0.3·11 − 1)/10 = 0.23 draw the same curve (docs/training.md).
        assertRates(new double[] {0.040000000000000036, 0.4223411137347358, 0.9602614247226174, 0.9797465678213015, 0.8844757247686303,
            0.7260870492975283, 0.5305827080875998, 0.3300580289872949, 0.15743251279950787, 0.041045543206290856, 4e-06},
                m("name", "one-cycle", "max_lr", 1.0, "total_steps", 10, "pct_start", 0.23, "div_factor", 25, "final_div_factor", 1e4));
    }

    @Test
    void reduceOnPlateauGivesReduceLROnPlateauOnAScriptedLossSequence() {
        // improvement needs loss < best·0.9; patience 1: cut after the 2nd bad epoch in a row; cooldown 1; floor 0.2
        double[] losses = {1.0, 0.8, 0.79, 0.78, 0.77, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
        double[] torch = {1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2};
        LrPolicy p = LrPolicies.parse(m("name", "reduce-on-plateau", "factor", 0.5, "patience", 1, "threshold", 0.1, "cooldown", 1,
                "min_lr", 0.2), 1.0, 20, "test");
        for (int e = 0; e < losses.length; e++) {
            assertEquals(torch[e], p.rate(e + 0.5), TOL, "epoch " + e);
            p.epochEnded(losses[e], Double.NaN);
        }
        p.restart(); // a resumed run replays its history from here
        assertEquals(1.0, p.rate(0), TOL);
    }

    @Test
    void reduceOnPlateauCanWatchTheTestLoss() {
        LrPolicy p = LrPolicies.parse(m("name", "reduce-on-plateau", "gamma", 0.1, "patience", 0, "monitor", "test"), 2.0, 20, "test");
        p.epochEnded(1.0, 1.0);
        p.epochEnded(0.5, 1.5); // the training loss improved, the test loss did not: cut
        assertEquals(0.2, p.rate(2), TOL);
    }

    @Test
    void ourNameAndPyTorchsNameOfOneParameterTogetherAreRejected() {
        InputException e = assertThrows(InputException.class, () -> LrPolicies.parse(m("name", "step", "every", 2, "step_size", 3), 1, 20, "run.yaml: lrPolicy"));
        assertTrue(e.getMessage().contains("'step_size' is PyTorch's name for 'every'"), e.getMessage());
    }
}
