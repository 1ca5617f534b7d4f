package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.data.DataSet;
import org.minima.io.ModelDirectory;
import org.minima.io.Tensor;
import org.minima.nn.Network;

/** FGSM against the closed form of a linear softmax model; remedies together through an exact resume. */
class AdversarialTest {
    @TempDir Path tmp;

    @Test
    void fgsmOnALinearSoftmaxModelEqualsTheClosedFormClippedToTheDataRange() {
        DataSet data = AugmentTest.halves(16);
        Map<String, Object> raw = AugmentTest.imageConfig(Map.of("name", "sgd", "lr", 0.1), 1);
        raw.put("model", Map.of("input", List.of(1, 4, 4), "classes", 2,
                "preprocess", Map.of("scale", 1.0 / 255, "mean", List.of(0.5), "std", List.of(0.25)),
                "layers", List.of(Map.of("type", "flatten"), Map.of("type", "linear", "in", 16, "out", 2))));
        raw.put("dtype", "float64");
        raw.put("adversarial", Map.of("eps", 0.1, "fraction", 0.5));
        TrainConfig cfg = TrainConfig.parse(raw, "t");
        Network net = TrainerTest.network(cfg);
        double[][] w = new double[2][16];
        double[] b = new double[2];
        for (Tensor t : net.toTensors("F64").values()) {
            if (t.shape().length == 2) for (int k = 0; k < 32; k++) w[k / 16][k % 16] = t.data()[k];
            else b = t.data().clone();
        }
        int[] order = {5, 2, 9, 14, 0, 7, 3, 11};
        DataSet batch = new Remedies(Augment.NONE, cfg.adversarial(), net, data).batch(net, data, order, 0, 8, 3, 0);
        assertEquals(12, batch.size());
        float[] x = data.rawFeatures(), xb = batch.rawFeatures();
        double lo = 20, hi = 206; // the data's raw range (halves: 20..24 and 200..206)
        for (int r = 0; r < 8; r++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(x, order[r] * 16, order[r] * 16 + 16), java.util.Arrays.copyOfRange(xb, r * 16, r * 16 + 16));
            assertEquals(data.label(order[r]), batch.label(r));
        }
        for (int r = 0; r < 4; r++) {
            int e = order[r];
            double[] in = new double[16];
            for (int j = 0; j < 16; j++) in[j] = (x[e * 16 + j] / 255.0 - 0.5) / 0.25;
            double[] z = {b[0], b[1]};
            for (int c = 0; c < 2; c++) for (int j = 0; j < 16; j++) z[c] += w[c][j] * in[j];
            double zmax = Math.max(z[0], z[1]), s = Math.exp(z[0] - zmax) + Math.exp(z[1] - zmax);
            for (int j = 0; j < 16; j++) {
                // ∂CE/∂x_j = Σ_c W[c][j](softmax_c − [c = y])
                double gj = 0;
                for (int c = 0; c < 2; c++) gj += w[c][j] * (Math.exp(z[c] - zmax) / s - (c == data.label(e) ? 1 : 0));
                double adv = in[j] + 0.1 * Math.signum(gj);
                adv = Math.min((hi / 255 - 0.5) / 0.25, Math.max((lo / 255 - 0.5) / 0.25, adv));
                double expectRaw = (adv * 0.25 + 0.5) * 255;
                assertEquals(expectRaw, xb[(8 + r) * 16 + j], 1e-4, "example " + r + " feature " + j);
            }
            assertEquals(data.label(e), batch.label(8 + r));
        }
    }

    @Test
    void allThreeRemediesTogetherResumeBitForBit() throws IOException {
        Path csv = tmp.resolve("halves.csv");
        TrainerTest.writeCsv(csv, AugmentTest.halves(48));
        Map<String, Object> raw = AugmentTest.imageConfig(
                Map.of("name", "proximal", "inner", Map.of("name", "adam", "lr", 0.01), "steps", 2, "lambda", 0.5), 3);
        raw.put("model", Map.of("input", List.of(1, 4, 4), "classes", 2, "preprocess", Map.of("scale", 1.0 / 255),
                "layers", List.of(Map.of("type", "conv2d", "in", 1, "out", 2, "kernel", 3, "padding", 1), Map.of("type", "batchnorm", "features", 2),
                        Map.of("type", "relu"), Map.of("type", "flatten"), Map.of("type", "linear", "in", 32, "out", 2))));
        raw.put("data", Map.of("train", csv.toString())); // flat CSV rows: the model input gives the image shape
        raw.put("augment", Map.of("translate", 1, "flip", true));
        raw.put("adversarial", Map.of("eps", 0.05, "fraction", 0.25));
        TrainRun.Info info = new TrainRun.Info("test", "none", org.minima.nn.Threads.current());
        Path whole = tmp.resolve("whole");
        TrainRun.start(TrainConfig.parse(raw, "t"), whole, info, null);
        Path broken = tmp.resolve("broken");
        TrainerTest.startInterrupted(raw, broken, info, 1);
        TrainRun.resume(broken, info, null);
        Map<String, Tensor> a = ModelDirectory.read(whole).tensors(), c = ModelDirectory.read(broken).tensors();
        assertEquals(a.keySet(), c.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), c.get(k).data(), 0.0, k);
        String runJson = Files.readString(whole.resolve("run.json"));
        assertTrue(runJson.contains("\"adversarial\"") && runJson.contains("\"augment\"") && runJson.contains("\"proximal\""), runJson);
    }
}
