package org.minima.nn;

import static org.junit.jupiter.api.Assertions.*;
import static org.minima.nn.NetTesting.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.Relu;
import org.minima.io.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Loading, saving, evaluation, initialization and running statistics of {@link Network}. */
class NetworkTest {

    @Test
    void handChosenTwoLayerModelGivesTheLossComputedByHand() {
        // 2 → 2 → ReLU → 2, PyTorch layout W[out, in]; preprocess x·0.5 − 1. Worked by hand below.
        ModelSpec spec = new ModelSpec(new int[] {2}, 2, new ModelSpec.Preprocess(0.5, new double[] {1.0}, new double[] {1.0}),
                List.of(new Linear(2, 2), new Relu(), new Linear(2, 2)));
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Tensor("F64", new long[] {2, 2}, new double[] {1, 2, -1, 1}));
        t.put("layers.0.bias", new Tensor("F64", new long[] {2}, new double[] {0.5, -0.5}));
        t.put("layers.2.weight", new Tensor("F64", new long[] {2, 2}, new double[] {1, -1, 2, 0}));
        t.put("layers.2.bias", new Tensor("F64", new long[] {2}, new double[] {0, 1}));
        Network net = Network.load(spec, t, DataType.DOUBLE);
        // example 0: raw (4, 2) → x = (1, 0); h = relu(W1·x + b1) = relu(1.5, −1.5) = (1.5, 0);
        //   z = W2·h + b2 = (1.5, 4); label 1: loss = log(e^1.5 + e^4) − 4
        // example 1: raw (2, 6) → x = (0, 2); h = relu(4.5, 1.5) = (4.5, 1.5); z = (3, 10); label 0: log(e^3 + e^10) − 3
        DataSet data = new DataSet("hand", new int[] {2}, 2, new float[] {4, 2, 2, 6}, new int[] {1, 0});
        double l0 = Math.log(Math.exp(1.5) + Math.exp(4)) - 4, l1 = Math.log(Math.exp(3) + Math.exp(10)) - 3;
        Evaluation e = net.evaluate(data, 2);
        assertEquals((l0 + l1) / 2, e.loss(), 1e-15);
        assertEquals(0.5, e.accuracy()); // example 0 right (4 > 1.5), example 1 wrong (10 > 3)
        assertEquals(2, e.examples());
    }

    @Test
    void chunkedEvaluationEqualsUnchunked() {
        // the mean over 17 examples is the same sum however it is split (to rounding)
        ModelSpec spec = spec(new int[] {5}, 3, new Linear(5, 7), new BatchNorm(7, 1e-5, 0.1), new Relu(), new Linear(7, 3));
        Network net = network(spec, 1);
        DataSet data = randomData(17, new int[] {5}, 3, 1);
        Evaluation whole = net.evaluate(data, 17);
        for (int chunk : new int[] {1, 4, 16}) {
            Evaluation e = net.evaluate(data, chunk);
            assertEquals(whole.loss(), e.loss(), 1e-14 * whole.loss());
            assertEquals(whole.accuracy(), e.accuracy());
        }
        assertEquals(whole.loss(), new NetworkObjective(net, data, 6).value(net.parameters()), 1e-14 * whole.loss());
    }

    @Test
    void initializationIsWithinPyTorchBoundsAndDeterministicPerSeed() {
        // PyTorch: Linear weight and bias ~ U(±1/√in); BN weight 1, bias 0, running mean 0, var 1
        ModelSpec spec = spec(new int[] {100}, 10, new Linear(100, 50), new BatchNorm(50, 1e-5, 0.1), new Relu(), new Linear(50, 10));
        Network a = Network.create(spec, DataType.DOUBLE), b = Network.create(spec, DataType.DOUBLE), c = Network.create(spec, DataType.DOUBLE);
        a.initialize(11);
        b.initialize(11);
        c.initialize(12);
        assertArrayEquals(a.parameters().toDoubleVector(), b.parameters().toDoubleVector());
        assertNotEquals(a.parameters(), c.parameters());
        Map<String, Tensor> t = a.toTensors("F64");
        assertBetween(t.get("layers.0.weight").data(), 0.1);
        assertBetween(t.get("layers.0.bias").data(), 0.1);
        assertBetween(t.get("layers.3.weight").data(), 1 / Math.sqrt(50));
        assertBetween(t.get("layers.3.bias").data(), 1 / Math.sqrt(50));
        for (double v : t.get("layers.1.weight").data()) assertEquals(1.0, v);
        for (double v : t.get("layers.1.bias").data()) assertEquals(0.0, v);
        for (double v : t.get("layers.1.running_mean").data()) assertEquals(0.0, v);
        for (double v : t.get("layers.1.running_var").data()) assertEquals(1.0, v);
        // U(−b, b) over 5000 draws: the spread reaches most of the interval and the mean is near 0
        double[] w = t.get("layers.0.weight").data();
        double min = 1, max = -1, mean = 0;
        for (double v : w) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            mean += v / w.length;
        }
        assertTrue(min < -0.099 && max > 0.099 && Math.abs(mean) < 4 * 0.1 / Math.sqrt(3 * w.length));
    }

    private static void assertBetween(double[] v, double bound) {
        for (double x : v) assertTrue(Math.abs(x) <= bound, x + " outside ±" + bound);
    }

    @Test
    void trainingModeUpdatesRunningStatisticsAsPyTorchDoes() {
        // running = 0.9·running + 0.1·batch, with the unbiased variance (n−1) for running_var; computed here by hand
        ModelSpec spec = spec(new int[] {3}, 3, new BatchNorm(3, 1e-5, 0.1));
        Network net = Network.create(spec, DataType.DOUBLE);
        net.initialize(1);
        DataSet data = randomData(6, new int[] {3}, 3, 4);
        int[] order = {5, 2, 0, 3};
        float[] x = data.rawFeatures();
        net.trainStep(data, order, 0, 4, 0, null);
        INDArray buf = net.buffers(); // running_mean[3], running_var[3]
        for (int c = 0; c < 3; c++) {
            double m = 0;
            for (int e : order) m += x[e * 3 + c] / 4.0;
            double ss = 0;
            for (int e : order) ss += (x[e * 3 + c] - m) * (x[e * 3 + c] - m);
            assertEquals(0.1 * m, buf.getDouble(c), 1e-15);
            assertEquals(0.9 + 0.1 * ss / 3, buf.getDouble(3 + c), 1e-15);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalInitializationAndTrainingGradient() {
        // determinism: two networks from the same seed, the same batch and dropout seed
        ModelSpec spec = spec(new int[] {6}, 3, new Linear(6, 8), new BatchNorm(8, 1e-5, 0.1), new Relu(),
                new org.minima.io.ModelSpec.Dropout(0.5), new Linear(8, 3));
        DataSet data = randomData(10, new int[] {6}, 3, 2);
        int[] order = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        INDArray[] g = new INDArray[2];
        for (int i = 0; i < 2; i++) {
            Network net = Network.create(spec, DataType.FLOAT);
            net.initialize(77);
            g[i] = Nd4j.create(DataType.FLOAT, net.parameterCount());
            net.trainStep(data, order, 2, 9, 5L, g[i]);
        }
        assertArrayEquals(g[0].toFloatVector(), g[1].toFloatVector()); // exact, not ND4J's equals (which has a tolerance)
    }

    @Test
    void tensorsRoundTripThroughLoadAndKeepPyTorchNamesAndShapes() {
        // the contract's names (layers.<i>.weight/bias/running_mean/running_var) and PyTorch shapes
        ModelSpec spec = spec(new int[] {4}, 2, new Linear(4, 3), new BatchNorm(3, 1e-5, 0.1), new Relu(), new Linear(3, 2));
        Network a = network(spec, 3);
        Map<String, Tensor> t = a.toTensors("F64");
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.1.running_mean",
                "layers.1.running_var", "layers.3.weight", "layers.3.bias"), List.copyOf(t.keySet()));
        assertArrayEquals(new long[] {3, 4}, t.get("layers.0.weight").shape());
        // flat order: layer 0 weight row-major, so parameters()[4] is W[1][0]
        assertEquals(a.parameters().getDouble(4), t.get("layers.0.weight").data()[4]);
        Network b = Network.load(spec, t, DataType.DOUBLE);
        assertArrayEquals(a.parameters().toDoubleVector(), b.parameters().toDoubleVector());
        assertArrayEquals(a.buffers().toDoubleVector(), b.buffers().toDoubleVector());
        Network f = Network.load(spec, a.toTensors("F32"), DataType.FLOAT);
        assertEquals(DataType.FLOAT, f.parameters().dataType());
        assertEquals((float) a.parameters().getDouble(7), f.parameters().getFloat(7));
    }

    @Test
    void modelDirectoryWrittenAndReadBackGivesTheSameNetwork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        // through the real files: ModelDirectory.write (safetensors F64) then Network.load(dir)
        ModelSpec spec = spec(new int[] {4}, 2, new Linear(4, 3), new BatchNorm(3, 1e-5, 0.1), new Relu(), new Linear(3, 2));
        Network a = network(spec, 5);
        org.minima.io.ModelDirectory.write(dir, spec, a.toTensors("F64"));
        Network b = Network.load(dir, DataType.DOUBLE);
        assertArrayEquals(a.parameters().toDoubleVector(), b.parameters().toDoubleVector());
        assertArrayEquals(a.buffers().toDoubleVector(), b.buffers().toDoubleVector());
    }

    @Test
    void loadRejectsAWrongShapeNamingTheTensor() {
        ModelSpec spec = spec(new int[] {4}, 2, new Linear(4, 2));
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Tensor("F32", new long[] {4, 2}, new double[8]));
        t.put("layers.0.bias", new Tensor("F32", new long[] {2}, new double[2]));
        InputException e = assertThrows(InputException.class, () -> Network.load(spec, t, DataType.DOUBLE));
        assertTrue(e.getMessage().contains("layers.0.weight") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test
    void float32NetworkAgreesWithFloat64ToSinglePrecision() {
        // the same weights in both precisions; float32 rounding leaves ~1e-6 relative differences
        ModelSpec spec = spec(new int[] {5}, 3, new Linear(5, 7), new BatchNorm(7, 1e-5, 0.1), new Relu(), new Linear(7, 3));
        Network d = network(spec, 2);
        Network f = Network.load(spec, d.toTensors("F32"), DataType.FLOAT);
        Network d32 = Network.load(spec, d.toTensors("F32"), DataType.DOUBLE);
        DataSet data = randomData(20, new int[] {5}, 3, 3);
        assertEquals(d32.evaluate(data, 20).loss(), f.evaluate(data, 7).loss(), 1e-5);
    }
}
