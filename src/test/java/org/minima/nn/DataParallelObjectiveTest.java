package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.Relu;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** NetworkObjective split over threads, each on a replica of the network. */
class DataParallelObjectiveTest {
    private static final ModelSpec SPEC = spec(new int[] {6}, 3,
            new Linear(6, 8), new BatchNorm(8, 1e-5, 0.1), new Relu(), new Linear(8, 5), new Relu(), new Linear(5, 3));

    @AfterEach
    void restoreThreads() {
        Threads.configure(0);
    }

    /** f, ∇f and H·v of one objective at the given thread count, in one array: [f, ∇f..., Hv...]. */
    private static double[] evaluate(int threads, Network net, DataSet data, int chunk, INDArray v) {
        Threads.configure(threads);
        NetworkObjective f = new NetworkObjective(net, data, chunk);
        INDArray w = net.parameters().dup();
        INDArray g = Nd4j.create(DataType.DOUBLE, w.length());
        INDArray hv = Nd4j.create(DataType.DOUBLE, w.length());
        double value = f.valueAndGradient(w, g);
        assertEquals(value, f.value(w), 1e-15 * Math.abs(value), "value() and valueAndGradient() agree");
        f.hessianVector(w, v, hv);
        double[] out = new double[1 + 2 * (int) w.length()];
        out[0] = value;
        System.arraycopy(values(g), 0, out, 1, (int) w.length());
        System.arraycopy(values(hv), 0, out, 1 + (int) w.length(), (int) w.length());
        return out;
    }

    @Test
    void twoThreadsGiveOneThreadsLossGradientAndHessianVectorProductUpToRounding() {
        // independent answer: the plain sequential sum over the chunks (one thread, OpenBLAS alone); sizes that do
        // not divide: 23 examples in chunks of 5, each cut in parts of 2 and 3
        Network net = network(SPEC, 3);
        DataSet data = randomData(23, new int[] {6}, 3, 4);
        INDArray v = randomVector(net.parameterCount(), 5);
        double[] one = evaluate(1, net, data, 5, v);
        double[] two = evaluate(2, net, data, 5, v);
        double scale = norm(one);
        assertTrue(maxAbsDiff(one, two) <= 1e-13 * scale, "max difference " + maxAbsDiff(one, two) + " against a norm of " + scale);
    }

    @Test
    void sameThreadCountGivesTheSameBitsEveryCall() {
        Network net = network(SPEC, 6);
        DataSet data = randomData(17, new int[] {6}, 3, 7);
        INDArray v = randomVector(net.parameterCount(), 8);
        assertArrayEquals(evaluate(2, net, data, 4, v), evaluate(2, net, data, 4, v), 0.0);
    }

    @Test
    void aReplicaSeesItsOriginalsWeightsAndRunningStatisticsButKeepsItsOwnGradient() {
        Network net = network(SPEC, 9);
        Network replica = net.replica();
        net.parameters().putScalar(0, 42.0);
        net.buffers().putScalar(0, 0.25);
        assertEquals(42.0, replica.parameters().getDouble(0), 0.0);
        assertEquals(0.25, replica.buffers().getDouble(0), 0.0);
        DataSet data = randomData(4, new int[] {6}, 3, 10);
        replica.accumulateGradient(data, 0, 4, 1.0);
        assertTrue(replica.gradient().norm2Number().doubleValue() > 0, "the replica's gradient is filled");
        assertEquals(0.0, net.gradient().norm2Number().doubleValue(), 0.0, "the original's gradient is untouched");
    }
}
