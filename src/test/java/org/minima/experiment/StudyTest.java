package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.train.BatchSchedule;
import org.minima.train.TrainConfig;
import org.minima.train.TrainRun;
import org.minima.train.Trainer;

/**
 * Study files: the committed Smith experiments keep the noise scale g = εN/(B(1−m)) equal across their arms (Smith
 * et al. 2018, §2 eq. 2), and tiny end-to-end versions of the Smith and policy-benchmark studies on CSV data whose
 * summaries are recomputed here from the runs' own history.csv files.
 */
class StudyTest {
    private static final int N = 60000; // Fashion-MNIST's training set

    /** ε, B and g of every arm's first-seed run at each epoch, for a training set of N examples. */
    private static Map<String, double[][]> schedule(String file) {
        Study s = Study.load(Path.of("experiments", file), List.of(), false);
        Map<String, double[][]> out = new HashMap<>();
        for (Study.Run r : s.runs()) {
            if (r.seed() != s.seeds().get(0) || r.scale() != 1) continue;
            TrainConfig cfg = s.config(r, 1, file);
            BatchSchedule b = cfg.batch().resolve(N, "batch");
            double[][] v = new double[3][cfg.epochs()];
            for (int e = 0; e < cfg.epochs(); e++) {
                v[0][e] = cfg.lrPolicy().rate(e) * b.lrScale(e);
                v[1][e] = b.size(e);
                v[2][e] = BatchSchedule.noiseScale(v[0][e], N, b.size(e), cfg.optimizer().momentum());
            }
            out.put(r.arm(), v);
        }
        return out;
    }

    @Test
    void smithsThreeSchedulesHaveTheSameNoiseScaleAtEveryEpochWhileTheirRateAndBatchDiffer() {
        Map<String, double[][]> v = schedule("smith-schedules.yaml");
        double[][] d = v.get("decaying-lr"), h = v.get("hybrid"), i = v.get("increasing-batch");
        for (int e = 0; e < d[0].length; e++) {
            assertEquals(d[2][e], h[2][e], 1e-12 * d[2][e], "hybrid g, epoch " + e);
            assertEquals(d[2][e], i[2][e], 1e-12 * d[2][e], "increasing-batch g, epoch " + e);
        }
        assertEquals(0.05 * N / (128 * 0.1), d[2][0], 1e-9);          // g before the first step
        assertEquals(0.05 * N / (128 * 0.1) / 25, d[2][14], 1e-9);    // two factor-5 steps later
        assertNotEquals(d[0][14], i[0][14]);                           // the rate: 0.002 against 0.05
        assertNotEquals(d[1][14], i[1][14]);                           // the batch: 128 against 3200
        assertNotEquals(h[1][14], i[1][14]);
    }

    @Test
    void theMomentumAndLinearScalingStudiesKeepTheNoiseScaleFixedAcrossTheirArms() {
        for (String file : List.of("smith-momentum.yaml", "smith-linear-scaling.yaml")) {
            Map<String, double[][]> v = schedule(file);
            double g = v.values().iterator().next()[2][0];
            List<Double> batches = new ArrayList<>();
            for (Map.Entry<String, double[][]> e : v.entrySet()) {
                assertEquals(g, e.getValue()[2][0], 1e-12 * g, file + " " + e.getKey());
                batches.add(e.getValue()[1][0]);
            }
            assertEquals(v.size(), batches.stream().distinct().count(), file + ": every arm has its own batch size");
        }
    }

    @Test
    void theLrPolicyBenchmarkListsEveryPolicyOfTheCatalogue() {
        Study s = Study.load(Path.of("experiments", "lr-policies.yaml"), List.of(), false);
        List<String> policies = new ArrayList<>();
        for (Study.Arm a : s.arms()) policies.add(String.valueOf(((Map<?, ?>) a.overrides().get("lrPolicy")).get("name")));
        for (String name : org.minima.train.LrPolicies.names()) assertTrue(policies.contains(name), name);
        assertTrue(s.arms().stream().anyMatch(Study.Arm::rangeTest));
    }

    /** 90 examples of three blobs in 4 features (the last two noise), labels 0..2. */
    private static Path csv(Path dir) throws Exception {
        return org.minima.data.Blobs.write(dir, 1.5);
    }

    private static final String MODEL = "{input: [4], classes: 3, layers: [{type: linear, in: 4, out: 6}, {type: batchnorm, features: 6}, "
            + "{type: relu}, {type: linear, in: 6, out: 3}]}";

    private static StudyReport.Outcome run(Path file, Path out, List<String> sets) {
        return Study.load(file, sets, false).run(out, new TrainRun.Info("test", "test", 1), Trainer.Listener.NONE, line -> {});
    }

    @Test
    void aTinySmithStudyReportsMeanAndStdOverSeedsOfEachArmFromTheRunsHistories(@TempDir Path dir) throws Exception {
        Path data = csv(dir);
        Path file = dir.resolve("tiny-smith.yaml");
        Files.writeString(file, """
                study: tiny-smith
                base:
                  model: MODEL
                  data: {train: DATA, test: DATA}
                  optimizer: {name: sgd, lr: 0.1, momentum: 0.9}
                  batch: {size: 8, factor: 5, milestones: [1]}
                  epochs: 3
                arms:
                  - {name: decaying-lr, batch: {schedule: decaying-lr}}
                  - {name: increasing-batch, batch: {schedule: increasing-batch}}
                seeds: [1, 2, 3]
                """.replace("MODEL", MODEL).replace("DATA", data.toString()));
        Path out = dir.resolve("out");
        StudyReport.Outcome o = run(file, out, List.of("base.epochs=2"));
        JsonNode groups = o.json().path("groups");
        assertEquals(2, groups.size());
        for (JsonNode g : groups) {
            List<Double> acc = new ArrayList<>();
            for (long seed = 1; seed <= 3; seed++) {
                List<String> lines = Files.readAllLines(out.resolve(g.path("name").asText() + "-s" + seed).resolve("history.csv"));
                assertEquals(3, lines.size()); // header + the 2 epochs of --set base.epochs=2
                String[] last = lines.get(2).split(",");
                acc.add(Double.parseDouble(last[8]));
                if (g.path("name").asText().equals("increasing-batch")) assertEquals("40", last[3]); // 8 × 5 after epoch 1
            }
            double mean = (acc.get(0) + acc.get(1) + acc.get(2)) / 3;
            double var = 0;
            for (double a : acc) var += (a - mean) * (a - mean) / 2;
            assertEquals(mean, g.path("finalAccuracy").path("mean").asDouble(), 1e-12);
            assertEquals(Math.sqrt(var), g.path("finalAccuracy").path("std").asDouble(), 1e-12);
        }
        // the increasing batch takes fewer updates: 2 epochs of 90/8 → 12 + 3 steps against 12 + 12
        assertEquals(24, groups.get(0).path("updates").path("mean").asDouble(), 0);
        assertEquals(15, groups.get(1).path("updates").path("mean").asDouble(), 0);
        String report = Files.readString(o.report());
        assertTrue(report.contains("--set 'base.epochs=2'") && report.contains("| decaying-lr |"), report);
        for (String p : List.of("tiny-smith-test-accuracy.png", "tiny-smith-test-accuracy-updates.png", "tiny-smith-rates.png", "tiny-smith-noise-scale.png",
                "tiny-smith-summary.png")) {
            assertTrue(Files.size(out.resolve("plots").resolve(p)) > 1000, p);
        }
        // the summary is one figure of three panels side by side: accuracy against epochs, against updates, g
        java.awt.image.BufferedImage summary = javax.imageio.ImageIO.read(out.resolve("plots").resolve("tiny-smith-summary.png").toFile());
        assertEquals(2 * 3 * 540, summary.getWidth());

        // a rerun reuses the complete runs; a changed config is refused, naming the run
        String end = Json.read(out.resolve("decaying-lr-s1").resolve("run.json")).path("end").asText();
        run(file, out, List.of("base.epochs=2"));
        assertEquals(end, Json.read(out.resolve("decaying-lr-s1").resolve("run.json")).path("end").asText());
        InputException e = assertThrows(InputException.class, () -> run(file, out, List.of("base.epochs=3")));
        assertTrue(e.getMessage().contains("decaying-lr-s1"), e.getMessage());
    }

    @Test
    void aTinyPolicyBenchmarkRanksPoliciesPerOptimizerWithRobustnessAndRangeTestRuns(@TempDir Path dir) throws Exception {
        Path data = csv(dir);
        Path file = dir.resolve("tiny-policies.yaml");
        Files.writeString(file, """
                study: tiny-policies
                base:
                  model: MODEL
                  data: {train: DATA, test: DATA}
                  batch: {size: 8}
                  epochs: 2
                optimizers:
                  - {name: sgd, lr: 0.05, momentum: 0.9}
                  - {name: adam, lr: 0.01}
                relativeRates: true
                seeds: [1, 2, 3]
                scales: [0.3, 3]
                target: 0.5
                arms:
                  - {name: fixed, lrPolicy: {name: fixed}}
                  - {name: plateau, lrPolicy: {name: reduce-on-plateau, factor: 0.5, patience: 0}}
                  - {name: tri, lrPolicy: {name: triangular, base_lr: 0.1, max_lr: 1, step_size_up: 1}}
                  - {name: range-test, rangeTest: true, lrPolicy: {name: fixed}}
                """.replace("MODEL", MODEL).replace("DATA", data.toString()));
        Path out = dir.resolve("out");
        StudyReport.Outcome o = run(file, out, List.of());
        JsonNode groups = o.json().path("groups");
        assertEquals(8, groups.size()); // 4 arms × 2 optimizers
        assertEquals(8 * 5, o.json().path("runs").size()); // 3 seeds + 2 scales each
        List<Integer> ranks = new ArrayList<>();
        double previous = Double.POSITIVE_INFINITY;
        for (int rank = 1; rank <= 8; rank++) {
            for (JsonNode g : groups) {
                if (g.path("rank").asInt() != rank) continue;
                ranks.add(rank);
                double m = g.path("finalAccuracy").path("mean").asDouble(Double.NaN);
                if (!Double.isNaN(m)) {
                    assertTrue(m <= previous, "ranked by mean final accuracy");
                    previous = m;
                }
            }
        }
        assertEquals(8, ranks.size());
        // relative rates: the triangular policy's max is the optimizer's lr (× the scale), its base a tenth of it
        TrainConfig tri = TrainConfig.load(out.resolve("tri-adam-x3-s1").resolve("run.json"), List.of(), null);
        assertEquals(0.003, tri.lrPolicy().rate(0), 1e-15);
        assertEquals(0.03, tri.lrPolicy().rate(1), 1e-15);
        // the range-test arm trains at the suggested rate it recorded
        JsonNode rt = Json.read(out.resolve("range-tests").resolve("range-test-sgd-s1.json"));
        TrainConfig picked = TrainConfig.load(out.resolve("range-test-sgd-s1").resolve("run.json"), List.of(), null);
        assertEquals(rt.path("suggestedLr").asDouble(), picked.optimizer().lr(), 1e-15);
        assertEquals(3 * rt.path("suggestedLr").asDouble(), TrainConfig.load(out.resolve("range-test-sgd-x3-s1").resolve("run.json"),
                List.of(), null).optimizer().lr(), 1e-15);
        String report = Files.readString(o.report());
        assertTrue(report.contains("acc. at lr × 0.3 (%, n = 1)") && report.contains("epochs to 50%"), report);
        // one run per scaled column: its accuracy alone, no "± 0.00"; three seeds: mean ± std, as results.json has them
        JsonNode fixed = groups.get(0);
        String row = report.lines().filter(l -> l.contains("| fixed-sgd |")).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", 100 * fixed.path("scales").path("0.3").path("mean").asDouble()), cells[cells.length - 2].strip());
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f ± %.2f", 100 * fixed.path("finalAccuracy").path("mean").asDouble(),
                100 * fixed.path("finalAccuracy").path("std").asDouble()), cells[4].strip());
        assertTrue(Files.size(out.resolve("plots").resolve("tiny-policies-adam-summary.png")) > 1000);
        // the rates: a panel per arm, a line per optimizer, as multiples of the optimizer's lr (relativeRates)
        Study study = Study.load(file, List.of(), false);
        java.util.Map<String, List<Study.Done>> byGroup = new java.util.LinkedHashMap<>();
        for (Study.Run r : study.runs()) {
            if (r.scale() != 1 || r.seed() != 1) continue;
            Path runDir = out.resolve(r.name());
            byGroup.put(r.group(), List.of(new Study.Done(r, TrainConfig.load(runDir.resolve("run.json"), List.of(), null), runDir, "complete",
                    HistoryCsv.read(runDir.resolve("history.csv")), null)));
        }
        List<org.minima.plot.PolicyPlot.Panel> panels = StudyReport.ratePanels(study, byGroup, List.of("sgd", "adam"));
        assertEquals(4, panels.size());
        org.minima.plot.PolicyPlot.Panel triPanel = panels.get(2);
        assertEquals(List.of("sgd", "adam"), triPanel.names());
        for (double[] y : triPanel.ys()) {
            assertEquals(0.1, y[0], 1e-12);   // triangular: base_lr 0.1 × lr at t = 0
            assertEquals(1.0, y[20], 1e-12);  // max_lr 1 × lr at t = 1 (20 samples per epoch)
        }
        assertTrue(Files.size(out.resolve("plots").resolve("tiny-policies-rates.png")) > 1000);
    }

    @Test
    void percentagesShowAStdOnlyForSeveralRunsAndSayWhenFewerRunsCountThanTheColumnHas() {
        assertEquals("83.50", StudyReport.pct(new StudyReport.Stat(0.835, 0, 1).json(), 1));
        assertEquals("83.50 ± 1.20", StudyReport.pct(new StudyReport.Stat(0.835, 0.012, 3).json(), 3));
        assertEquals("83.50 ± 1.20 (n = 2)", StudyReport.pct(new StudyReport.Stat(0.835, 0.012, 2).json(), 3));
        assertEquals("83.50 (n = 1)", StudyReport.pct(new StudyReport.Stat(0.835, 0, 1).json(), 3));
        assertEquals("diverged", StudyReport.pct(new StudyReport.Stat(Double.NaN, Double.NaN, 0).json(), 1));
    }

    @Test
    void historyCsvReadsEachColumnByItsNameAsTheTrainerWroteIt(@TempDir Path dir) {
        // two epochs with a different value in every column: what is read back is what was written, column by column
        Path file = dir.resolve("history.csv");
        org.minima.train.History.write(file, List.of(
                new org.minima.train.History.Row(1, 12, 0.05, 128, 19.5, 0.71, 0.78, 0.85, 0.75, 3.25, 0.69),
                new org.minima.train.History.Row(2, 24, 0.01, 640, 0.78, 0.45, 0.83, 0.63, 0.79, 2.5, 0.44)));
        HistoryCsv h = HistoryCsv.read(file);
        assertEquals(List.of(1.0, 2.0), List.of(h.epochs()[0], h.epochs()[1]));
        assertEquals(24, h.steps()[1]);
        assertEquals(0.01, h.lr()[1]);
        assertEquals(640, h.batches()[1]);
        assertEquals(0.78, h.noiseScale()[1]);
        assertEquals(0.71, h.trainLoss()[0]);
        assertEquals(0.63, h.testLoss()[1]);
        assertEquals(0.79, h.testAccuracy()[1]);
        assertEquals(3.25, h.seconds()[0]);   // not the stop rule's loss (0.69), the column before it
        assertEquals(2.5, h.seconds()[1]);
    }
}
