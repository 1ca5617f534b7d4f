package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.analysis.NetworkObjective;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.Json;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

class ReproduceCommandTest {

    /** 90 examples of three blobs in 4 features (the last two noise), labels 0..2. */
    private static Path csv(Path dir) throws Exception {
        return org.minima.data.Blobs.write(dir, 0.8);
    }

    /** A tiny experiment: SB (batch 8) and LB (half the set), 2 epochs, every analysis; {@code extra} is spliced into run lb. */
    private static Path experiment(Path dir, Path data, int epochs, String extra) throws Exception {
        String yaml = """
                experiment: tiny
                description: A test of the reproduce command on blobs.
                paper: {table: [2, 3, 4], network: F1}
                base:
                  model: {input: [4], classes: 3, layers: [{type: linear, in: 4, out: 6}, {type: batchnorm, features: 6}, {type: relu}, {type: linear, in: 6, out: 3}]}
                  data: {train: DATA, test: DATA}
                  optimizer: {name: adam, lr: 0.01}
                  batch: {size: 8}
                  epochs: EPOCHS
                  seed: 3
                runs:
                  - {name: sb, role: SB}
                  - {name: lb, role: LB, batch: {size: 0.5}EXTRA}
                analyses:
                  sharpness: {eps: [1e-3, 5e-4], subspace: 5, maxIter: 3, examples: 60}
                  hessian: {top: 1, examples: 60}
                  interpolate: {pairs: [[sb, lb]], alpha: "-1:2:4"}
                """.replace("DATA", data.toString()).replace("EPOCHS", Integer.toString(epochs)).replace("EXTRA", extra);
        Path f = dir.resolve("tiny-" + epochs + extra.hashCode() + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** Runs the tool; returns {exit code, stderr}. */
    private static Object[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Object[] {code, err.toString()};
    }

    /** The tiny experiment of 2 epochs on blobs.csv (written into {@code dir}), reproduced into DIR/out on one thread. */
    private static Path reproduceTiny(Path dir) throws Exception {
        Path out = dir.resolve("out");
        Object[] r = run("reproduce", experiment(dir, csv(dir), 2, "").toString(), "--out", out.toString(), "--quiet", "--threads", "1");
        assertEquals(0, r[0], (String) r[1]);
        return out;
    }

    @Test
    void reproduceWritesResultsReportPlotsAndModelsWhoseFiguresMatchIndependentEvaluations(@TempDir Path dir) throws Exception {
        Path out = reproduceTiny(dir);
        Path data = dir.resolve("blobs.csv");

        JsonNode res = Json.read(out.resolve("results.json"));
        assertEquals("tiny", res.get("experiment").asText());
        assertFalse(res.get("quick").asBoolean());
        assertEquals(2, res.get("runs").size());
        for (String k : new String[] {"name", "role", "batch", "seed", "epochs", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy",
            "sharpness", "subspaceSharpness", "topEigenvalue", "model"}) {
            for (JsonNode run : res.get("runs")) assertTrue(run.has(k), "field " + k);
        }
        JsonNode sb = res.get("runs").get(0);
        JsonNode lb = res.get("runs").get(1);
        assertEquals("SB", sb.get("role").asText());
        assertEquals(8, sb.get("batch").asInt());
        assertEquals(45, lb.get("batch").asInt()); // 0.5 of 90 examples
        assertEquals(2, sb.get("epochs").asInt());
        assertEquals(3, sb.get("seed").asLong());
        assertEquals(99.66, res.get("paper").get("trainAccuracy").get("SB").get("mean").asDouble());
        assertEquals(205.14, res.get("paper").get("sharpness").get("1e-3").get("LB").get("mean").asDouble());
        assertEquals(9.17, res.get("paper").get("subspaceSharpness").get("5e-4").get("LB").get("mean").asDouble());

        DataSet all = DataSets.load(data.toString());
        for (JsonNode run : res.get("runs")) {
            Path model = Path.of(run.get("model").asText());
            assertTrue(Files.isRegularFile(model.resolve("weights.safetensors")));
            // Accuracy and loss: nn's own inference-mode evaluation of the saved model (not the trainer's bookkeeping)
            Network net = Network.load(model, DataType.FLOAT);
            var e = net.evaluate(all, 1000);
            assertEquals(e.accuracy(), run.get("testAccuracy").asDouble(), 1e-12);
            assertEquals(e.loss(), run.get("testLoss").asDouble(), 1e-5);
            for (String eps : new String[] {"1e-3", "5e-4"}) {
                assertTrue(run.get("sharpness").get(eps).asDouble() >= 0, "phi >= 0: the box centre is evaluated");
                assertTrue(run.get("subspaceSharpness").get(eps).asDouble() >= 0);
            }
            // λ_max against a dense eigendecomposition (Commons Math) of the Hessian built column by column from central
            // differences of the gradient, float64, on the same 60 examples: independent of Lanczos and the R-operator.
            Network net64 = Network.load(model, DataType.DOUBLE);
            NetworkObjective f = new NetworkObjective(net64, all.head(60), 1000);
            INDArray w = net64.parameters().dup(); // the objective writes trial points into net64
            // the loss the sharpness is relative to is the inference-mode loss on those 60 examples
            assertEquals(f.value(w), run.get("analysisLoss").asDouble(), 1e-12);
            double lambda = denseTopEigenvalue(f, w);
            assertEquals(lambda, run.get("topEigenvalue").asDouble(), 1e-4 * Math.max(1, Math.abs(lambda)));
        }

        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| paper (F1, MNIST, n = 5) | 99.66 ± 0.05 | 99.92 ± 0.01 | 98.03 ± 0.07 | 97.81 ± 0.07 |"), report);
        assertTrue(report.contains("| paper (F1, MNIST, n = 5) | 1.23 ± 0.83 | 205.14 ± 69.52 | 0.61 ± 0.27 | 42.90 ± 17.14 |"), report);
        assertTrue(report.contains("| paper (F1, MNIST, n = 5) | 0.11 ± 0.00 | 9.22 ± 0.56 | 0.05 ± 0.00 | 9.17 ± 0.14 |"), report);
        // the measured cells are results.json's values, rounded
        String acc = String.format(Locale.ROOT, "| measured, inference mode (n = 1 SB, 1 LB) | %.2f | %.2f | %.2f | %.2f |", 100 * sb.get("trainAccuracy").asDouble(),
                100 * lb.get("trainAccuracy").asDouble(), 100 * sb.get("testAccuracy").asDouble(), 100 * lb.get("testAccuracy").asDouble());
        assertTrue(report.contains(acc), acc + "\n" + report);
        for (String f : new String[] {"training-curves.png", "training-curves.svg", "interpolation-sb-lb.png", "interpolation-sb-lb.svg",
            "interpolation-sb-lb.csv"}) {
            assertTrue(Files.size(out.resolve("plots").resolve(f)) > 0, f);
        }
        assertEquals(5, Files.readAllLines(out.resolve("plots/interpolation-sb-lb.csv")).size()); // header + 4 values of α
        assertTrue(report.contains("![interpolation-sb-lb.png](plots/interpolation-sb-lb.png)"));

        // Wiring: reproduce's analyses/NAME.json holds each measurement as the sharpness and hessian commands print it: run the
        // commands by hand on a model reproduce trained, with the flags the experiment's keys mean, and compare field by
        // field (names, order and values; only the wall time differs).
        JsonNode analyses = Json.read(out.resolve("analyses/sb.json"));
        String model = out.resolve("sb").toString();

        Path full = dir.resolve("full.json");
        Path sub = dir.resolve("sub.json");
        Path hessian = dir.resolve("hessian.json");
        assertEquals(0, run("sharpness", "--model", model, "--data", data.toString(), "--examples", "60", "--eps", "1e-3", "--max-iter", "3",
                "--json", full.toString(), "--quiet", "--threads", "1")[0]);
        assertEquals(0, run("sharpness", "--model", model, "--data", data.toString(), "--examples", "60", "--eps", "5e-4", "--max-iter", "3",
                "--subspace", "5", "--json", sub.toString(), "--quiet", "--threads", "1")[0]);
        assertEquals(0, run("hessian", "--model", model, "--data", data.toString(), "--examples", "60", "--top", "1",
                "--json", hessian.toString(), "--quiet", "--threads", "1")[0]);
        assertSameMeasurement(Json.read(full), analyses.get("sharpness").get("1e-3"));
        assertSameMeasurement(Json.read(sub), analyses.get("subspaceSharpness").get("5e-4"));
        assertSameMeasurement(Json.read(hessian), analyses.get("hessian"));

        // results.json names the eigenvalues as the hessian command does
        assertEquals(Json.read(hessian).get("eigenvalues"), sb.get("eigenvalues"));
        assertFalse(sb.has("topEigenvalues"));
        assertEquals(Json.read(full).get("sharpness"), sb.get("sharpness").get("1e-3"));
    }

    /** The largest eigenvalue of the symmetrized finite-difference Hessian, h = 1e-5. */
    private static double denseTopEigenvalue(NetworkObjective f, INDArray w) {
        int n = (int) f.dimension();
        double[][] h = new double[n][n];
        INDArray gp = Nd4j.create(DataType.DOUBLE, n);
        INDArray gm = Nd4j.create(DataType.DOUBLE, n);
        double step = 1e-5;
        for (int j = 0; j < n; j++) {
            INDArray wp = w.dup();
            wp.putScalar(j, w.getDouble(j) + step);
            f.valueAndGradient(wp, gp);
            INDArray wm = w.dup();
            wm.putScalar(j, w.getDouble(j) - step);
            f.valueAndGradient(wm, gm);
            for (int i = 0; i < n; i++) h[i][j] = (gp.getDouble(i) - gm.getDouble(i)) / (2 * step);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) h[i][j] = h[j][i] = 0.5 * (h[i][j] + h[j][i]);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : new EigenDecomposition(new Array2DRowRealMatrix(h)).getRealEigenvalues()) max = Math.max(max, v);
        return max;
    }

    private static void assertSameMeasurement(JsonNode command, JsonNode reproduce) {
        assertEquals(iterableNames(command), iterableNames(reproduce));
        for (String k : iterableNames(command)) {
            if (!k.equals("seconds")) assertEquals(command.get(k), reproduce.get(k), "field " + k);
        }
    }

    private static java.util.List<String> iterableNames(JsonNode o) {
        java.util.List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void rerunningReusesCompleteRunsAndAnalysesAndRefusesAChangedConfig(@TempDir Path dir) throws Exception {
        Path data = csv(dir);
        Path out = dir.resolve("out");
        Path exp = experiment(dir, data, 1, "");
        assertEquals(0, run("reproduce", exp.toString(), "--out", out.toString(), "--quiet", "--threads", "1")[0]);
        String runJson = Files.readString(out.resolve("sb/run.json"));
        byte[] weights = Files.readAllBytes(out.resolve("lb/weights.safetensors"));
        String cache = Files.readString(out.resolve("analyses/sb.json"));
        String results = Files.readString(out.resolve("results.json"));

        Object[] again = run("reproduce", exp.toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(0, again[0]);
        assertEquals(runJson, Files.readString(out.resolve("sb/run.json")), "run.json (start and end times) unchanged: not retrained");
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(out.resolve("lb/weights.safetensors"))));
        assertEquals(cache, Files.readString(out.resolve("analyses/sb.json")));
        assertEquals(Json.read(out.resolve("results.json")).get("runs"), Json.parse(results, "first").get("runs"));

        // an interrupted run (run.json still "running") is continued from its checkpoint, not started afresh
        Path lbRun = out.resolve("lb/run.json");
        Files.writeString(lbRun, Files.readString(lbRun).replace("\"status\" : \"complete\"", "\"status\" : \"running\""));
        assertEquals("running", Json.read(lbRun).get("status").asText());
        assertEquals(0, run("reproduce", exp.toString(), "--out", out.toString(), "--quiet", "--threads", "1")[0]);
        assertEquals("complete", Json.read(lbRun).get("status").asText());
        assertEquals(1, Json.read(lbRun).get("resumed").size());
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(out.resolve("lb/weights.safetensors"))),
                "resumed from the last checkpoint: the same weights");

        // the same --out with another config for a run: refused before anything is trained
        Object[] changed = run("reproduce", experiment(dir, data, 3, "").toString(), "--out", out.toString(), "--quiet");
        assertEquals(2, changed[0]);
        assertTrue(((String) changed[1]).contains("another config"), (String) changed[1]);
    }

    @Test
    void anUnknownKeyInTheExperimentExitsWithCodeTwoNamingTheKey(@TempDir Path dir) throws Exception {
        Path data = csv(dir);
        Object[] r = run("reproduce", experiment(dir, data, 1, ", batchsize: 3").toString(), "--out", dir.resolve("o").toString(), "--quiet");
        assertEquals(2, r[0]);
        String err = (String) r[1];
        assertTrue(err.startsWith("minima: error: ") && err.contains("runs[1]") && err.contains("'batchsize'") && err.contains("allowed keys"), err);
        assertEquals(1, err.strip().lines().count());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(experiment(dir, data, 1, "")).replace("hessian: {top: 1", "hessian: {topk: 1"));
        r = run("reproduce", bad.toString(), "--quiet");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("analyses.hessian: unknown key 'topk'"), (String) r[1]);
        assertFalse(Files.exists(dir.resolve("o")), "nothing is written for a bad experiment file");
    }

    /** Runs the tool with System.err captured (the progress classes write there); returns {exit code, stderr}. */
    private static Object[] runCapturingStderr(String... args) {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Object[] r;
        try (java.io.PrintStream capture = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)) {
            System.setErr(capture);
            r = run(args);
        } finally {
            System.setErr(saved);
        }
        return new Object[] {r[0], r[1] + bytes.toString(java.nio.charset.StandardCharsets.UTF_8)};
    }

    @Test
    void theAnalysesReportProgressLikeTheirCommandsAndNothingWithQuiet(@TempDir Path dir) throws Exception {
        // Not a terminal here (System.console() is null): the sharpness, hessian and interpolate commands' progress
        // classes print plain lines, in their own formats, each naming the run and the analysis; --quiet: nothing.
        Path data = csv(dir);
        Path exp = experiment(dir, data, 1, "");
        Object[] quiet = runCapturingStderr("reproduce", exp.toString(), "--out", dir.resolve("q").toString(), "--quiet", "--threads", "1");
        assertEquals(0, quiet[0], (String) quiet[1]);
        assertEquals("", quiet[1]);

        Object[] loud = runCapturingStderr("reproduce", exp.toString(), "--out", dir.resolve("l").toString(), "--threads", "1");
        assertEquals(0, loud[0], (String) loud[1]);
        String err = (String) loud[1];
        for (String run : new String[] {"sb", "lb"}) {
            // SharpnessProgress: a line per iteration of each start; the subspace measurement names its dimension
            assertTrue(err.contains(run + ": sharpness eps 1e-3: start 1/1, iteration "), err);
            assertTrue(err.contains(run + ": sharpness eps 5e-4 subspace 5: start 1/1 done: "), err);
            // CountProgress.hessian: products done out of the most the analysis may take
            assertTrue(err.matches("(?s).*\\n" + run + ": hessian: \\d+ HVPs \\(at most \\d+\\)(, [^\\n]*)? \\(\\d+ s\\).*"), err);
        }
        // CountProgress.grid: the last of the 4 values of α is always reported
        assertTrue(err.matches("(?s).*\\ninterpolation sb-lb: 4/4 \\(\\d+ s\\)\\n.*"), err);
    }

    @Test
    void interpolateAndReproduceWriteTheSameInterpolationForTheSamePairAndGridAndItsPointsAreTheMixedModelsLosses(@TempDir Path dir)
            throws Exception {
        Path data = csv(dir);
        String yaml = """
                experiment: pair
                description: Only the interpolation of two runs.
                base:
                  model: {input: [4], classes: 3, layers: [{type: linear, in: 4, out: 6}, {type: batchnorm, features: 6}, {type: relu}, {type: linear, in: 6, out: 3}]}
                  data: {train: DATA, test: DATA}
                  optimizer: {name: adam, lr: 0.01}
                  batch: {size: 8}
                  epochs: 1
                  seed: 3
                runs:
                  - {name: sb, role: SB}
                  - {name: lb, role: LB, batch: {size: 0.5}}
                analyses:
                  interpolate: {pairs: [[sb, lb]], alpha: "-1:2:7", examples: 60}
                """.replace("DATA", data.toString());
        Path exp = dir.resolve("pair.yaml");
        Files.writeString(exp, yaml);
        Path out = dir.resolve("out");
        Object[] r = run("reproduce", exp.toString(), "--out", out.toString(), "--quiet", "--threads", "1");
        assertEquals(0, r[0], (String) r[1]);
        Path interp = dir.resolve("interp");
        Object[] c = run("interpolate", "--from", out.resolve("sb").toString(), "--to", out.resolve("lb").toString(), "--train", data.toString(),
                "--test", data.toString(), "--alpha", "-1:2:7", "--examples", "60", "--out", interp.toString(), "--quiet", "--threads", "1");
        assertEquals(0, c[0], (String) c[1]);

        // The same unit with the same options on the same models and data: the same file, to the bit.
        String fromReproduce = Files.readString(out.resolve("plots").resolve("interpolation-sb-lb.csv"));
        String fromCommand = Files.readString(interp.resolve("interpolation.csv"));
        assertEquals(fromCommand, fromReproduce);
        String[] rows = fromCommand.split("\n");
        assertEquals("alpha,trainLoss,trainAccuracy,testLoss,testAccuracy", rows[0]);
        assertEquals(8, rows.length);
        assertTrue(Files.isRegularFile(out.resolve("plots").resolve("interpolation-sb-lb.svg")));
        assertTrue(Files.isRegularFile(interp.resolve("interpolation.svg")));

        // α = 0.5 (row 4) against a model built by hand: every floating tensor of the two model directories averaged by
        // name (the running statistics too), loaded as a new network and evaluated on the first 60 examples.
        var a = org.minima.io.ModelDirectory.read(out.resolve("sb"));
        var b = org.minima.io.ModelDirectory.read(out.resolve("lb"));
        java.util.Map<String, org.minima.io.Tensor> mid = new java.util.LinkedHashMap<>();
        for (var e : a.tensors().entrySet()) {
            double[] x = e.getValue().data().clone();
            double[] y = b.tensors().get(e.getKey()).data();
            for (int i = 0; i < x.length; i++) x[i] = 0.5 * x[i] + 0.5 * y[i];
            mid.put(e.getKey(), new org.minima.io.Tensor(e.getValue().dtype(), e.getValue().shape(), x));
        }
        DataSet first60 = DataSets.load(data.toString(), 60);
        var expected = Network.load(a.spec(), mid, DataType.DOUBLE).evaluate(first60, 60);
        String[] half = rows[4].split(",");
        assertEquals(0.5, Double.parseDouble(half[0]), 0.0);
        assertEquals(expected.loss(), Double.parseDouble(half[1]), 1e-12 * expected.loss());
        assertEquals(expected.accuracy(), Double.parseDouble(half[2]), 0.0);
    }
}
