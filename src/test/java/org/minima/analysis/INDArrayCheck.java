package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.nd4j.linalg.api.ndarray.INDArray;

final class INDArrayCheck {
    private INDArrayCheck() {}

    static void unitNorm(INDArray v) {
        double s = 0;
        for (double x : v.toDoubleVector()) s += x * x;
        assertEquals(1.0, Math.sqrt(s), 1e-10);
    }
}
