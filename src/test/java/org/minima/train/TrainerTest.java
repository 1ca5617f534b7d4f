package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.io.ModelDirectory;
import org.minima.io.Tensor;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

/** The training loop on tiny data sets built here: known optima, determinism, exact resume, bad configs. */
class TrainerTest {
    @TempDir Path tmp;

    /** Three Gaussian blobs (σ 0.3) around (0,4), (4,−2), (−4,−2): separable by lines with a wide margin. */
    static DataSet blobs(int n, long seed, boolean withDims) {
        double[][] centers = {{0, 4}, {4, -2}, {-4, -2}};
        int d = withDims ? 4 : 2;
        float[] x = new float[n * d];
        int[] y = new int[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            x[i * d] = (float) (centers[c][0] + 0.3 * r.nextGaussian());
            x[i * d + 1] = (float) (centers[c][1] + 0.3 * r.nextGaussian());
            for (int j = 2; j < d; j++) x[i * d + j] = (float) r.nextGaussian();
        }
        return new DataSet("blobs", new int[] {d}, 3, x, y);
    }

    static Map<String, Object> linearModel(int in) {
        return Map.of("input", List.of(in), "classes", 3, "layers", List.of(Map.of("type", "linear", "in", in, "out", 3)));
    }

    /** 4 → linear 8 → BN → ReLU → dropout 0.25 → linear 3: batch statistics, running averages and dropout masks all in play. */
    static Map<String, Object> mlp() {
        return Map.of("input", List.of(4), "classes", 3, "layers", List.of(
                Map.of("type", "linear", "in", 4, "out", 8), Map.of("type", "batchnorm", "features", 8),
                Map.of("type", "relu"), Map.of("type", "dropout", "p", 0.25), Map.of("type", "linear", "in", 8, "out", 3)));
    }

    static Map<String, Object> config(Object model, Map<String, Object> optimizer, Object lrPolicy, Map<String, Object> batch, int epochs, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("data", Map.of("train", "blobs"));
        m.put("optimizer", optimizer);
        m.put("lrPolicy", lrPolicy);
        m.put("batch", batch);
        m.put("epochs", epochs);
        m.put("seed", seed);
        return m;
    }

    static Network network(TrainConfig cfg) {
        Network net = Network.create(TrainRun.modelSpec(cfg.model(), "model"), TrainRun.dataType(cfg.dtype()));
        net.initialize(cfg.seed());
        return net;
    }

    @Test
    void softmaxRegressionOnSeparableDataReachesAtLeast99PercentAccuracy() {
        // Independent answer: the blobs are linearly separable (margin ≫ σ), so the convex problem's
        // optimum classifies every point; any working trainer gets ≥ 99%.
        DataSet data = blobs(300, 3, false);
        TrainConfig cfg = TrainConfig.parse(config(linearModel(2), Map.of("name", "sgd", "lr", 0.1, "momentum", 0.9),
                Map.of("name", "fixed"), Map.of("size", 32), 15, 1), "test");
        Network net = network(cfg);
        Trainer.Outcome out = new Trainer(cfg, net, data, null, null, null).run(Trainer.start());
        History.Row last = out.state().rows().get(out.state().rows().size() - 1);
        assertTrue(last.trainAccuracy() >= 0.99, "accuracy " + last.trainAccuracy());
        assertEquals(15 * 10, last.step()); // ⌈300/32⌉ = 10 steps an epoch
    }

    @Test
    void sameSeedTwiceGivesBitIdenticalWeightsAndAnotherSeedDoesNot() {
        DataSet data = blobs(120, 5, true);
        float[][] w = new float[3][];
        long[] seeds = {7, 7, 8};
        for (int k = 0; k < 3; k++) {
            TrainConfig cfg = TrainConfig.parse(config(mlp(), Map.of("name", "adam", "lr", 0.01), Map.of("name", "cosine"),
                    Map.of("size", 16), 3, seeds[k]), "test");
            Network net = network(cfg);
            new Trainer(cfg, net, data, null, null, null).run(Trainer.start());
            w[k] = net.parameters().toFloatVector();
        }
        assertArrayEquals(w[0], w[1], 0f);
        assertFalse(Arrays.equals(w[0], w[2]));
    }

    static void writeCsv(Path file, DataSet d) throws IOException {
        StringBuilder sb = new StringBuilder();
        float[] x = d.rawFeatures();
        for (int i = 0; i < d.size(); i++) {
            for (int j = 0; j < d.features(); j++) sb.append(Float.toString(x[i * d.features() + j])).append(',');
            sb.append(d.label(i)).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    private Map<String, Object> csvConfig(Path csv, Object lrPolicy, int epochs) {
        Map<String, Object> m = config(mlp(), Map.of("name", "sgd", "lr", 0.05, "momentum", 0.9, "nesterov", true), lrPolicy,
                Map.of("size", 10, "schedule", "step", "factor", 2, "milestones", List.of(2)), epochs, 11);
        m.put("data", Map.of("train", csv.toString(), "test", csv.toString()));
        return m;
    }

    /** Starts the run of {@code raw} in {@code dir} and interrupts it after epoch {@code after} (its checkpoint written). */
    static void startInterrupted(Map<String, Object> raw, Path dir, TrainRun.Info info, int after) {
        class Interrupt extends RuntimeException {}
        Trainer.Listener stop = new Trainer.Listener() {
            @Override
            public void epochDone(History.Row row) {
                if (row.epoch() == after) throw new Interrupt();
            }
        };
        assertThrows(Interrupt.class, () -> TrainRun.start(TrainConfig.parse(raw, "t"), dir, info, stop));
    }

    @Test
    void resumeAfterAnInterruptionEqualsTheUninterruptedRunBitForBit() throws IOException {
        Path csv = tmp.resolve("blobs.csv");
        writeCsv(csv, blobs(90, 9, true));
        Map<String, Object> raw = csvConfig(csv, Map.of("name", "one-cycle"), 4);
        raw.put("data", Map.of("train", csv.toString())); // no test set: NaN test columns go through the checkpoint
        TrainRun.Info info = new TrainRun.Info("test", "none", org.minima.nn.Threads.current());

        Path whole = tmp.resolve("whole");
        TrainRun.start(TrainConfig.parse(raw, "t"), whole, info, null);

        Path broken = tmp.resolve("broken");
        startInterrupted(raw, broken, info, 2);
        assertFalse(Files.exists(broken.resolve(ModelDirectory.WEIGHTS)));
        TrainRun.Result r = TrainRun.resume(broken, info, null);
        assertEquals(4, r.epochs());

        Map<String, Tensor> a = ModelDirectory.read(whole).tensors(), b = ModelDirectory.read(broken).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), 0.0, k);
        assertEquals(Files.readString(whole.resolve("history.csv")).lines().map(l -> l.substring(0, l.lastIndexOf(','))).toList(),
                Files.readString(broken.resolve("history.csv")).lines().map(l -> l.substring(0, l.lastIndexOf(','))).toList());
    }

    @Test
    void historyLogsTheScheduledBatchAndTheNoiseScaleOfSmithEtAl() throws IOException {
        // N = 90, batch 10 then 20 from epoch 3 (0-based 2); SGD momentum 0.9, fixed lr 0.05:
        // g = 0.05·90/(B·0.1) = 4.5 then 2.25; steps 9 a epoch, then 5 (⌈90/20⌉)
        Path csv = tmp.resolve("b.csv");
        writeCsv(csv, blobs(90, 1, true));
        Path dir = tmp.resolve("run");
        TrainRun.start(TrainConfig.parse(csvConfig(csv, Map.of("name", "fixed"), 4), "t"), dir,
                new TrainRun.Info("test", "none", 1), null);
        List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
        assertEquals(History.HEADER, lines.get(0));
        int[] batch = {10, 10, 20, 20};
        long[] steps = {9, 18, 23, 28};
        double[] noise = {4.5, 4.5, 2.25, 2.25};
        for (int e = 0; e < 4; e++) {
            String[] f = lines.get(e + 1).split(",");
            assertEquals(e + 1, Integer.parseInt(f[0]));
            assertEquals(steps[e], Long.parseLong(f[1]));
            assertEquals(batch[e], Integer.parseInt(f[3]));
            assertEquals(noise[e], Double.parseDouble(f[4]), 1e-12);
        }
        assertTrue(Files.readString(dir.resolve("run.json")).contains("\"status\" : \"complete\""));
    }

    @Test
    void aNanLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path csv = tmp.resolve("n.csv");
        writeCsv(csv, blobs(90, 2, true));
        // lr 0.05 for two epochs, then 1e30: the loss overflows in epoch 3
        Object policy = Map.of("name", "piecewise", "pieces", List.of(Map.of("name", "fixed", "until", 2), Map.of("name", "fixed", "lr", 1e30)));
        Path dir = tmp.resolve("nan");
        Trainer.DivergedException ex = assertThrows(Trainer.DivergedException.class,
                () -> TrainRun.start(TrainConfig.parse(csvConfig(csv, policy, 4), "t"), dir, new TrainRun.Info("t", "n", 1), null));
        assertTrue(ex.getMessage().contains("epoch 3"), ex.getMessage());
        Path ckpt = Checkpoint.find(dir);
        assertNotNull(ckpt);
        assertTrue(Files.readString(ckpt.resolve("state.json")).contains("\"epochsDone\" : 2"));
        assertTrue(Files.readString(dir.resolve("run.json")).contains("\"status\" : \"diverged\""));
    }

    @Test
    void aConfigWithATypoInAKeyIsRejectedNamingTheKey() {
        Map<String, Object> m = config(linearModel(2), Map.of("name", "adam", "lr", 0.001), Map.of("name", "fixed"), Map.of("size", 8), 1, 1);
        m.put("optimiser", Map.of());
        InputException top = assertThrows(InputException.class, () -> TrainConfig.parse(m, "run.yaml"));
        assertTrue(top.getMessage().contains("'optimiser'") && top.getMessage().contains("optimizer, lrPolicy"), top.getMessage());
        m.remove("optimiser");
        m.put("batch", Map.of("sise", 8));
        InputException nested = assertThrows(InputException.class, () -> TrainConfig.parse(m, "run.yaml"));
        assertTrue(nested.getMessage().startsWith("run.yaml: batch: unknown key 'sise'"), nested.getMessage());
        m.put("batch", Map.of("size", 8));
        m.put("optimizer", Map.of("name", "adam", "lr", 0.001, "beta1", 0.9));
        InputException opt = assertThrows(InputException.class, () -> TrainConfig.parse(m, "run.yaml"));
        assertTrue(opt.getMessage().contains("'beta1'") && opt.getMessage().contains("betas"), opt.getMessage());
    }

    @Test
    void setOverridesNestedKeysWithYamlValues() {
        Map<String, Object> m = TrainConfig.deepCopy(config(linearModel(2), Map.of("name", "adam", "lr", 0.001), Map.of("name", "fixed"),
                Map.of("size", 8), 1, 1));
        TrainConfig.applySet(m, "optimizer.lr=0.01");
        TrainConfig.applySet(m, "batch.size=0.1");
        TrainConfig.applySet(m, "lrPolicy={name: step, every: 2}");
        TrainConfig cfg = TrainConfig.parse(m, "t");
        assertEquals(0.01, cfg.optimizer().lr());
        assertEquals(0.1, cfg.batch().size());
        assertEquals(0.001, cfg.lrPolicy().rate(2), 1e-15); // 0.01 · 0.1^⌊2/2⌋
    }
}
