package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A PyTorch user's bare nn.Sequential through minima and back, against PyTorch itself: python/minima_torch.py
 * saves it (keys 0.weight, 1.running_mean, ...; no hand edits), minima reads it and computes the loss of the same
 * data in float64 (equal to PyTorch's to 1e-12), writes it out again, and minima_torch.load reads that back
 * strictly: the same weights bit for bit and the same loss. Runs only when /usr/bin/python3 has torch (CI
 * installs python3-torch, .ci/run); skipped otherwise. The PyTorch side: src/test/resources/torch/roundtrip.py.
 */
class TorchRoundTripTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path SCRIPT = Path.of("src/test/resources/torch/roundtrip.py");
    @TempDir Path dir;

    @BeforeAll
    static void needsTorch() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " not found");
        Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor() == 0, "torch is not installed for " + PYTHON + " (apt-get install python3-torch)");
    }

    private static JsonNode python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("PYTHONPATH", Path.of("python").toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed: " + out);
        return Json.parse(out, "roundtrip.py output");
    }

    @Test
    void aBareSequentialRoundTripsWithTheSameLossBothWays() throws Exception {
        Path model = dir.resolve("from-torch"), data = dir.resolve("data.npz"), back = dir.resolve("from-minima");
        double torchLoss = python("export", model.toString(), data.toString()).get("loss").asDouble();

        DataSet d = DataSets.load("npz:" + data);
        Network net = Network.load(model, DataType.DOUBLE);
        double minimaLoss = net.evaluate(d, 7).loss();
        assertEquals(torchLoss, minimaLoss, 1e-12, "PyTorch -> minima: loss of the same data in float64");

        ModelDirectory.write(back, net.spec(), net.toTensors("F64"), "F64");
        JsonNode again = python("import", back.toString(), data.toString(), model.toString());
        assertEquals(0.0, again.get("maxDiff").asDouble(), 0.0, "minima -> PyTorch: the weights and running statistics as saved");
        assertEquals(minimaLoss, again.get("loss").asDouble(), 1e-12, "minima -> PyTorch: loss of the same data in float64");
    }

    @Test
    void aModelMinimaInitializedAndTrainedGivesPyTorchTheSameLoss() throws Exception {
        Path model = dir.resolve("torch"), data = dir.resolve("data.npz"), ours = dir.resolve("ours");
        python("export", model.toString(), data.toString());
        DataSet d = DataSets.load("npz:" + data);
        Network net = Network.create(Network.load(model, DataType.DOUBLE).spec(), DataType.DOUBLE);
        net.initialize(11);
        int[] order = new int[d.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        net.trainStep(d, order, 0, 20, 5, net.gradient()); // batch statistics move the running averages off 0 and 1
        ModelDirectory.write(ours, net.spec(), net.toTensors("F64"), "F64");
        double torchLoss = python("import", ours.toString(), data.toString()).get("loss").asDouble();
        assertEquals(net.evaluate(d, 40).loss(), torchLoss, 1e-12, "minima -> PyTorch: loss of the same data in float64");
    }
}
