package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.analysis.AnalysisProgress;
import org.minima.io.Json;
import org.minima.train.TrainRun;
import org.minima.train.Trainer;

/**
 * The shipped experiments on the paper's own data (MNIST, CIFAR-10, CIFAR-100), which users supply: each file's
 * data SPECs read tiny files built here byte by byte in the published formats (IDX; the CIFAR binary versions),
 * and its first run trains one epoch on them with the file's network. Shrunk for the suite: one seed, one run, one
 * epoch, batch 8, no analyses (the analyses are the same code as keskar-f1's, tested in KeskarReproductionTest).
 */
class UserDataExperimentsTest {
    @TempDir Path dir;

    private static void be32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write(v & 0xFF);
    }

    /** IDX files (magic 0x803 images n×28×28, 0x801 labels) for the train and t10k splits. */
    private Path mnist(int train, int test) throws Exception {
        Path d = dir.resolve("mnist");
        Files.createDirectories(d);
        for (String prefix : List.of("train", "t10k")) {
            int n = prefix.equals("train") ? train : test;
            ByteArrayOutputStream images = new ByteArrayOutputStream();
            be32(images, 0x803);
            be32(images, n);
            be32(images, 28);
            be32(images, 28);
            for (int i = 0; i < n * 784; i++) images.write((i * 31 + i / 784 * 7) % 256);
            ByteArrayOutputStream labels = new ByteArrayOutputStream();
            be32(labels, 0x801);
            be32(labels, n);
            for (int i = 0; i < n; i++) labels.write(i % 10);
            Files.write(d.resolve(prefix + "-images-idx3-ubyte"), images.toByteArray());
            Files.write(d.resolve(prefix + "-labels-idx1-ubyte"), labels.toByteArray());
        }
        return d;
    }

    /** One CIFAR binary file of n records: label byte(s), then 3072 pixel bytes (R, G, B planes of 32×32). */
    private static byte[] cifarRecords(int n, boolean hundred, int seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            if (hundred) {
                out.write(i % 20);
                out.write(i % 100);
            } else {
                out.write(i % 10);
            }
            for (int p = 0; p < 3072; p++) out.write((p * 13 + i * 7 + seed) % 256);
        }
        return out.toByteArray();
    }

    private Path cifar10() throws Exception {
        Path d = dir.resolve("cifar-10");
        Files.createDirectories(d);
        for (int b = 1; b <= 5; b++) Files.write(d.resolve("data_batch_" + b + ".bin"), cifarRecords(4, false, b));
        Files.write(d.resolve("test_batch.bin"), cifarRecords(6, false, 9));
        return d;
    }

    private Path cifar100() throws Exception {
        Path d = dir.resolve("cifar-100");
        Files.createDirectories(d);
        Files.write(d.resolve("train.bin"), cifarRecords(20, true, 1));
        Files.write(d.resolve("test.bin"), cifarRecords(6, true, 2));
        return d;
    }

    @Test
    void eachUserDataExperimentTrainsOnTinyFilesInItsFormat() throws Exception {
        Map<String, Path> data = Map.of("data/mnist", mnist(20, 6), "data/cifar-10", cifar10(), "data/cifar-100", cifar100());
        Map<String, Integer> trainSizes = Map.of("keskar-f1-mnist", 20, "keskar-c1", 20, "keskar-c2", 20, "keskar-c3", 20, "keskar-c4", 20);
        for (String name : List.of("keskar-f1-mnist", "keskar-c1", "keskar-c3", "keskar-c2", "keskar-c4")) {
            String yaml = Files.readString(Path.of("experiments", name + ".yaml"));
            for (var e : data.entrySet()) yaml = yaml.replace(":" + e.getKey() + ":", ":" + e.getValue() + ":");
            Map<String, Object> m = Experiment.readMap(write(name, yaml));
            @SuppressWarnings("unchecked") Map<String, Object> base = (Map<String, Object>) m.get("base");
            base.put("epochs", 1);
            base.remove("stop");
            @SuppressWarnings("unchecked") Map<String, Object> sb = (Map<String, Object>) ((List<Object>) m.get("runs")).get(0);
            sb.put("batch", Map.of("size", 8));
            sb.put("sweep", Map.of("seed", List.of(1)));
            m.put("runs", List.of(sb));
            m.remove("analyses");
            Experiment e = Experiment.parse(m, name, false, s -> org.minima.data.DataSets.load(s).size());
            Path out = dir.resolve("out-" + name);
            new Reproduce(e, out, new TrainRun.Info("t", "none", 1), Trainer.Listener.NONE, s -> {}, AnalysisProgress.NONE).run();
            JsonNode run = Json.read(out.resolve("results.json")).get("runs").get(0);
            assertEquals(trainSizes.get(name), run.get("trainExamples").asInt(), name);
            assertEquals(6, run.get("testExamples").asInt(), name);
            assertTrue(run.get("testAccuracy").isNumber() && run.get("trainLoss").asDouble() > 0, name + ": " + run);
            assertEquals(e.paper().network().toLowerCase(java.util.Locale.ROOT), name.equals("keskar-f1-mnist") ? "f1" : name.substring(7), name);
        }
    }

    /**
     * experiments/keskar-remedies-c1.yaml end to end on tiny CIFAR-10 binary files: the seed-1 run of every role
     * (SB, LB, and LB with crop-and-flip augmentation, the proximal optimizer and FGSM) under the file's own stop rule
     * and remedies, 1 epoch, SB batch 8 (LB is the file's 10%: 2 of 20), then one sharpness iteration on 4 examples
     * and the report. Augmentation must change training: lb-augment-1 ends with other weights than lb-1, same seed.
     */
    @Test
    void theC1RemediesExperimentTrainsEveryRoleWithItsRemedyOnTinyCifarFiles() throws Exception {
        String yaml = Files.readString(Path.of("experiments/keskar-remedies-c1.yaml")).replace(":data/cifar-10-batches-bin:", ":" + cifar10() + ":");
        Map<String, Object> m = Experiment.readMap(write("keskar-remedies-c1", yaml));
        @SuppressWarnings("unchecked") Map<String, Object> base = (Map<String, Object>) m.get("base");
        base.put("epochs", 1);
        @SuppressWarnings("unchecked") List<Map<String, Object>> runs = (List<Map<String, Object>>) m.get("runs");
        List<Map<String, Object>> firsts = new java.util.ArrayList<>();
        for (Map<String, Object> r : runs) {
            if (!((String) r.get("name")).endsWith("-1")) continue;
            if (r.get("role").equals("SB")) r.put("batch", Map.of("size", 8));
            firsts.add(r);
        }
        m.put("runs", firsts);
        m.put("analyses", Map.of("sharpness", Map.of("eps", List.of(1e-3), "maxIter", 1, "examples", 4, "bn", "batch")));
        Experiment e = Experiment.parse(m, "keskar-remedies-c1", false, s -> org.minima.data.DataSets.load(s).size());
        Path out = dir.resolve("out-remedies-c1");
        Reproduce.Outcome o = new Reproduce(e, out, new TrainRun.Info("t", "none", 1), Trainer.Listener.NONE, s -> {}, AnalysisProgress.NONE).run();
        assertEquals(5, o.runs().size());
        for (Reproduce.RunResult r : o.runs()) {
            assertEquals("complete", r.record().get("status").asText(), r.run().name());
            assertTrue(r.analyses().path("sharpness").has("1e-3"), r.run().name());
        }
        JsonNode augment = Json.read(out.resolve("lb-augment-1/run.json")).path("config").path("augment");
        assertEquals(4, augment.path("crop").asInt(), augment.toString());
        assertTrue(augment.path("flip").asBoolean(), augment.toString());
        assertEquals(10, Json.read(out.resolve("lb-1/run.json")).path("config").path("stop").path("patience").asInt());
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(out.resolve("lb-1/weights.safetensors")),
                Files.readAllBytes(out.resolve("lb-augment-1/weights.safetensors"))), "augmentation changed nothing");
        String report = Files.readString(o.report());
        assertTrue(report.contains("## Remedies: did they close the gap") && report.contains("holds no values of the paper for C1"), report);
    }

    private Path write(String name, String yaml) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
