package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Conv2d;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.MaxPool2d;
import org.minima.io.ModelSpec.Relu;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch-norm batch mode ({@link BatchNormMode#batch}): per-batch statistics in value, gradient and the exact
 * Hessian-vector product, float64, against independent answers (central differences of the value, differences of
 * exact gradients, a hand-written full-batch forward pass, the symmetry of a true Hessian).
 */
class BatchModeTest {
    /**
     * conv 3×3 (2→3) → 2-D BN → ReLU → max-pool 2 → flatten → linear 12→5 → 1-D BN → ReLU → linear 5→3, on 2×5×4
     * inputs: 57 + 6 + 65 + 10 + 18 = 156 parameters.
     */
    static final ModelSpec CONV = spec(new int[] {2, 5, 4}, 3,
            new Conv2d(2, 3, 3, 1, 1), new BatchNorm(3, 1e-5, 0.1), new Relu(), new MaxPool2d(2, 2, 0), new Flatten(),
            new Linear(12, 5), new BatchNorm(5, 1e-5, 0.1), new Relu(), new Linear(5, 3));

    @AfterEach
    void restoreThreads() {
        Threads.configure(0);
    }

    /** (∇f(w + h·v) − ∇f(w − h·v)) / 2h. */
    private static double[] gradientDifference(NetworkObjective f, INDArray w, INDArray v, double h) {
        return values(gradient(f, w.add(v.mul(h))).sub(gradient(f, w.sub(v.mul(h)))).div(2 * h));
    }

    @Test
    void gradientMatchesCentralDifferencesWhenTheBatchDividesTheExamplesAndWhenItDoesNot() {
        DataSet data = randomData(12, new int[] {2, 5, 4}, 3, 21);
        Network net = network(CONV, 22);
        for (int batch : new int[] {4, 5}) { // 12 = 3·4; 12 = 2·5 + 2
            NetworkObjective f = new NetworkObjective(net, data, 1000, BatchNormMode.batch(batch));
            INDArray w = net.parameters().dup();
            double[] expected = centralDifferences(f::value, w, 1e-5);
            double err = maxAbsDiff(expected, values(gradient(f, w)));
            assertTrue(err <= 1e-6 * norm(expected), "bnBatch " + batch + ": max |∇f − FD| = " + err + ", ‖FD‖ = " + norm(expected));
        }
    }

    @Test
    void hessianVectorProductMatchesDifferencesOfExactGradients() {
        DataSet data = randomData(12, new int[] {2, 5, 4}, 3, 23);
        Network net = network(CONV, 24);
        INDArray v = randomVector(net.parameterCount(), 25);
        for (int batch : new int[] {4, 5}) {
            NetworkObjective f = new NetworkObjective(net, data, 1000, BatchNormMode.batch(batch));
            INDArray w = net.parameters().dup();
            double[] expected = gradientDifference(f, w, v, 1e-5);
            double err = maxAbsDiff(expected, values(hv(f, w, v)));
            assertTrue(err <= 1e-6 * norm(expected), "bnBatch " + batch + ": max |Hv − FD| = " + err + ", ‖FD‖ = " + norm(expected));
        }
    }

    @Test
    void fullHessianFromUnitVectorProductsMatchesTheFiniteDifferenceHessianAndIsSymmetric() {
        // all 156 columns H·eᵢ against (∇f(w + h·eᵢ) − ∇f(w − h·eᵢ)) / 2h; a remainder batch of 3 (11 = 2·4 + 3)
        DataSet data = randomData(11, new int[] {2, 5, 4}, 3, 26);
        Network net = network(CONV, 27);
        NetworkObjective f = new NetworkObjective(net, data, 1000, BatchNormMode.batch(4));
        INDArray w = net.parameters().dup();
        assertEquals(156, w.length());
        assertFullHessianMatchesDifferences(f, w, 1e-11);
    }

    @Test
    void bilinearFormIsSymmetricForRandomVectors() {
        DataSet data = randomData(13, new int[] {2, 5, 4}, 3, 28);
        Network net = network(CONV, 29);
        NetworkObjective f = new NetworkObjective(net, data, 1000, BatchNormMode.batch(5));
        assertBilinearFormSymmetric(f, net.parameters().dup(), 30, 31);
    }

    @Test
    void aBiasFeedingABatchNormHasZeroGradientInBatchModeButNotInRunningMode() {
        // batch statistics subtract the batch mean, so a constant shift before the norm cancels: ∂f/∂b = 0 (to rounding)
        DataSet data = randomData(12, new int[] {2, 5, 4}, 3, 32);
        Network net = network(CONV, 33);
        for (int i : new int[] {0, 1, 2, 6, 7, 8, 9, 10}) net.buffers().putScalar(i, 0.0); // running means 0: no dead ReLU
        INDArray w = net.parameters().dup();
        int[] biases = {54, 55, 56, 57 + 6 + 60, 57 + 6 + 61, 57 + 6 + 62, 57 + 6 + 63, 57 + 6 + 64}; // conv bias, linear bias
        double[] batch = values(gradient(new NetworkObjective(net, data, 1000, BatchNormMode.batch(5)), w));
        double[] running = values(gradient(new NetworkObjective(net, data, 1000, BatchNormMode.RUNNING), w));
        double conv = 0, linear = 0;
        for (int k = 0; k < biases.length; k++) {
            int i = biases[k];
            assertTrue(Math.abs(batch[i]) <= 1e-15 * norm(batch), "batch mode ∂f/∂w[" + i + "] = " + batch[i]);
            if (k < 3) conv += running[i] * running[i];
            else linear += running[i] * running[i];
        }
        // in running mode the norm is a fixed affine map, and the biases matter (a unit whose ReLU is dead has 0)
        assertTrue(Math.sqrt(conv) > 1e-3 * norm(running) && Math.sqrt(linear) > 1e-3 * norm(running),
                "running mode: conv biases " + Math.sqrt(conv) + ", linear biases " + Math.sqrt(linear));
    }

    @Test
    void withOneBatchOfAllExamplesTheLossIsTheHandComputedFullBatchNormalization() {
        // linear 4→3 → BN → ReLU → linear 3→2, written out in plain loops: mean and biased variance over all 7 examples
        ModelSpec spec = spec(new int[] {4}, 2, new Linear(4, 3), new BatchNorm(3, 1e-3, 0.1), new Relu(), new Linear(3, 2));
        Network net = network(spec, 34);
        DataSet data = randomData(7, new int[] {4}, 2, 35);
        double[] p = values(net.parameters());
        int n = 7;
        double[][] h = new double[n][3];
        float[] x = data.rawFeatures();
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < 3; j++) {
                double s = p[12 + j];
                for (int i = 0; i < 4; i++) s += p[j * 4 + i] * x[e * 4 + i];
                h[e][j] = s;
            }
        }
        for (int j = 0; j < 3; j++) {
            double mean = 0, var = 0;
            for (int e = 0; e < n; e++) mean += h[e][j] / n;
            for (int e = 0; e < n; e++) var += (h[e][j] - mean) * (h[e][j] - mean) / n;
            for (int e = 0; e < n; e++) h[e][j] = Math.max(0, p[15 + j] * (h[e][j] - mean) / Math.sqrt(var + 1e-3) + p[18 + j]);
        }
        double loss = 0;
        for (int e = 0; e < n; e++) {
            double[] z = new double[2];
            for (int k = 0; k < 2; k++) {
                z[k] = p[27 + k];
                for (int j = 0; j < 3; j++) z[k] += p[21 + k * 3 + j] * h[e][j];
            }
            double max = Math.max(z[0], z[1]);
            loss += (max + Math.log(Math.exp(z[0] - max) + Math.exp(z[1] - max)) - z[data.labels()[e]]) / n;
        }
        for (int batch : new int[] {7, 1000}) {
            NetworkObjective f = new NetworkObjective(net, data, 3, BatchNormMode.batch(batch));
            assertEquals(loss, f.value(net.parameters()), 1e-13 * loss, "bnBatch " + batch);
            assertEquals(loss, net.evaluate(data, 3, BatchNormMode.batch(batch)).loss(), 1e-13 * loss, "Network.evaluate, bnBatch " + batch);
        }
        double running = new NetworkObjective(net, data, 3).value(net.parameters());
        assertTrue(Math.abs(running - loss) > 1e-3 * loss, "running statistics give another loss: " + running + " vs " + loss);
    }

    @Test
    void batchModeLeavesTheRunningStatisticsAlone() {
        Network net = network(CONV, 36);
        INDArray before = net.buffers().dup();
        DataSet data = randomData(10, new int[] {2, 5, 4}, 3, 37);
        net.evaluate(data, 4, BatchNormMode.batch(4));
        net.accumulateHessianVector(data, 0, 4, 1.0, BatchNormMode.Statistics.BATCH);
        assertEquals(before, net.buffers());
    }

    @Test
    void aRunningPassAfterABatchPassIsTheRunningPassAgain() {
        // linear → BN → ReLU runs fused in inference mode; the layer must not keep batch mode's state for the R-pass
        ModelSpec spec = spec(new int[] {6}, 3, new Linear(6, 8), new BatchNorm(8, 1e-5, 0.1), new Relu(), new Linear(8, 3));
        Network net = network(spec, 41);
        DataSet data = randomData(9, new int[] {6}, 3, 42);
        INDArray w = net.parameters().dup(), v = randomVector(net.parameterCount(), 43);
        NetworkObjective running = new NetworkObjective(net, data, 9), batch = new NetworkObjective(net, data, 9, BatchNormMode.batch(4));
        double[] before = values(hv(running, w, v));
        double[] other = values(hv(batch, w, v));
        assertTrue(maxAbsDiff(before, other) > 1e-3 * norm(before), "the two conventions differ");
        Network shared = net.copy(); // one network through both modes in turn
        shared.direction().assign(v);
        shared.zeroGradient();
        shared.accumulateHessianVector(data, 0, 9, 1.0 / 9, BatchNormMode.Statistics.BATCH);
        shared.zeroGradient();
        shared.accumulateHessianVector(data, 0, 9, 1.0 / 9, BatchNormMode.Statistics.RUNNING);
        assertTrue(maxAbsDiff(before, values(shared.gradient())) <= 1e-14 * norm(before));
    }

    @Test
    void twoThreadsSplitOnBatchBoundariesAndGiveOneThreadsResultUpToRounding() {
        // a thread never cuts a batch: 2 threads give the 1-thread loss, gradient and H·v (to rounding), and the
        // same thread count the same bits
        Network net = network(CONV, 38);
        DataSet data = randomData(23, new int[] {2, 5, 4}, 3, 39);
        INDArray v = randomVector(net.parameterCount(), 40);
        double[] one = all(1, net, data, v), two = all(2, net, data, v), again = all(2, net, data, v);
        assertTrue(maxAbsDiff(one, two) <= 1e-13 * norm(one), "max difference " + maxAbsDiff(one, two));
        assertEquals(0.0, maxAbsDiff(two, again), 0.0);
    }

    /** [f, ∇f..., Hv...] with batches of 5 on the given thread count. */
    private static double[] all(int threads, Network net, DataSet data, INDArray v) {
        Threads.configure(threads);
        NetworkObjective f = new NetworkObjective(net, data, 1000, BatchNormMode.batch(5));
        INDArray w = net.parameters().dup();
        double[] g = values(gradient(f, w)), h = values(hv(f, w, v));
        double[] out = new double[1 + g.length + h.length];
        out[0] = f.value(w);
        System.arraycopy(g, 0, out, 1, g.length);
        System.arraycopy(h, 0, out, 1 + g.length, h.length);
        return out;
    }
}
