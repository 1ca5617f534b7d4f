package org.minima.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.io.Safetensors;
import org.minima.io.Tensor;
import org.minima.nn.Network;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything a run needs to continue exactly where it stopped, in {@code DIR/checkpoint/}: the model
 * (model.json, weights.safetensors with the batch-norm running statistics, in the training dtype, so
 * the values are exact), the optimizer's state ({@code optimizer.safetensors}) and {@code state.json}
 * (epochs done, steps, the stopping rule's memory, the history so far). The random state is the seed
 * and the epoch: each epoch's shuffle and each step's dropout masks are drawn from generators seeded by
 * (seed, epoch) and (seed, step), so nothing else needs saving.
 *
 * <p>Written as {@code checkpoint.tmp/} and then swapped in by renames, so a crash leaves either the old
 * or the new checkpoint complete ({@link #find} also accepts {@code checkpoint.old/} left between the renames).
 */
public final class Checkpoint {
    public static final String DIR = "checkpoint";
    static final String STATE = "state.json", OPTIMIZER = "optimizer.safetensors";

    /** The state of a run between epochs. */
    public record State(int epochsDone, long steps, long optimizerSteps, double bestLoss, int badEpochs,
                        List<History.Row> rows, int bestEpoch) {}

    private Checkpoint() {}

    /** Writes the checkpoint of {@code net}, {@code opt} and {@code state} under {@code runDir}. */
    public static void write(Path runDir, Network net, Optimizer opt, State state, String tensorDtype) {
        Path tmp = runDir.resolve(DIR + ".tmp"), cur = runDir.resolve(DIR), old = runDir.resolve(DIR + ".old");
        try {
            deleteTree(tmp);
            ModelDirectory.write(tmp, net.spec(), net.toTensors(tensorDtype), tensorDtype);
            Map<String, Tensor> st = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : opt.state().entrySet()) {
                st.put(e.getKey(), new Tensor(tensorDtype, new long[] {e.getValue().length()}, e.getValue().toDoubleVector()));
            }
            Safetensors.write(tmp.resolve(OPTIMIZER), st, tensorDtype, Map.of("optimizer", opt.name()));
            ObjectNode s = Json.object();
            s.put("epochsDone", state.epochsDone());
            s.put("steps", state.steps());
            s.put("optimizerSteps", state.optimizerSteps());
            s.put("bestLoss", state.bestLoss());
            s.put("badEpochs", state.badEpochs());
            s.put("bestEpoch", state.bestEpoch());
            ArrayNode rows = s.putArray("history");
            for (History.Row r : state.rows()) rows.add(Json.MAPPER.valueToTree(r));
            Json.write(tmp.resolve(STATE), s);
            deleteTree(old);
            if (Files.exists(cur)) Files.move(cur, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, cur, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint in " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** The complete checkpoint folder of a run, or null when there is none. */
    public static Path find(Path runDir) {
        for (String name : new String[] {DIR, DIR + ".old"}) {
            Path p = runDir.resolve(name);
            if (Files.isRegularFile(p.resolve(STATE))) return p;
        }
        return null;
    }

    /** Loads the network's weights and statistics and the optimizer's state from {@code dir}, and returns the state. */
    public static State restore(Path dir, Network net, Optimizer opt) {
        ModelDirectory.Loaded m = ModelDirectory.read(dir);
        Network saved = Network.load(m, net.dataType());
        net.parameters().assign(saved.parameters());
        net.buffers().assign(saved.buffers());
        Map<String, Tensor> st = Safetensors.read(dir.resolve(OPTIMIZER));
        for (Map.Entry<String, INDArray> e : opt.state().entrySet()) {
            Tensor t = st.get(e.getKey());
            if (t == null || t.data().length != e.getValue().length()) {
                throw new InputException(dir.resolve(OPTIMIZER) + ": no state '" + e.getKey() + "' of length " + e.getValue().length()
                        + " for " + opt.name() + " (was the config changed?)");
            }
            e.getValue().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(t.data()).castTo(e.getValue().dataType()));
        }
        JsonNode s = Json.read(dir.resolve(STATE));
        List<History.Row> rows = new ArrayList<>();
        for (JsonNode r : s.get("history")) {
            try {
                rows.add(Json.MAPPER.treeToValue(r, History.Row.class));
            } catch (IOException e) {
                throw new InputException(dir.resolve(STATE) + ": bad history row: " + e.getMessage());
            }
        }
        opt.restoreSteps(s.get("optimizerSteps").asLong());
        return new State(s.get("epochsDone").asInt(), s.get("steps").asLong(), s.get("optimizerSteps").asLong(),
                s.get("bestLoss").asDouble(), s.get("badEpochs").asInt(), rows, s.path("bestEpoch").asInt(0));
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
