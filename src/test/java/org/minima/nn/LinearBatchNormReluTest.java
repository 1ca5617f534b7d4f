package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.Relu;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused linear → batch norm → ReLU block in inference mode. */
class LinearBatchNormReluTest {
    // Two fused blocks, the second with an input gradient to pass down, then a plain linear layer.
    private static final ModelSpec SPEC = spec(new int[] {6}, 3,
            new Linear(6, 5), new BatchNorm(5, 1e-5, 0.1), new Relu(),
            new Linear(5, 4), new BatchNorm(4, 1e-5, 0.1), new Relu(), new Linear(4, 3));

    /** The same weights and running statistics in a network of each kind. */
    private static Network copy(Network from, DataType dtype, boolean fuse) {
        Network net = Network.create(from.spec(), dtype, fuse);
        net.parameters().assign(from.parameters().castTo(dtype));
        net.buffers().assign(from.buffers().castTo(dtype));
        return net;
    }

    private static double[] gradient(Network net, DataSet data, double[] loss) {
        NetworkObjective f = new NetworkObjective(net, data, 4);
        INDArray g = Nd4j.create(net.dataType(), net.parameterCount());
        loss[0] = f.valueAndGradient(net.parameters(), g);
        return values(g.castTo(DataType.DOUBLE));
    }

    @Test
    void fusedGradientMatchesCentralDifferences() {
        // independent answer: central differences of the loss, h = 1e-5, every one of the 92 parameters
        assertInferenceGradientMatchesDifferences(network(SPEC, 11), randomData(10, new int[] {6}, 3, 5), 4, 1e-7);
    }

    @Test
    void fusedBlocksGiveTheLayersOwnResultsBitForBitInBothPrecisions() {
        // the fused passes compute each value by the layers' own expressions and sums in their order; wide enough
        // (64 examples, 40 and 30 features) that a value kept in float64 where the layers store float32 shows
        ModelSpec wide = spec(new int[] {6}, 3,
                new Linear(6, 40), new BatchNorm(40, 1e-5, 0.1), new Relu(),
                new Linear(40, 30), new BatchNorm(30, 1e-5, 0.1), new Relu(), new Linear(30, 3));
        Network base = network(wide, 12);
        DataSet data = randomData(64, new int[] {6}, 3, 6);
        for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double[] lossFused = new double[1], lossLayers = new double[1];
            double[] fused = gradient(copy(base, dtype, true), data, lossFused);
            double[] layers = gradient(copy(base, dtype, false), data, lossLayers);
            assertEquals(lossLayers[0], lossFused[0], 0.0, dtype + " loss");
            assertArrayEquals(layers, fused, 0.0, dtype + " gradient");
        }
    }
}
