package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.analysis.AnalysisProgress;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.io.Tensor;
import org.minima.train.TrainRun;
import org.minima.train.Trainer;

/**
 * The Keskar reproduction's machinery end to end on a tiny experiment (issue 18): sweeps over seeds, the stop rule,
 * warm starts from saved epochs (Figure 5), the per-batch-size aggregate (Figure 4), the conventions in
 * results.json, and the report's paper columns against a fixture typed from the paper.
 */
class KeskarReproductionTest {
    @TempDir Path dir;

    /** Keskar et al.'s Tables 2–4 as typed into src/test/resources/keskar2017-tables.csv: "table,network,column" → {mean, std}. */
    static Map<String, double[]> fixture() throws Exception {
        Map<String, double[]> m = new LinkedHashMap<>();
        try (var in = KeskarReproductionTest.class.getResourceAsStream("/keskar2017-tables.csv")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] c = line.split(",");
                m.put(c[0] + "," + c[1] + "," + c[2], new double[] {Double.parseDouble(c[3]), Double.parseDouble(c[4])});
            }
        }
        return m;
    }

    @Test
    void paperNumbersEqualTheTablesTypedFromThePaperFieldByField() throws Exception {
        Map<String, double[]> f = fixture();
        assertEquals(3 * 6 * 4, f.size());
        for (String net : PaperNumbers.NETWORKS) {
            check(f, "2," + net + ",", List.of("trainSB", "trainLB", "testSB", "testLB"), PaperNumbers.TABLE2.get(net));
            check(f, "3," + net + ",", List.of("1e-3 SB", "1e-3 LB", "5e-4 SB", "5e-4 LB"), PaperNumbers.TABLE3.get(net));
            check(f, "4," + net + ",", List.of("1e-3 SB", "1e-3 LB", "5e-4 SB", "5e-4 LB"), PaperNumbers.TABLE4.get(net));
        }
    }

    private static void check(Map<String, double[]> f, String prefix, List<String> cols, PaperNumbers.Row row) {
        PaperNumbers.Stat[] stats = {row.firstSB(), row.firstLB(), row.secondSB(), row.secondLB()};
        for (int i = 0; i < 4; i++) {
            double[] want = f.get(prefix + cols.get(i));
            assertEquals(want[0], stats[i].mean(), 0.0, prefix + cols.get(i) + " mean");
            assertEquals(want[1], stats[i].std(), 0.0, prefix + cols.get(i) + " std");
        }
    }

    /** 90 examples of three blobs in 4 features, labels 0..2. */
    private Path csv() throws Exception {
        return org.minima.data.Blobs.write(dir, 90, 3, 1.0, 5);
    }

    /** The paper key and the base config the tiny experiments share: a small MLP with batch norm on the CSV DATA. */
    private static final String TINY_BASE = """
            paper: {table: [2, 3, 4], network: F1}
            base:
              model: {input: [4], classes: 3, layers: [{type: linear, in: 4, out: 6}, {type: batchnorm, features: 6}, {type: relu}, {type: linear, in: 6, out: 3}]}
              data: {train: DATA, test: DATA}
              optimizer: {name: adam, lr: 0.02}
              batch: {size: 8}
            """;

    private static final String TINY = "experiment: tiny-keskar\n" + TINY_BASE + """
              epochs: 4
              stop: {patience: 2, minDelta: 1.0e-4}
            runs:
              - {name: sb, role: SB, saveEpochs: true, stop: {patience: 0, keepBest: false}, sweep: {seed: [1, 2]}}
              - {name: lb, role: LB, batch: {size: 0.5}, sweep: {seed: [1, 2]}}
              - {name: "w{init.epoch}-s{seed}", role: W, batch: {size: 0.5}, init: {run: sb-seed1}, sweep: {init.epoch: [0, 2], seed: [1, 2]}}
            analyses:
              sharpness: {eps: [1e-3, 5e-4], subspace: 3, maxIter: 3, examples: 60, bn: batch, bnBatch: 30, subspaceMatrix: gaussian}
              interpolate: {pairs: [[sb-seed1, lb-seed1]], alpha: "-1:2:4", examples: 60}
              figure4: {eps: 1e-3}
              figure5: {eps: 5e-4, subspace: true}
            """;

    @Test
    void aTinyReproductionWithSeedsWarmStartsAndFigures4And5() throws Exception {
        Path data = csv();
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, TINY.replace("DATA", data.toString()));
        Experiment e = Experiment.load(file, false);
        Path out = dir.resolve("out");
        Reproduce.Outcome o = new Reproduce(e, out, new TrainRun.Info("test", "none", 1), Trainer.Listener.NONE, s -> {}, AnalysisProgress.NONE).run();
        JsonNode res = Json.read(o.results());
        List<String> names = new ArrayList<>();
        res.get("runs").forEach(r -> names.add(r.get("name").asText()));
        assertEquals(List.of("sb-seed1", "sb-seed2", "lb-seed1", "lb-seed2", "w0-s1", "w0-s2", "w2-s1", "w2-s2"), names);

        for (JsonNode r : res.get("runs")) {
            // the conventions of every measurement are recorded, as the analyses' JSON says them
            assertEquals("batch", r.get("conventions").get("bn").asText(), r.toString());
            assertEquals(30, r.get("conventions").get("bnBatch").asInt());
            assertEquals("gaussian", r.get("conventions").get("subspaceMatrix").asText());
            assertEquals("batch", r.get("details").get("subspaceSharpness").get("5e-4").get("bn").asText());
            assertTrue(r.get("stopRule").has("bestEpoch") && r.get("modelEpoch").isInt());
        }
        // a warm start from SB's epoch 0 (its seed-1 initialization) with seed 1 is the LB run of seed 1, bit for bit:
        // the same initial weights, the same shuffles, the same batches
        Map<String, Tensor> lb = ModelDirectory.read(out.resolve("lb-seed1")).tensors();
        Map<String, Tensor> w0 = ModelDirectory.read(out.resolve("w0-s1")).tensors();
        for (String k : lb.keySet()) assertArrayEquals(lb.get(k).data(), w0.get(k).data(), 0.0, k);
        // a warm start from epoch 2 starts from the weights SB had after epoch 2 (recorded as its init)
        JsonNode w2 = Json.read(out.resolve("w2-s1").resolve("run.json"));
        assertEquals(Trainer.epochDir(out.resolve("sb-seed1"), 2).toString(), w2.get("config").get("init").asText());
        assertTrue(Files.isRegularFile(Trainer.epochDir(out.resolve("sb-seed1"), 4).resolve("weights.safetensors")));

        // Figure 4: per batch size (8: the SB runs; 45: every other run) the mean and sample std of φ(1e-3) and test accuracy
        JsonNode f4 = res.get("figure4");
        assertEquals(2, f4.get("points").size());
        checkPoint(f4.get("points").get(0), 8, runs(res, r -> r.get("batch").asInt() == 8), "sharpness", "1e-3");
        checkPoint(f4.get("points").get(1), 45, runs(res, r -> r.get("batch").asInt() == 45), "sharpness", "1e-3");
        // Figure 5: the warm-started runs per warm-start epoch, φ(5e-4) in the subspace
        JsonNode f5 = res.get("figure5");
        assertEquals(List.of(0.0, 2.0), List.of(f5.get("points").get(0).get("x").asDouble(), f5.get("points").get(1).get("x").asDouble()));
        checkPoint(f5.get("points").get(0), 0, runs(res, r -> r.get("name").asText().startsWith("w0-")), "subspaceSharpness", "5e-4");
        checkPoint(f5.get("points").get(1), 2, runs(res, r -> r.get("name").asText().startsWith("w2-")), "subspaceSharpness", "5e-4");
        for (String p : List.of("figure4.png", "figure4.svg", "figure5.png", "interpolation-sb-seed1-lb-seed1.png")) {
            assertTrue(Files.size(out.resolve("plots").resolve(p)) > 0, p);
        }

        String report = Files.readString(o.report());
        // the paper's columns against the fixture typed from the paper (not against PaperNumbers, not against the report)
        Map<String, double[]> fx = fixture();
        assertTrue(report.contains("| paper (F1, MNIST, n = 5) | " + cells(fx, "2,F1,", "trainSB", "trainLB", "testSB", "testLB") + " |"), report);
        assertTrue(report.contains("| paper (F1, MNIST, n = 5) | " + cells(fx, "3,F1,", "1e-3 SB", "1e-3 LB", "5e-4 SB", "5e-4 LB") + " |"), report);
        assertTrue(report.contains("| paper (F1, MNIST, n = 5) | " + cells(fx, "4,F1,", "1e-3 SB", "1e-3 LB", "5e-4 SB", "5e-4 LB") + " |"), report);
        // the LB/SB ratio of mean sharpness, ours from results.json and the paper's from the fixture
        double paperRatio = fx.get("3,F1,1e-3 LB")[0] / fx.get("3,F1,1e-3 SB")[0];
        double ours = meanOf(runs(res, r -> r.get("role").asText().equals("LB")), "sharpness", "1e-3")
                / meanOf(runs(res, r -> r.get("role").asText().equals("SB")), "sharpness", "1e-3");
        String ratioRow = "| full space, ε = 1e-3 | " + ratio(ours) + " | " + ratio(paperRatio) + " |";
        assertTrue(report.contains(ratioRow), ratioRow + "\n" + report);
        assertEquals("167×", ratio(paperRatio));
        double gap = 100 * (meanOf(runs(res, r -> r.get("role").asText().equals("SB")), "testAccuracy", null)
                - meanOf(runs(res, r -> r.get("role").asText().equals("LB")), "testAccuracy", null));
        assertTrue(report.contains(String.format(Locale.ROOT, "Test accuracy, mean SB − mean LB: %+.2f points (the paper: +0.22 points)", gap)), report);
        assertTrue(report.contains("| SB batch | 256 | 8 |"), report);
        assertTrue(report.contains("| runs per role | 5, from different random starts | 2 SB, 2 LB, 4 others |"), report);
        assertTrue(report.contains("measured, batch statistics (n = 2 SB, 2 LB)"), report);
        assertTrue(report.contains("**Did the paper's finding hold?**"), report);
    }

    private static final String CONVENTIONS = "experiment: tiny-conventions\n" + TINY_BASE + """
              epochs: 2
            runs:
              - {name: sb, role: SB}
              - {name: lb, role: LB, batch: {size: 0.5}}
            analyses:
              sharpness: {eps: [1e-3, 5e-4], subspace: 3, maxIter: 3, examples: 60, bn: [batch, running], bnBatch: 30, start: [centre, corner], restarts: 1}
            """;

    @Test
    void severalConventionsAreMeasuredRecordedAndReportedAsLabelledRows() throws Exception {
        Path file = dir.resolve("conv.yaml");
        Files.writeString(file, CONVENTIONS.replace("DATA", csv().toString()));
        Experiment e = Experiment.load(file, false, List.of("base.epochs=3"));
        Path out = dir.resolve("conv");
        Reproduce.Outcome o = new Reproduce(e, out, new TrainRun.Info("test", "none", 1), Trainer.Listener.NONE, s -> {}, AnalysisProgress.NONE).run();
        JsonNode res = Json.read(o.results());
        // how it was run
        assertEquals("minima reproduce " + file + " --set base.epochs=3", res.get("command").get("line").asText());
        assertEquals("base.epochs=3", res.get("command").get("set").get(0).asText());
        List<String> keys = List.of("batch-centre", "batch-corner+1r", "running-centre", "running-corner+1r");
        List<String> labels = List.of("batch statistics, centre start", "batch statistics, corner start + 1 restart",
                "running statistics, centre start", "running statistics, corner start + 1 restart");
        for (JsonNode r : res.get("runs")) {
            JsonNode cs = r.get("sharpnessConventions");
            assertEquals(4, cs.size(), r.toString());
            for (int i = 0; i < 4; i++) {
                JsonNode c = cs.get(i);
                assertEquals(keys.get(i), c.get("convention").asText());
                assertEquals(labels.get(i), c.get("label").asText());
                assertEquals(i == 0, c.get("headline").asBoolean());
                String bn = i < 2 ? "batch" : "running", start = i % 2 == 0 ? "centre" : "corner";
                int restarts = i % 2 == 0 ? 0 : 1;
                assertEquals("gaussian", c.get("subspaceMatrix").asText());
                for (String field : List.of("sharpness", "subspaceSharpness")) {
                    for (String eps : List.of("1e-3", "5e-4")) {
                        // every measurement carries its convention and its diagnostics, and its φ is the figure
                        JsonNode d = c.get("details").get(field).get(eps);
                        assertEquals(bn, d.get("bn").asText());
                        assertEquals(30, d.get("bnBatch").asInt());
                        assertEquals(start, d.get("start").asText());
                        assertEquals(restarts, d.get("restarts").asInt());
                        assertEquals(1 + restarts, d.get("starts").size());
                        assertEquals(start, d.get("starts").get(0).get("start").asText());
                        assertTrue(d.get("gradientNorm").isNumber() && d.get("firstOrder").isNumber() && d.get("boxReached").get("max").isNumber());
                        assertEquals(d.get("sharpness").asDouble(), c.get(field).get(eps).asDouble(), 0.0);
                    }
                }
            }
            // the headline is the run's sharpness as before; the batch and running conventions evaluate different losses f(x)
            assertEquals(cs.get(0).get("sharpness").get("1e-3").asDouble(), r.get("sharpness").get("1e-3").asDouble(), 0.0);
            assertEquals(cs.get(0).get("subspaceSharpness").get("5e-4").asDouble(), r.get("subspaceSharpness").get("5e-4").asDouble(), 0.0);
            double fBatch = cs.get(0).get("details").get("sharpness").get("1e-3").get("loss").asDouble();
            double fRunning = cs.get(2).get("details").get("sharpness").get("1e-3").get("loss").asDouble();
            assertTrue(fBatch != fRunning, "the two batch-norm conventions evaluate different losses: " + fBatch);
        }
        // the running-statistics corner measurement is what the sharpness command measures with those options
        JsonNode lb = res.get("runs").get(1);
        org.minima.nn.Network net = org.minima.nn.Network.load(ModelDirectory.read(out.resolve("lb")), org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        var data = org.minima.data.DataSets.load(csv().toString()).head(60);
        var opts = org.minima.analysis.SharpnessOptions.defaults().withEps(1e-3).withMaxIter(3).withBatchNorm(
                new org.minima.nn.BatchNormMode(org.minima.nn.BatchNormMode.Statistics.RUNNING, 30)).withStart(
                        org.minima.analysis.SharpnessOptions.StartAt.CORNER).withRestarts(1);
        double direct = org.minima.analysis.SharpnessAnalysis.run(net, data, opts, null).sharpness().sharpness();
        assertEquals(direct, lb.get("sharpnessConventions").get(3).get("sharpness").get("1e-3").asDouble(), 0.0);

        String report = Files.readString(o.report());
        assertTrue(report.contains("Command: `minima reproduce " + file + " --set base.epochs=3`"), report);
        for (int i = 0; i < 4; i++) {
            // Tables 3 and 4: one labelled row per convention, with the means of results.json
            Experiment.Convention c = e.analyses().sharpness().conventions().get(i);
            String row = "| measured, " + labels.get(i) + (i == 0 ? " (headline; " : " (") + "n = 1 SB, 1 LB) | "
                    + Report.format(res.get("runs").get(0).get("sharpnessConventions").get(i).get("sharpness").get("1e-3").asDouble()) + " | "
                    + Report.format(res.get("runs").get(1).get("sharpnessConventions").get(i).get("sharpness").get("1e-3").asDouble()) + " | ";
            assertTrue(report.contains(row), row + "\n" + report);
            assertEquals(keys.get(i), c.key());
            // the findings: one statement per convention
            assertTrue(report.contains("- **" + labels.get(i) + "**" + (i == 0 ? " (headline)" : "") + ": LB came out "), labels.get(i) + "\n" + report);
        }
        assertTrue(report.contains("the paper: 167×, 205.14/1.23"), report);
        assertTrue(report.contains("| lb | running statistics, corner start + 1 restart | p = 3 | 5e-4 | "), report);
    }

    @Test
    void aBatchLargerThanARunsDataIsOneErrorBeforeAnyTraining() throws Exception {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, TINY.replace("DATA", csv().toString()).replace("{name: lb, role: LB, batch: {size: 0.5}", "{name: lb, role: LB, batch: {size: 200}"));
        Path out = dir.resolve("big");
        Experiment e = Experiment.load(file, false);
        org.minima.io.InputException x = org.junit.jupiter.api.Assertions.assertThrows(org.minima.io.InputException.class,
                () -> new Reproduce(e, out, new TrainRun.Info("t", "none", 1), Trainer.Listener.NONE, s -> {}, AnalysisProgress.NONE).run());
        assertTrue(x.getMessage().contains("lb-seed1: batch.size 200 is larger than the 90 training examples"), x.getMessage());
        assertTrue(!Files.exists(out.resolve("sb-seed1")), "nothing trained");
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.0f×" : "%.2f×", v);
    }

    private static String cells(Map<String, double[]> fx, String prefix, String... cols) {
        List<String> c = new ArrayList<>();
        for (String col : cols) {
            double[] v = fx.get(prefix + col);
            c.add(String.format(Locale.ROOT, "%.2f ± %.2f", v[0], v[1]));
        }
        return String.join(" | ", c);
    }

    private static List<JsonNode> runs(JsonNode res, java.util.function.Predicate<JsonNode> p) {
        List<JsonNode> out = new ArrayList<>();
        res.get("runs").forEach(r -> {
            if (p.test(r)) out.add(r);
        });
        return out;
    }

    private static double meanOf(List<JsonNode> runs, String field, String eps) {
        double s = 0;
        for (JsonNode r : runs) s += (eps == null ? r.get(field) : r.get(field).get(eps)).asDouble();
        return s / runs.size();
    }

    /** A figure's point against the runs it stands for: their mean and sample standard deviation, computed here. */
    private static void checkPoint(JsonNode p, double x, List<JsonNode> runs, String field, String eps) {
        assertEquals(x, p.get("x").asDouble());
        assertEquals(runs.size(), p.get("runs").asInt());
        for (String[] q : new String[][] {{"sharpness", field, eps}, {"testAccuracy", "testAccuracy", null}}) {
            double m = meanOf(runs, q[1], q[2]);
            double ss = 0;
            for (JsonNode r : runs) {
                double v = (q[2] == null ? r.get(q[1]) : r.get(q[1]).get(q[2])).asDouble();
                ss += (v - m) * (v - m);
            }
            assertEquals(m, p.get(q[0]).get("mean").asDouble(), 1e-12 * Math.max(1, Math.abs(m)), q[0]);
            assertEquals(Math.sqrt(ss / (runs.size() - 1)), p.get(q[0]).get("std").asDouble(), 1e-12 * Math.max(1, m), q[0]);
        }
    }
}
