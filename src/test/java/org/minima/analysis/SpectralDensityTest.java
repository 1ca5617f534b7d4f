package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpectralDensityTest {
    /** 150 eigenvalues uniform in [0, 1], 149 in [9, 10], one outlier at 20. */
    static double[] twoClusters() {
        double[] d = new double[300];
        for (int i = 0; i < 150; i++) d[i] = i / 150.0;
        for (int i = 150; i < 299; i++) d[i] = 9 + (i - 150) / 149.0;
        d[299] = 20;
        return d;
    }

    static double integral(double[] x, double[] y, double from, double to) {
        double s = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i - 1] >= from && x[i] <= to) s += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
        }
        return s;
    }

    @Test
    void densityIntegratesToOneAndPutsHalfItsMassOnEachKnownCluster() {
        // independent answer: the chosen spectrum has 150/300 eigenvalues in [0, 1] and 149/300 in [9, 10];
        // SLQ's error for 10 runs on n = 300 is about 0.02 in each mass, so 0.06 is three of them
        DenseQuadratic f = DenseQuadratic.rotated(twoClusters(), 41);
        SpectralDensity.Density d = SpectralDensity.estimate(f.operator(), new SpectralDensity.Options(10, 40, 2001, 5, 0));
        assertTrue(d.reorthogonalized());
        assertEquals(1.0, integral(d.grid(), d.values(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), 1e-6);
        assertEquals(0.5, integral(d.grid(), d.values(), -1, 2), 0.06);
        assertEquals(149 / 300.0, integral(d.grid(), d.values(), 8, 11), 0.06);
        assertEquals(0.0, integral(d.grid(), d.values(), 2.5, 7.5), 1e-3);
        // the outlier is a node of every run (Lanczos finds extreme eigenvalues first)
        for (double[] nodes : d.nodes()) assertEquals(20, nodes[0] > nodes[nodes.length - 1] ? nodes[0] : nodes[nodes.length - 1], 1e-6);
        assertEquals(400, d.hvps());
    }

    @Test
    void withoutReorthogonalizationTheMassesStillMatchTheKnownClusters() {
        // independent answer: as above; a memory budget of 2 vectors forces the three-term recurrence
        DenseQuadratic f = DenseQuadratic.rotated(twoClusters(), 42);
        SpectralDensity.Density d = SpectralDensity.estimate(f.operator(), new SpectralDensity.Options(10, 40, 2001, 5, 2L * 300 * 8));
        assertFalse(d.reorthogonalized());
        assertEquals(1.0, integral(d.grid(), d.values(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), 1e-6);
        assertEquals(0.5, integral(d.grid(), d.values(), -1, 2), 0.06);
        assertEquals(149 / 300.0, integral(d.grid(), d.values(), 8, 11), 0.06);
    }
}
