package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minima.nn.NetTesting.*;

import java.util.SplittableRandom;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Conv2d;
import org.minima.io.ModelSpec.Dropout;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.MaxPool2d;
import org.minima.io.ModelSpec.Relu;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** conv2d, 2-D batch norm and max pooling: forward against direct sums, gradients and H·v against differences. */
class ConvolutionTest {
    /** [2, 7, 6] → conv 3, 3×3, stride 2, pad 1 → [3, 4, 3] → BN2d → maxpool 3/2 pad 1 → [3, 2, 2] → ReLU → 12 → 3. */
    private static final ModelSpec NET = spec(new int[] {2, 7, 6}, 3,
            new Conv2d(2, 3, 3, 2, 1), new BatchNorm(3, 1e-5, 0.1), new MaxPool2d(3, 2, 1), new Relu(),
            new Flatten(), new Dropout(0.25), new Linear(12, 3));

    @Test
    void convolutionForwardMatchesTheDirectSumWithStrideAndPadding() {
        // independent answer: y[o][i][j] = b[o] + Σ_c,a,b W[o][c][a][b]·x[c][i·s−p+a][j·s−p+b] (zero outside), by loops here
        int cin = 2, cout = 3, k = 3, s = 2, p = 1, h = 7, w = 6, n = 2;
        for (int[] dims : new int[][] {{h, w}, {16, 16}}) { // 16×16 with stride 1: one example a GEMM; 7×6: grouped
            int hh = dims[0], ww = dims[1], st = hh == 16 ? 1 : s;
            Conv2dLayer conv = new Conv2dLayer(0, new int[] {cin, hh, ww}, cout, k, st, p, new Scratch(DataType.DOUBLE));
            int size = cout * cin * k * k + cout; // weight [cout, cin, k, k], then bias
            Arr params = Arr.zeros(DataType.DOUBLE, size);
            conv.bindParameters(params, Arr.zeros(DataType.DOUBLE, size), Arr.zeros(DataType.DOUBLE, size), new long[] {0, size - cout});
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < params.length; i++) params.set(i, gaussian(r));
            Arr x = Arr.zeros(DataType.DOUBLE, n, (long) cin * hh * ww), y = Arr.zeros(DataType.DOUBLE, n, conv.outFeatures);
            for (int i = 0; i < x.length; i++) x.set(i, gaussian(r));
            conv.forward(x, y, n, Layer.Mode.INFERENCE, 0);
            int ho = conv.outShape[1], wo = conv.outShape[2];
            assertEquals((hh + 2 * p - k) / st + 1, ho);
            for (int e = 0; e < n; e++) {
                for (int o = 0; o < cout; o++) {
                    for (int i = 0; i < ho; i++) {
                        for (int j = 0; j < wo; j++) {
                            double sum = params.get(cout * cin * k * k + o);
                            for (int c = 0; c < cin; c++) {
                                for (int a = 0; a < k; a++) {
                                    for (int b = 0; b < k; b++) {
                                        int ih = i * st - p + a, iw = j * st - p + b;
                                        if (ih < 0 || ih >= hh || iw < 0 || iw >= ww) continue;
                                        sum += params.get(((o * cin + c) * k + a) * k + b) * x.get(e * cin * hh * ww + (c * hh + ih) * ww + iw);
                                    }
                                }
                            }
                            assertEquals(sum, y.get(e * conv.outFeatures + (o * ho + i) * wo + j), 1e-12);
                        }
                    }
                }
            }
        }
    }

    @Test
    void maxPoolTakesTheWindowMaximumWithPaddingAsMinusInfinity() {
        // independent answer: the maximum of each 3×3 window (stride 2, pad 1) over in-range entries, all negative
        // here so that a zero padding would wrongly win
        MaxPool2dLayer pool = new MaxPool2dLayer(0, new int[] {1, 5, 4}, 3, 2, 1);
        pool.allocate(1);
        Arr x = Arr.zeros(DataType.DOUBLE, 1, 20), y = Arr.zeros(DataType.DOUBLE, 1, pool.outFeatures);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 20; i++) x.set(i, -1 - r.nextDouble());
        pool.forward(x, y, 1, Layer.Mode.INFERENCE, 0);
        assertEquals(3 * 2, pool.outFeatures);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int a = 2 * i - 1; a <= 2 * i + 1; a++) {
                    for (int b = 2 * j - 1; b <= 2 * j + 1; b++) {
                        if (a >= 0 && a < 5 && b >= 0 && b < 4) m = Math.max(m, x.get(a * 4 + b));
                    }
                }
                assertEquals(m, y.get(i * 2 + j));
            }
        }
    }

    @Test
    void convNetworkInferenceGradientMatchesCentralDifferences() {
        // conv (stride 2, pad 1), 2-D BN with running statistics, maxpool (pad 1), ReLU, flatten, linear;
        // FD of the mean loss, every one of the 57 + 6 + 39 parameters
        DataSet data = randomData(5, new int[] {2, 7, 6}, 3, 1);
        assertInferenceGradientMatchesDifferences(network(NET, 2), data, 2, 1e-7);
    }

    @Test
    void convNetworkTrainingGradientWithBatchStatistics2dMatchesCentralDifferences() {
        // training mode: 2-D BN statistics over batch × height × width, dropout mask fixed by the seed
        DataSet data = randomData(6, new int[] {2, 7, 6}, 3, 2);
        Network net = network(NET, 3);
        int[] order = {4, 0, 5, 2};
        assertTrainStepGradientMatchesDifferences(net, data, order, 0, 4, 9L);
    }

    @Test
    void convNetworkHessianVectorProductMatchesCentralDifferencesOfTheGradient() {
        // H·v ≈ (∇f(w + h·v) − ∇f(w − h·v)) / 2h; a second conv makes R{x} non-zero inside a conv layer
        ModelSpec spec = spec(new int[] {2, 6, 5}, 3,
                new Conv2d(2, 3, 3, 1, 1), new BatchNorm(3, 1e-5, 0.1), new Relu(), new MaxPool2d(2, 2, 0),
                new Conv2d(3, 4, 2, 1, 1), new Relu(), new Flatten(), new Linear(4 * 4 * 3, 3));
        DataSet data = randomData(5, new int[] {2, 6, 5}, 3, 4);
        Network net = network(spec, 5);
        NetworkObjective f = new NetworkObjective(net, data, 2);
        INDArray w = net.parameters().dup();
        INDArray v = randomVector(w.length(), 6);
        double h = 1e-5;
        INDArray gp = Nd4j.create(DataType.DOUBLE, w.length()), gm = Nd4j.create(DataType.DOUBLE, w.length());
        f.valueAndGradient(w.add(v.mul(h)), gp);
        f.valueAndGradient(w.sub(v.mul(h)), gm);
        double[] expected = values(gp.sub(gm).div(2 * h));
        INDArray out = Nd4j.create(DataType.DOUBLE, w.length());
        f.hessianVector(w, v, out);
        double err = maxAbsDiff(expected, values(out));
        assertTrue(err <= 1e-6 * norm(expected), "max diff " + err + ", ‖Hv‖ " + norm(expected));
    }

    @Test
    void singleExampleGemmPathGradientMatchesCentralDifferences() {
        // 16×16 feature maps (≥ 256 columns: each example is its own GEMM, no grouping); FD of the loss
        ModelSpec spec = spec(new int[] {1, 16, 16}, 2,
                new Conv2d(1, 2, 3, 1, 1), new Relu(), new MaxPool2d(4, 4, 0), new Flatten(), new Linear(32, 2));
        DataSet data = randomData(3, new int[] {1, 16, 16}, 2, 5);
        Network net = network(spec, 6);
        NetworkObjective f = new NetworkObjective(net, data, 3);
        INDArray w = net.parameters().dup();
        INDArray g = Nd4j.create(DataType.DOUBLE, w.length());
        f.valueAndGradient(w, g);
        double[] expected = centralDifferences(f::value, w, 1e-5);
        assertTrue(maxAbsDiff(expected, values(g)) <= 1e-7 * norm(expected));
        INDArray v = randomVector(w.length(), 7), hv = Nd4j.create(DataType.DOUBLE, w.length());
        INDArray gp = Nd4j.create(DataType.DOUBLE, w.length()), gm = Nd4j.create(DataType.DOUBLE, w.length());
        f.valueAndGradient(w.add(v.mul(1e-5)), gp);
        f.valueAndGradient(w.sub(v.mul(1e-5)), gm);
        f.hessianVector(w, v, hv);
        double[] fd = values(gp.sub(gm).div(2e-5));
        assertTrue(maxAbsDiff(fd, values(hv)) <= 1e-6 * norm(fd));
    }
}
