package org.minima.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.io.LockFile;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelJson;
import org.minima.io.ModelSpec;
import org.minima.nn.Network;
import org.minima.nn.Presets;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training run on disk (docs/cli.md, "Records of a run"): builds the model and data from a {@link TrainConfig},
 * trains with {@link Trainer}, and writes the run directory: the final model ({@code model.json},
 * {@code weights.safetensors}), {@code history.csv}, {@code run.json}, and {@code checkpoint/}.
 */
public final class TrainRun {
    public static final String RUN_JSON = "run.json";

    /** What the command knows about the tool and the machine setting. */
    public record Info(String toolVersion, String gitCommit, int threads) {}

    /** The finished run: its directory and the last history row. */
    public record Result(Path dir, History.Row last, String stopReason, int epochs, long steps) {}

    private TrainRun() {}

    /** The network architecture of {@code model:}: a preset name or an inline model.json body. */
    public static ModelSpec modelSpec(Object model, String where) {
        if (model instanceof String name) return Presets.build(name);
        return ModelJson.parseBody(Json.MAPPER.valueToTree(model), where);
    }

    public static DataType dataType(String dtype) {
        return dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** A new run into {@code dir} (which must not hold a run already). */
    public static Result start(TrainConfig cfg, Path dir, Info info, Trainer.Listener listener) {
        if (Files.exists(dir.resolve(LockFile.FOLDER_LOCK))) LockFile.forFolder(dir, "--out " + dir).close(); // a live writer: named
        if (Files.exists(dir.resolve(RUN_JSON)) || Checkpoint.find(dir) != null) {
            throw new InputException(dir + ": already holds a run; resume it with 'train --resume " + dir + "' or choose another --out");
        }
        Setup s = setup(cfg);
        // inputs checked: now the folder is made and held (one writer per output)
        try (LockFile lock = LockFile.forFolder(dir, "--out " + dir)) {
            if (Files.exists(dir.resolve(RUN_JSON)) || Checkpoint.find(dir) != null) { // another writer finished meanwhile
                throw new InputException(dir + ": already holds a run; resume it with 'train --resume " + dir + "' or choose another --out");
            }
            initialize(cfg, s.net);
            Trainer trainer = new Trainer(cfg, s.net, s.train, s.test, dir, listener);
            ObjectNode record = record(cfg, info, s, trainer);
            record.put("start", Instant.now().toString());
            Json.write(dir.resolve(RUN_JSON), record);
            return finish(dir, record, trainer, s, runRecorded(dir, record, trainer, Trainer.start()));
        }
    }

    /** Continues the run in {@code dir} from its last checkpoint, with the config recorded in its run.json. */
    public static Result resume(Path dir, Info info, Trainer.Listener listener) {
        Path runJson = dir.resolve(RUN_JSON);
        if (!Files.isRegularFile(runJson)) throw new InputException(dir + ": no " + RUN_JSON + "; is this a run directory?");
        TrainConfig cfg = TrainConfig.load(runJson, List.of(), null);
        Setup s = setup(cfg);
        try (LockFile lock = LockFile.forFolder(dir, "run " + dir)) {
            return resume(dir, cfg, s, info, listener);
        }
    }

    /** {@link #resume(Path, Info, Trainer.Listener)} with the folder held: the record and checkpoint read under the lock. */
    private static Result resume(Path dir, TrainConfig cfg, Setup s, Info info, Trainer.Listener listener) {
        Path runJson = dir.resolve(RUN_JSON);
        JsonNode old = Json.read(runJson);
        if ("complete".equals(old.path("status").asText())) throw new InputException(dir + ": the run is already complete");
        Path ckpt = Checkpoint.find(dir);
        Trainer trainer = new Trainer(cfg, s.net, s.train, s.test, dir, listener);
        Checkpoint.State from;
        if (ckpt == null) { // interrupted before the first epoch ended: start from the beginning
            initialize(cfg, s.net);
            from = Trainer.start();
        } else {
            from = trainer.restore(ckpt);
        }
        ObjectNode record = record(cfg, info, s, trainer);
        record.put("start", old.path("start").asText());
        com.fasterxml.jackson.databind.node.ArrayNode resumed = record.putArray("resumed");
        for (JsonNode r : old.path("resumed")) resumed.add(r);
        resumed.add(Instant.now().toString() + " at epoch " + from.epochsDone());
        if (old.path("threads").asInt() != info.threads()) {
            record.put("note", "resumed with " + info.threads() + " threads, started with " + old.path("threads").asInt()
                    + ": the weights may differ in the last bits from an uninterrupted run");
        }
        Json.write(runJson, record);
        return finish(dir, record, trainer, s, runRecorded(dir, record, trainer, from));
    }

    /** The starting point: the weights of {@code init}, or PyTorch's initialization drawn from the seed. */
    static void initialize(TrainConfig cfg, Network net) {
        if (cfg.init() == null) {
            net.initialize(cfg.seed());
            return;
        }
        ModelDirectory.Loaded m = ModelDirectory.read(Path.of(cfg.init()));
        if (!ModelJson.toJson(m.spec()).equals(ModelJson.toJson(net.spec()))) {
            throw new InputException("init: " + cfg.init() + " has a different architecture than 'model'");
        }
        Network loaded = Network.load(m, net.dataType());
        net.parameters().assign(loaded.parameters());
        net.buffers().assign(loaded.buffers());
    }

    private record Setup(Network net, DataSet train, DataSet test) {}

    private static Setup setup(TrainConfig cfg) {
        ModelSpec spec = modelSpec(cfg.model(), "model");
        DataSet train = DataSets.load(cfg.trainData(), cfg.trainExamples());
        DataSet test = cfg.testData() == null ? null : DataSets.load(cfg.testData(), cfg.testExamples());
        for (DataSet d : test == null ? List.of(train) : List.of(train, test)) {
            if (d.features() == spec.inputSize()) d.requireLabelsBelow(spec.classes(), "the config's model");
            if (d.features() != spec.inputSize()) {
                throw new InputException("data " + d.spec() + ": examples of " + d.features() + " features in " + d.classes()
                        + " classes, but the model takes " + spec.inputSize() + " features and " + spec.classes() + " classes");
            }
        }
        return new Setup(Network.create(spec, dataType(cfg.dtype())), train, test);
    }

    /** Runs the trainer; a divergence is recorded in run.json ("status": "diverged") before it propagates. */
    private static Trainer.Outcome runRecorded(Path dir, ObjectNode record, Trainer trainer, Checkpoint.State from) {
        try {
            return trainer.run(from);
        } catch (Trainer.DivergedException e) {
            record.put("end", Instant.now().toString());
            record.put("status", "diverged");
            record.put("error", e.getMessage());
            Json.write(dir.resolve(RUN_JSON), record);
            throw e;
        }
    }

    private static Result finish(Path dir, ObjectNode record, Trainer trainer, Setup s, Trainer.Outcome out) {
        ModelDirectory.write(dir, s.net.spec(), s.net.toTensors(trainer.tensorDtype()), trainer.tensorDtype());
        List<History.Row> rows = out.state().rows();
        // the model written is the best epoch's with stop.keepBest, else the last epoch's: its figures are reported
        TrainConfig.Stop stop = trainer.config().stop();
        int modelEpoch = out.modelEpoch(stop);
        History.Row last = rows.isEmpty() || modelEpoch < 1 ? null : rows.get(modelEpoch - 1);
        record.put("end", Instant.now().toString());
        record.put("status", "complete");
        ObjectNode f = record.putObject("figures");
        f.put("epochs", out.state().epochsDone());
        f.put("steps", out.state().steps());
        f.put("stopReason", out.stopReason());
        f.put("modelEpoch", modelEpoch);
        ObjectNode sr = f.putObject("stopRule");
        sr.put("patience", stop.patience());
        sr.put("minDelta", stop.minDelta());
        sr.put("loss", stop.loss());
        sr.put("keepBest", stop.keepBest());
        sr.put("maxEpochs", trainer.config().epochs());
        sr.put("bestEpoch", out.state().bestEpoch());
        sr.put("bestLoss", out.state().bestEpoch() > 0 ? out.state().bestLoss() : Double.NaN);
        if (last != null) {
            f.put("trainLoss", last.trainLoss());
            f.put("trainAccuracy", last.trainAccuracy());
            f.put("testLoss", last.testLoss());
            f.put("testAccuracy", last.testAccuracy());
        }
        double secs = 0;
        for (History.Row r : rows) secs += r.seconds();
        f.put("seconds", secs);
        if (out.trainSeconds() > 0) f.put("trainExamplesPerSecond", out.examplesSeen() / out.trainSeconds());
        Json.write(dir.resolve(RUN_JSON), record);
        return new Result(dir, last, out.stopReason(), out.state().epochsDone(), out.state().steps());
    }

    /** run.json without times and figures: the config as used and where it ran. */
    @SuppressWarnings("unchecked")
    private static ObjectNode record(TrainConfig cfg, Info info, Setup s, Trainer trainer) {
        ObjectNode r = Json.object();
        r.put("format", "minima-run");
        r.put("version", 1);
        Map<String, Object> config = new java.util.LinkedHashMap<>(cfg.raw());
        config.put("seed", cfg.seed());
        r.set("config", Json.MAPPER.valueToTree(config));
        r.put("seed", cfg.seed());
        r.put("threads", info.threads());
        r.put("dtype", cfg.dtype());
        r.put("weightsDtype", trainer.tensorDtype());
        r.put("parameters", s.net.parameterCount());
        r.put("trainExamples", s.train.size());
        r.put("testExamples", s.test == null ? 0 : s.test.size());
        r.put("noiseScaleMomentum", trainer.optimizer().noiseMomentum());
        ObjectNode v = r.putObject("versions");
        v.put("minima", info.toolVersion());
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        v.put("nd4j", nd4jVersion());
        v.put("blas", blasVersion());
        r.put("gitCommit", info.gitCommit());
        ObjectNode m = r.putObject("machine");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memoryBytes", physicalMemory());
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        m.put("cpu", cpuModel());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        r.put("status", "running");
        return r;
    }

    static String nd4jVersion() {
        String v = mavenVersion("/META-INF/maven/org.nd4j/nd4j-api/pom.properties");
        if (!v.equals("unknown")) return v;
        v = Nd4j.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    private static String mavenVersion(String resource) {
        try (InputStream in = Nd4j.class.getResourceAsStream(resource)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    static String blasVersion() {
        String vendor;
        try {
            vendor = String.valueOf(Nd4j.factory().blas().getBlasVendor());
        } catch (RuntimeException e) {
            vendor = "unknown";
        }
        return vendor + " (bytedeco openblas " + mavenVersion("/META-INF/maven/org.bytedeco/openblas/pom.properties") + ")";
    }

    static long physicalMemory() {
        try {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
