package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;

/** Network.inputGradient (FGSM's ∇ₓ loss) against central differences in float64. */
class InputGradientTest {
    @Test
    void inputGradientOfAConvBatchNormNetMatchesCentralDifferencesInFloat64() {
        // preprocessing (raw·0.5 − 0.25)/2: an input step h is a raw step 4h; raw values on a 2⁻⁸ grid and h = 2⁻¹²
        // keep every perturbed raw value exact in float32, so the differences see float64 arithmetic only
        ModelSpec spec = new ModelSpec(new int[] {1, 4, 4}, 3, new ModelSpec.Preprocess(0.5, new double[] {0.25}, new double[] {2.0}),
                List.of(new ModelSpec.Conv2d(1, 2, 3, 1, 1), new ModelSpec.BatchNorm(2, 1e-5, 0.1), new ModelSpec.Relu(),
                        new ModelSpec.MaxPool2d(2, 2, 0), new ModelSpec.Flatten(), new ModelSpec.Linear(8, 3)));
        Network net = NetTesting.network(spec, 3);
        int n = 3, f = 16;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n * f];
        for (int i = 0; i < x.length; i++) x[i] = (r.nextInt(1024) - 512) / 256f;
        int[] y = {0, 2, 1};
        DataSet data = new DataSet("d", new int[] {1, 4, 4}, 3, x, y);
        double[] g = new double[n * f];
        double loss = net.inputGradient(data, null, 0, n, g);
        assertEquals(net.lossChunk(data, 0, n, BatchNormMode.Statistics.BATCH).lossSum(), loss, 1e-12);
        double h = Math.scalb(1.0, -12);
        double worst = 0;
        for (int k = 0; k < x.length; k++) {
            float keep = x[k];
            x[k] = keep + (float) (4 * h);
            double up = net.lossChunk(data, 0, n, BatchNormMode.Statistics.BATCH).lossSum();
            x[k] = keep - (float) (4 * h);
            double down = net.lossChunk(data, 0, n, BatchNormMode.Statistics.BATCH).lossSum();
            x[k] = keep;
            double fd = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - g[k]) / (1e-6 + Math.abs(fd)));
        }
        assertTrue(worst < 1e-5, "worst relative error " + worst);
        // the parameter gradient is left zero
        assertEquals(0.0, net.gradient().norm2Number().doubleValue(), 0.0);
    }
}
