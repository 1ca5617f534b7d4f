package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Dropout;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.Relu;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gradients of each layer type and of whole networks against central finite differences (float64). */
class NetworkGradientTest {

    private static void assertInferenceGradientMatchesDifferences(ModelSpec spec, DataSet data, int chunk, double rel) {
        NetTesting.assertInferenceGradientMatchesDifferences(network(spec, 7), data, chunk, rel);
    }

    @Test
    void linearReluFlattenGradientMatchesCentralDifferences() {
        // independent answer: (f(w+h·eᵢ) − f(w−h·eᵢ)) / 2h, h = 1e-5, for all 78 + 35 + 18 = 131 parameters
        ModelSpec spec = spec(new int[] {2, 2, 3}, 3,
                new Flatten(), new Linear(12, 6), new Relu(), new Linear(6, 5), new Relu(), new Linear(5, 3));
        assertInferenceGradientMatchesDifferences(spec, randomData(9, new int[] {2, 2, 3}, 3, 1), 4, 1e-7);
    }

    @Test
    void batchNormInferenceGradientMatchesCentralDifferences() {
        // inference mode with non-trivial running statistics: BN is affine per channel; FD of the loss
        ModelSpec spec = spec(new int[] {5}, 3,
                new Linear(5, 4), new BatchNorm(4, 1e-5, 0.1), new Relu(), new Dropout(0.5), new Linear(4, 3), new BatchNorm(3, 1e-5, 0.1));
        assertInferenceGradientMatchesDifferences(spec, randomData(11, new int[] {5}, 3, 2), 3, 1e-7);
    }

    @Test
    void trainingModeGradientWithBatchStatisticsAndAFixedDropoutMaskMatchesCentralDifferences() {
        // training mode: BN normalizes with the batch's own statistics (so ∂L/∂x has the two extra terms),
        // dropout uses the mask fixed by the seed; FD of trainStep's mean loss with the same seed
        ModelSpec spec = spec(new int[] {6}, 4,
                new Linear(6, 5), new BatchNorm(5, 1e-5, 0.1), new Relu(), new Dropout(0.4),
                new Linear(5, 5), new BatchNorm(5, 1e-5, 0.1), new Relu(), new Linear(5, 4));
        DataSet data = randomData(12, new int[] {6}, 4, 3);
        Network net = network(spec, 8);
        int[] order = {3, 1, 4, 0, 5, 9, 2, 6, 11, 7};
        assertTrainStepGradientMatchesDifferences(net, data, order, 1, 9, 42L);
    }

    @Test
    void dropoutMaskDropsAboutPAndScalesKeptValuesByOneOverOneMinusP() {
        // independent answer: the definition of inverted dropout; a 2000-value mask keeps 1−p ± 4σ of them
        Layer drop = new DropoutLayer(0, new int[] {2000}, 0.3);
        drop.allocate(1);
        Arr x = Arr.zeros(DataType.DOUBLE, 1, 2000), y = Arr.zeros(DataType.DOUBLE, 1, 2000);
        for (int i = 0; i < 2000; i++) x.set(i, 1.0 + i);
        drop.forward(x, y, 1, Layer.Mode.TRAINING, 5);
        int kept = 0;
        for (int i = 0; i < 2000; i++) {
            double v = y.get(i);
            if (v != 0) {
                kept++;
                assertTrue(Math.abs(v - x.get(i) / 0.7) < 1e-9 * v, "kept value scaled by 1/(1−p)");
            }
        }
        double sd = Math.sqrt(2000 * 0.3 * 0.7);
        assertTrue(Math.abs(kept - 1400) < 4 * sd, "kept " + kept + " of 2000");
    }
}
