package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelSpec;
import org.minima.io.Safetensors;
import org.minima.io.Tensor;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

/** The command end to end on a tiny model and CSV data: the contract's JSON fields and files. */
class HessianCommandTest {
    @TempDir static Path dir;
    static Path model;
    static Path csv;

    @BeforeAll
    static void files() throws Exception {
        ModelSpec spec = new ModelSpec(new int[] {4}, 3, ModelSpec.Preprocess.IDENTITY, List.of(
                new ModelSpec.Linear(4, 8), new ModelSpec.BatchNorm(8, 1e-5, 0.1), new ModelSpec.Relu(), new ModelSpec.Linear(8, 3)));
        Network net = Network.create(spec, DataType.DOUBLE);
        net.initialize(3);
        model = dir.resolve("model");
        ModelDirectory.write(model, spec, net.toTensors("F64"));
        SplittableRandom r = new SplittableRandom(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 4; j++) sb.append(String.format(java.util.Locale.ROOT, "%.4f,", r.nextGaussian()));
            sb.append(r.nextInt(3)).append('\n');
        }
        csv = dir.resolve("data.csv");
        Files.writeString(csv, sb.toString());
    }

    @Test
    void writesTheContractFieldsThePlotAndEigenvectorsWithTheModelsTensorNames() throws Exception {
        // independent answers: the contract's field list; the tensor names and shapes of weights.safetensors
        // (running statistics excepted); eigenvectors of unit norm; the count of products (steps + reported
        // vectors + probes + density runs × steps)
        Path json = dir.resolve("h.json");
        Path png = dir.resolve("density.png");
        Path vec = dir.resolve("vectors");
        int code = Main.run("hessian", "--model", model.toString(), "--data", csv.toString(), "--top", "3", "--bottom", "2",
                "--trace", "--probes", "9", "--density", "--density-runs", "2", "--density-steps", "10", "--plot", png.toString(),
                "--vectors", vec.toString(), "--tol", "1e-6", "--json", json.toString(), "--quiet", "--threads", "1");
        assertEquals(0, code);
        JsonNode j = Json.read(json);
        for (String f : List.of("loss", "eigenvalues", "residuals", "bottomEigenvalues", "bottomResiduals", "hvps", "trace",
                "traceStdErr", "density", "examples", "seconds", "model", "data", "seed")) {
            assertTrue(j.has(f), "missing " + f);
        }
        assertEquals(3, j.get("eigenvalues").size());
        assertEquals(2, j.get("bottomEigenvalues").size());
        assertTrue(j.get("eigenvalues").get(0).asDouble() >= j.get("eigenvalues").get(1).asDouble());
        assertTrue(j.get("bottomEigenvalues").get(0).asDouble() <= j.get("bottomEigenvalues").get(1).asDouble());
        assertEquals(40, j.get("examples").asInt());
        assertEquals(j.get("lanczosSteps").asLong() + 5 + 9 + 20, j.get("hvps").asLong());
        assertEquals(j.get("density").get("grid").size(), j.get("density").get("values").size());
        assertTrue(Files.size(png) > 1000);

        Map<String, Tensor> weights = Safetensors.read(model.resolve("weights.safetensors"));
        for (String name : List.of("eigenvector-1", "eigenvector-2", "eigenvector-3", "eigenvector-bottom-1", "eigenvector-bottom-2")) {
            Map<String, Tensor> v = Safetensors.read(vec.resolve(name + ".safetensors"));
            double norm = 0;
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                if (e.getKey().endsWith("running_mean") || e.getKey().endsWith("running_var")) continue;
                assertTrue(v.containsKey(e.getKey()), name + " lacks " + e.getKey());
                assertTrue(Arrays.equals(e.getValue().shape(), v.get(e.getKey()).shape()), e.getKey());
                for (double x : v.get(e.getKey()).data()) norm += x * x;
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-9);
        }
        assertEquals(5, Json.read(vec.resolve("eigenvectors.json")).size());
    }

    @Test
    void batchModeRecordsItsConventionAndMeasuresAnotherLoss() throws Exception {
        // --bn batch --bn-batch 16: 40 examples in batches of 16, 16 and 8; the JSON says so, and the loss is the
        // batch-statistics one, not the running one (the model's running statistics are PyTorch's initial 0 and 1)
        Path batch = dir.resolve("batch.json"), running = dir.resolve("running.json");
        assertEquals(0, Main.run("hessian", "--model", model.toString(), "--data", csv.toString(), "--bn", "batch", "--bn-batch", "16",
                "--json", batch.toString(), "--quiet", "--threads", "1"));
        assertEquals(0, Main.run("hessian", "--model", model.toString(), "--data", csv.toString(), "--json", running.toString(),
                "--quiet", "--threads", "1"));
        JsonNode b = Json.read(batch), r = Json.read(running);
        assertEquals("batch", b.get("bn").asText());
        assertEquals(16, b.get("bnBatch").asInt());
        assertEquals("running", r.get("bn").asText());
        assertEquals(1000, r.get("bnBatch").asInt());
        assertTrue(Math.abs(b.get("loss").asDouble() - r.get("loss").asDouble()) > 1e-6, b.get("loss") + " vs " + r.get("loss"));
        assertEquals(2, Main.run("hessian", "--model", model.toString(), "--data", csv.toString(), "--bn", "train", "--quiet"));
        assertEquals(2, Main.run("hessian", "--model", model.toString(), "--data", csv.toString(), "--bn", "batch", "--bn-batch", "0", "--quiet"));
    }

    @Test
    void aBadOptionValueIsExitTwo() {
        assertEquals(2, Main.run("hessian", "--model", model.toString(), "--data", csv.toString(), "--trace-method", "exact", "--quiet"));
        assertEquals(2, Main.run("hessian", "--model", dir.resolve("nope").toString(), "--data", csv.toString(), "--quiet"));
    }
}
