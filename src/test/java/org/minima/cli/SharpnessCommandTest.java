package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelSpec;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

class SharpnessCommandTest {

    /** A 4 → 6 → ReLU → 3 model directory and a 60-line CSV data file in {@code dir}. */
    private static Path[] fixture(Path dir) throws Exception {
        ModelSpec spec = new ModelSpec(new int[] {4}, 3, ModelSpec.Preprocess.IDENTITY,
                List.of(new ModelSpec.Linear(4, 6), new ModelSpec.Relu(), new ModelSpec.Linear(6, 3)));
        Network net = Network.create(spec, DataType.DOUBLE);
        net.initialize(3);
        Path model = dir.resolve("model");
        ModelDirectory.write(model, spec, net.toTensors("F64"));
        SplittableRandom r = new SplittableRandom(4);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            for (int j = 0; j < 4; j++) csv.append(r.nextDouble(-2, 2)).append(',');
            csv.append(r.nextInt(3)).append('\n');
        }
        Path data = dir.resolve("data.csv");
        Files.writeString(data, csv);
        return new Path[] {model, data};
    }

    @Test
    void sharpnessCommandWritesTheContractJsonWithTheLossOfTheSavedModel(@TempDir Path dir) throws Exception {
        // The loss in the JSON must equal the network's own inference-mode evaluation of the saved model on the
        // data (nn's evaluate, not the sharpness code), and φ must follow from loss and maxLoss by Metric 2.1.
        Path[] fx = fixture(dir);
        Path out = dir.resolve("out.json");
        int code = Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--eps", "0.01",
                "--restarts", "2", "--seed", "5", "--json", out.toString(), "--quiet", "--threads", "1");
        assertEquals(0, code);
        JsonNode j = Json.read(out);
        for (String k : new String[] {"metric", "eps", "subspace", "maxIter", "restarts", "loss", "maxLoss", "sharpness",
                "iterations", "evaluations", "starts", "examples", "seconds", "model", "data", "seed"}) {
            assertTrue(j.has(k), "field " + k);
        }
        assertEquals("keskar-sharpness", j.get("metric").asText());
        assertTrue(j.get("subspace").isNull());
        assertEquals(10, j.get("maxIter").asInt());
        assertEquals(3, j.get("starts").size());
        assertEquals(60, j.get("examples").asInt());

        ModelDirectory.Loaded m = ModelDirectory.read(fx[0]);
        DataSet data = DataSets.load(fx[1].toString());
        double expectedLoss = Network.load(m.spec(), m.tensors(), DataType.DOUBLE).evaluate(data, 1000).loss();
        double loss = j.get("loss").asDouble();
        double maxLoss = j.get("maxLoss").asDouble();
        assertEquals(expectedLoss, loss, 1e-12);
        assertEquals(100 * (maxLoss - loss) / (1 + loss), j.get("sharpness").asDouble(), 1e-12);
        double bestStart = Double.NEGATIVE_INFINITY;
        for (JsonNode s : j.get("starts")) bestStart = Math.max(bestStart, s.get("maxLoss").asDouble());
        assertEquals(bestStart, maxLoss, 0.0);
        assertTrue(maxLoss > loss);
    }

    @Test
    void badSharpnessInputExitsWithCodeTwo(@TempDir Path dir) throws Exception {
        Path[] fx = fixture(dir);
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--eps", "-1", "--quiet"));
        assertEquals(2, Main.run("sharpness", "--model", dir.resolve("missing").toString(), "--data", fx[1].toString(), "--quiet"));
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--subspace", "0", "--quiet"));
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--dtype", "int8", "--quiet"));
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--subspace-matrix", "normal", "--quiet"));
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--start", "center", "--quiet"));
        // the shared --chunk and --examples mixins: bad values are bad input, before anything is loaded
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--chunk", "0", "--quiet"));
        assertEquals(2, Main.run("hessian", "--model", fx[0].toString(), "--data", fx[1].toString(), "--chunk", "0", "--quiet"));
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", fx[1].toString(), "--examples", "0", "--quiet"));
        // a data set that does not fit the model (5 features, the model takes 4) is bad input for both commands
        Path wide = dir.resolve("wide.csv");
        Files.writeString(wide, "1,2,3,4,5,0\n2,3,4,5,6,1\n");
        assertEquals(2, Main.run("sharpness", "--model", fx[0].toString(), "--data", wide.toString(), "--quiet"));
        assertEquals(2, Main.run("hessian", "--model", fx[0].toString(), "--data", wide.toString(), "--quiet"));
    }
}
