package org.minima.analysis;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Conv2d;
import org.minima.io.ModelSpec.Dropout;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.MaxPool2d;
import org.minima.io.ModelSpec.Relu;
import org.minima.nn.BatchNormMode;
import org.minima.nn.NetTesting;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link ObjectiveContract} against every {@link Objective} implementation, one nested class each. */
class ObjectiveContractTest {

    /** The network's own vectors: no objective built from it may change them. */
    static List<INDArray> vectorsOf(Network net) {
        return List.of(net.parameters(), net.buffers(), net.gradient(), net.direction());
    }

    /** 6 → 8 → BN → ReLU → dropout → 5 → BN → ReLU → 4 → BN, float64, 12 examples (159 parameters). */
    static final ModelSpec MLP = new ModelSpec(new int[] {6}, 4, ModelSpec.Preprocess.IDENTITY, List.of(
            new Linear(6, 8), new BatchNorm(8, 1e-5, 0.1), new Relu(), new Dropout(0.5),
            new Linear(8, 5), new BatchNorm(5, 1e-5, 0.1), new Relu(), new Linear(5, 4), new BatchNorm(4, 1e-5, 0.1)));

    @Nested
    class NetworkObjectiveMlp extends ObjectiveContract {
        final Network net = NetTesting.network(MLP, 3);
        final DataSet set = NetTesting.randomData(12, new int[] {6}, 4, 5);

        Objective objective() { return new NetworkObjective(net, set, 12); }

        INDArray point() { return net.parameters().add(gaussian(net.parameterCount(), 0.1, 7)); }

        List<INDArray> given() { return vectorsOf(net); }

        /** Chunks of 1, 4 and 6 divide the 12 examples; 5 and 7 do not; 100 is one chunk of all. */
        List<Objective> rechunked() {
            return List.of(new NetworkObjective(net, set, 1), new NetworkObjective(net, set, 4), new NetworkObjective(net, set, 6),
                    new NetworkObjective(net, set, 5), new NetworkObjective(net, set, 7), new NetworkObjective(net, set, 100));
        }
    }

    @Nested
    class NetworkObjectiveConv extends ObjectiveContract {
        /** conv 3×3 → BN → ReLU → max-pool → conv 2×2 → ReLU → flatten → linear, on 2×6×5 inputs (262 parameters). */
        final Network net = NetTesting.network(new ModelSpec(new int[] {2, 6, 5}, 3, ModelSpec.Preprocess.IDENTITY, List.of(
                new Conv2d(2, 3, 3, 1, 1), new BatchNorm(3, 1e-5, 0.1), new Relu(), new MaxPool2d(2, 2, 0),
                new Conv2d(3, 4, 2, 1, 1), new Relu(), new Flatten(), new Linear(4 * 4 * 3, 3))), 5);
        final DataSet set = NetTesting.randomData(6, new int[] {2, 6, 5}, 3, 4);

        Objective objective() { return new NetworkObjective(net, set, 6); }

        INDArray point() { return net.parameters().add(gaussian(net.parameterCount(), 0.1, 8)); }

        List<INDArray> given() { return vectorsOf(net); }

        /** Chunks of 2 and 3 divide the 6 examples, 4 does not. */
        List<Objective> rechunked() {
            return List.of(new NetworkObjective(net, set, 2), new NetworkObjective(net, set, 3), new NetworkObjective(net, set, 4));
        }
    }

    /** The MLP with batch statistics in batches of 5 (12 = 2·5 + 2); no dropout in batch mode. */
    @Nested
    class NetworkObjectiveMlpBatchMode extends ObjectiveContract {
        final Network net = NetTesting.network(MLP, 13);
        final DataSet set = NetTesting.randomData(12, new int[] {6}, 4, 14);

        Objective objective() { return new NetworkObjective(net, set, 12, BatchNormMode.batch(5)); }

        INDArray point() { return net.parameters().add(gaussian(net.parameterCount(), 0.1, 15)); }

        List<INDArray> given() { return vectorsOf(net); }

        /** The chunk plays no part in batch mode: a pass is one batch. */
        List<Objective> rechunked() {
            return List.of(new NetworkObjective(net, set, 1, BatchNormMode.batch(5)), new NetworkObjective(net, set, 7, BatchNormMode.batch(5)));
        }
    }

    /** The conv network (2-D batch norm, max-pool) with batch statistics in batches of 4 (6 = 4 + 2). */
    @Nested
    class NetworkObjectiveConvBatchMode extends ObjectiveContract {
        final Network net = NetTesting.network(new ModelSpec(new int[] {2, 6, 5}, 3, ModelSpec.Preprocess.IDENTITY, List.of(
                new Conv2d(2, 3, 3, 1, 1), new BatchNorm(3, 1e-5, 0.1), new Relu(), new MaxPool2d(2, 2, 0),
                new Conv2d(3, 4, 2, 1, 1), new Relu(), new Flatten(), new Linear(4 * 4 * 3, 3))), 16);
        final DataSet set = NetTesting.randomData(6, new int[] {2, 6, 5}, 3, 17);

        Objective objective() { return new NetworkObjective(net, set, 6, BatchNormMode.batch(4)); }

        INDArray point() { return net.parameters().add(gaussian(net.parameterCount(), 0.1, 18)); }

        List<INDArray> given() { return vectorsOf(net); }
    }

    @Nested
    class SubspaceOfANetwork extends ObjectiveContract {
        final Network net = NetTesting.network(MLP, 9);
        final DataSet set = NetTesting.randomData(12, new int[] {6}, 4, 10);
        final RandomSubspace a = RandomSubspace.generated(net.parameterCount(), 4, 11, RandomSubspace.Kind.GAUSSIAN, 16);

        /** Centred at the network's own parameter vector: the subspace objective must neither write nor keep it. */
        Objective objective() { return new SubspaceObjective(new NetworkObjective(net, set, 12), net.parameters(), a); }

        INDArray point() { return gaussian(4, 0.3, 12); }

        List<INDArray> given() { return List.of(net.parameters(), net.buffers(), net.gradient(), net.direction()); }

        List<Objective> rechunked() {
            return List.of(new SubspaceObjective(new NetworkObjective(net, set, 5), net.parameters(), a),
                    new SubspaceObjective(new NetworkObjective(net, set, 3), net.parameters(), a));
        }
    }

    @Nested
    class RotatedDenseQuadratic extends ObjectiveContract {
        Objective objective() { return DenseQuadratic.rotated(new double[] {3, 1, 0.5, -0.25, -2, 0}, 13); }

        INDArray point() { return gaussian(6, 1, 14); }
    }

    @Nested
    class DiagonalQuadratic extends ObjectiveContract {
        final SharpnessTest.DiagonalQuadratic f = new SharpnessTest.DiagonalQuadratic(new double[] {4, 1, 0.25, 2, 0.5});

        Objective objective() { return f; }

        INDArray point() { return gaussian(5, 1, 15); }

        List<INDArray> given() { return List.of(f.dArr); }
    }
}
