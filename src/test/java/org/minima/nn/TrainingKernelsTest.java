package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Conv2d;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.MaxPool2d;
import org.minima.io.ModelSpec.Relu;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The training-mode kernels of issue 15: batch norm + ReLU run as one, the element-wise loops split over threads, and
 * the data-parallel convolution. Sizes are chosen so that every loop is large enough to be split
 * ({@link Parallel#MIN_WORK}).
 */
class TrainingKernelsTest {
    // 1-D: F1's block shape; 128 examples × 300 features is above the split threshold
    private static final ModelSpec DENSE = spec(new int[] {20}, 5,
            new Linear(20, 300), new BatchNorm(300, 1e-5, 0.1), new Relu(), new Linear(300, 5));
    // 2-D: C1's block shape (conv → BN → ReLU → max-pool), small
    private static final ModelSpec CONV = spec(new int[] {3, 12, 12}, 4,
            new Conv2d(3, 16, 3, 1, 1), new BatchNorm(16, 1e-5, 0.1), new Relu(), new MaxPool2d(3, 2, 1),
            new Flatten(), new Linear(16 * 6 * 6, 4));

    @AfterEach
    void restoreThreads() {
        Threads.configure(0);
    }

    /** One training step from the weights of {@code from}: the gradient, then the updated running statistics, as float64 values. */
    private static double[][] step(Network from, DataType dtype, boolean fuse, DataSet data) {
        Network net = Network.create(from.spec(), dtype, fuse);
        net.parameters().assign(from.parameters().castTo(dtype));
        net.buffers().assign(from.buffers().castTo(dtype));
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
        BatchResult r = net.trainStep(data, order, 0, order.length, 7, null);
        return new double[][] {values(net.gradient().castTo(DataType.DOUBLE)), values(net.buffers().castTo(DataType.DOUBLE)), {r.loss()}};
    }

    @Test
    void batchNormReluAsOneGivesTheLayersOwnBitsInBothPrecisions() {
        Threads.configure(2);
        for (ModelSpec spec : new ModelSpec[] {DENSE, CONV}) {
            Network base = network(spec, 21);
            DataSet data = randomData(spec == DENSE ? 128 : 32, spec.input(), spec.classes(), 22);
            for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                double[][] fused = step(base, dtype, true, data), layers = step(base, dtype, false, data);
                String what = (spec == DENSE ? "dense " : "conv ") + dtype;
                assertArrayEquals(layers[0], fused[0], 0.0, what + " gradient");
                assertArrayEquals(layers[1], fused[1], 0.0, what + " running statistics");
                assertEquals(layers[2][0], fused[2][0], 0.0, what + " loss");
            }
        }
    }

    @Test
    void splitLoopsGiveTheSameBitsForOneAndTwoThreads() {
        // every output and every sum of the element-wise loops is computed on one thread in one order, whatever the split
        Network base = network(DENSE, 23);
        DataSet data = randomData(128, DENSE.input(), DENSE.classes(), 24);
        Threads.configure(1);
        double[][] one = step(base, DataType.FLOAT, true, data);
        Threads.configure(2);
        double[][] two = step(base, DataType.FLOAT, true, data);
        assertArrayEquals(one[0], two[0], 0.0, "gradient");
        assertArrayEquals(one[1], two[1], 0.0, "running statistics");
    }

    @Test
    void dataParallelConvolutionAgreesWithFloat64AndRepeatsItsBits() {
        // Independent answer: the float64 network's training gradient. On two threads the float32 convolution sums its
        // weight gradient as two partial sums (one per half of the batch), a different order from one thread's; it must
        // agree with float64 to float32 rounding (relative 1e-4 of the gradient's norm over these ~1,000-term sums) and
        // repeat its own bits exactly.
        Network base = network(CONV, 25);
        DataSet data = randomData(32, CONV.input(), CONV.classes(), 26);
        Threads.configure(2);
        double[] exact = step(base, DataType.DOUBLE, true, data)[0];
        double[] f32 = step(base, DataType.FLOAT, true, data)[0];
        double[] again = step(base, DataType.FLOAT, true, data)[0];
        assertArrayEquals(f32, again, 0.0, "same thread count, same bits");
        double err = maxAbsDiff(exact, f32) / norm(exact);
        assertTrue(err < 1e-4, "float32 data-parallel gradient vs float64: relative error " + err);
        Threads.configure(1);
        double[] serial = step(base, DataType.FLOAT, true, data)[0];
        assertTrue(maxAbsDiff(exact, serial) / norm(exact) < 1e-4, "one thread vs float64");
    }
}
