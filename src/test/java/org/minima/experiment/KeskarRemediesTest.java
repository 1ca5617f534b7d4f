package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.Json;
import org.minima.train.Trainer;
import org.minima.train.TrainRun;

/** experiments/keskar-remedies*.yaml: the runs it asks for, and a tiny end-to-end reproduce of its run list on CSV data. */
class KeskarRemediesTest {
    @TempDir Path tmp;

    private static Map<String, Set<Long>> seedsByRole(Experiment e) {
        Map<String, Set<Long>> m = new TreeMap<>();
        for (Experiment.Run r : e.runs()) m.computeIfAbsent(r.role(), k -> new TreeSet<>()).add(r.config().seed());
        return m;
    }

    @Test
    void bothFilesAskForSbPlainLbAndEachRemedyWithThreeSeeds() {
        for (String f : new String[] {"experiments/keskar-remedies.yaml", "experiments/keskar-remedies-c1.yaml"}) {
            Experiment e = Experiment.parse(Experiment.readMap(Path.of(f)), f, false, s -> 50000);
            Map<String, Set<Long>> roles = seedsByRole(e);
            assertEquals(Set.of("SB", "LB", "LB+augment", "LB+conservative", "LB+adversarial"), roles.keySet(), f);
            for (Set<Long> seeds : roles.values()) assertEquals(Set.of(1L, 2L, 3L), seeds, f);
            for (Experiment.Run r : e.runs()) {
                assertEquals(r.role().equals("LB+augment"), r.config().augment().active(), r.name());
                assertEquals(r.role().equals("LB+adversarial"), r.config().adversarial().active(), r.name());
                assertEquals(r.role().equals("LB+conservative"), r.config().optimizer().name().equals("proximal"), r.name());
                assertEquals(10, r.config().stop().patience(), r.name()); // the reproduction's stop rule
            }
        }
        Experiment c1 = Experiment.parse(Experiment.readMap(Path.of("experiments/keskar-remedies-c1.yaml")), "c1", false, s -> 50000);
        assertTrue(c1.runs().stream().filter(r -> r.role().equals("LB+augment")).allMatch(r -> r.config().augment().flip()));
    }

    @Test
    void theExperimentsRunListReproducesEndToEndOnATinyCsvSet() throws Exception {
        // 48 images 1×4×4 of two classes (bright left or right half), as a flat CSV
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 48; i++) {
            for (int p = 0; p < 16; p++) sb.append(((p % 4 < 2) == (i % 2 == 0)) ? 200 + i % 7 : 20 + i % 5).append(',');
            sb.append(i % 2).append('\n');
        }
        Path csv = tmp.resolve("halves.csv");
        Files.writeString(csv, sb);
        String yaml = Files.readString(Path.of("experiments/keskar-remedies.yaml"))
                .replace("  model: f1\n", "  model: {input: [1, 4, 4], classes: 2, preprocess: {scale: 0.00392156862745098}, layers: [{type: flatten},"
                        + " {type: linear, in: 16, out: 6}, {type: batchnorm, features: 6}, {type: relu}, {type: linear, in: 6, out: 2}]}\n")
                .replace("fashion-mnist:train", csv.toString()).replace("fashion-mnist:test", csv.toString())
                .replace("  epochs: 100\n", "  epochs: 2\n").replace("batch: {size: 256}", "batch: {size: 8}");
        yaml = yaml.substring(0, yaml.indexOf("analyses:")) + "analyses:\n  sharpness: {eps: [1e-3], maxIter: 2, examples: 40}\n";
        Path file = tmp.resolve("tiny-remedies.yaml");
        Files.writeString(file, yaml);
        Experiment e = Experiment.load(file, false);
        Reproduce.Outcome out = new Reproduce(e, tmp.resolve("out"), new TrainRun.Info("test", "none", 1), Trainer.Listener.NONE, s -> {},
                org.minima.analysis.AnalysisProgress.NONE).run();
        assertEquals(15, out.runs().size());
        for (Reproduce.RunResult r : out.runs()) {
            assertEquals("complete", r.record().get("status").asText(), r.run().name());
            assertTrue(r.analyses().has("sharpness"), r.run().name());
        }
        String lbAdv = Json.read(tmp.resolve("out/lb-adversarial-2/run.json")).get("config").toString();
        assertTrue(lbAdv.contains("\"adversarial\""), lbAdv);
        String report = Files.readString(out.report());
        for (String role : new String[] {"LB+augment", "LB+conservative", "LB+adversarial"}) assertTrue(report.contains("| " + role + " | 3 |"), role);
        assertTrue(report.contains("## Remedies: did they close the gap") && report.contains("not one of the paper's"), report);
    }
}
