package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.minima.io.ModelSpec;
import org.junit.jupiter.api.Test;

class FilterNormalizationTest {

    // conv 2→3 (3×3), BN 3, relu, maxpool, flatten, linear 12→4: parameters counted by hand below
    static final ModelSpec SPEC = new ModelSpec(new int[] {2, 4, 4}, 4, null, List.of(
            new ModelSpec.Conv2d(2, 3, 3, 1, 1),
            new ModelSpec.BatchNorm(3, 1e-5, 0.1),
            new ModelSpec.Relu(),
            new ModelSpec.MaxPool2d(2, 2, 0),
            new ModelSpec.Flatten(),
            new ModelSpec.Linear(12, 4)));

    @Test
    void layoutPutsEachTensorWhereTheContractsFlatOrderSays() {
        // by hand: conv.weight 3·2·3·3 = 54 at 0, conv.bias 3 at 54, bn.weight 3 at 57, bn.bias 3 at 60,
        // linear.weight 4·12 = 48 at 63, linear.bias 4 at 111; total 115. Buffers: running_mean 3, running_var 3.
        ParameterLayout l = ParameterLayout.of(SPEC);
        assertEquals(115, l.parameterCount());
        assertEquals(6, l.bufferCount());
        long[] offsets = l.parameters().stream().mapToLong(ParameterLayout.Block::offset).toArray();
        assertArrayEquals(new long[] {0, 54, 57, 60, 63, 111}, offsets);
        assertEquals("layers.5.weight", l.parameters().get(4).name());
        assertEquals(4, l.parameters().get(4).rows());
        assertEquals(12, l.parameters().get(4).rowLength());
        assertEquals("layers.1.running_var", l.buffers().get(1).name());
    }

    @Test
    void eachFilterOfTheNormalizedDirectionHasTheModelFiltersNormAndBiasAndBatchNormAreZero() {
        // Li et al. 2018 §4: ‖d_ij‖ = ‖θ_ij‖ per filter, direction unchanged within a filter; biasbn zeroed.
        // The norms are computed here by walking the PyTorch shapes [out, in, kh, kw] and [out, in] directly.
        ParameterLayout l = ParameterLayout.of(SPEC);
        SplittableRandom r = new SplittableRandom(7);
        double[] w = new double[115];
        for (int i = 0; i < w.length; i++) w[i] = r.nextDouble(-2, 2) * (i < 54 ? 0.1 : 3);
        double[] raw = FilterNormalization.randomDirections(w, l, 1, 42)[0].clone();
        double[] g = FilterNormalization.gaussian(115, new org.apache.commons.math3.random.Well19937c(42L));
        double[] d = raw.clone();
        // conv filters: out channel o covers w[o·18 .. o·18+17]
        for (int o = 0; o < 3; o++) checkFilter(w, g, d, o * 18, 18);
        for (int o = 0; o < 4; o++) checkFilter(w, g, d, 63 + o * 12, 12);
        for (int i = 54; i < 63; i++) assertEquals(0.0, d[i], 0.0, "bias/BN entry " + i);
        for (int i = 111; i < 115; i++) assertEquals(0.0, d[i], 0.0, "bias entry " + i);
    }

    private static void checkFilter(double[] w, double[] g, double[] d, int from, int len) {
        double wn = 0, dn = 0, gn = 0, dot = 0;
        for (int i = from; i < from + len; i++) {
            wn += w[i] * w[i];
            dn += d[i] * d[i];
            gn += g[i] * g[i];
            dot += d[i] * g[i];
        }
        assertEquals(Math.sqrt(wn), Math.sqrt(dn), 1e-12 * Math.sqrt(wn), "filter at " + from);
        assertEquals(1.0, dot / Math.sqrt(dn * gn), 1e-12, "filter at " + from + " keeps the Gaussian's direction");
    }

    @Test
    void sameSeedGivesTheSameDirectionsAndTheSecondDiffersFromTheFirst() {
        ParameterLayout l = ParameterLayout.of(SPEC);
        double[] w = new double[115];
        java.util.Arrays.fill(w, 0.5);
        double[][] a = FilterNormalization.randomDirections(w, l, 2, 3);
        double[][] b = FilterNormalization.randomDirections(w, l, 2, 3);
        assertArrayEquals(a[0], b[0], 0.0);
        assertArrayEquals(a[1], b[1], 0.0);
        assertEquals(false, java.util.Arrays.equals(a[0], a[1]));
    }
}
