package org.minima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.nn.BatchNormMode;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options several commands take, each declared once as a picocli mixin ({@code @Mixin SharedOptions.Seed seed}).
 * A command whose help words an option its own way (what its seed seeds, which data it means) says so in
 * {@code Help.properties} under {@code minima.COMMAND.KEY}; the description here is used otherwise. A default
 * comes from the mixin instance the command creates, e.g. {@code new Seed(SharpnessOptions.defaults().seed())}, so
 * that it is written once, in the analysis' options, and shown by {@code ${DEFAULT-VALUE}}.
 */
public final class SharedOptions {
    private SharedOptions() {}

    /** {@code --model DIR}, required. */
    public static final class Model {
        @Option(names = "--model", required = true, paramLabel = "DIR", descriptionKey = "model",
                description = "A model directory (model.json and weights.safetensors).")
        public Path dir;
    }

    /** {@code --data SPEC}, required. */
    public static final class Data {
        @Option(names = "--data", required = true, paramLabel = "SPEC", descriptionKey = "data",
                description = "A data set: fashion-mnist[:train|:test], mnist:DIR[:split], cifar10:DIR[:split], cifar100:DIR[:split] or FILE.csv.")
        public String spec;
    }

    /** {@code --examples N}: the first N examples (null: all). */
    public static final class Examples {
        @Spec(Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

        public Integer n;

        @Option(names = "--examples", paramLabel = "N", descriptionKey = "examples", description = "Only the first N examples of the data set.")
        void set(int value) {
            if (value < 1) throw new CommandLine.ParameterException(mixee.commandLine(), "--examples " + value + ", expected a number >= 1");
            n = value;
        }
    }

    /** {@code --seed N}; the default is the command's (null: none, e.g. {@code train} keeps the config's). */
    public static final class Seed {
        @Option(names = "--seed", paramLabel = "N", descriptionKey = "seed", description = "Seed of the random numbers (default: ${DEFAULT-VALUE}).")
        public Long value;

        public Seed() {}

        public Seed(Long defaultValue) {
            value = defaultValue;
        }
    }

    /** {@code --chunk N}: examples per forward/backward pass; the default is the analysis' own. */
    public static final class Chunk {
        @Option(names = "--chunk", paramLabel = "N", descriptionKey = "chunk",
                description = "Examples per forward/backward pass; bounds memory (default: ${DEFAULT-VALUE}).")
        int n;

        public Chunk() {}

        public Chunk(int defaultValue) {
            n = defaultValue;
        }

        /** The value; below 1 is bad input (exit 2). */
        public int n() {
            if (n < 1) throw new InputException("--chunk " + n + ", expected a number >= 1");
            return n;
        }
    }

    /**
     * {@code --bn running|batch} and {@code --bn-batch N}: batch norm's convention in an analysis ({@link BatchNormMode});
     * the defaults are {@link BatchNormMode#RUNNING}'s.
     */
    public static final class BatchNorm {
        @Option(names = "--bn", paramLabel = "running|batch", descriptionKey = "bn",
                description = "Batch norm in the loss: running (inference mode, the running statistics; PyHessian's and loss-landscape's "
                        + "convention) or batch (each batch of --bn-batch examples normalized by its own mean and variance, as Keskar "
                        + "et al.'s Keras code). Default: ${DEFAULT-VALUE}.")
        String mode = BatchNormMode.RUNNING.key();

        @Option(names = "--bn-batch", paramLabel = "N", descriptionKey = "bn-batch",
                description = "Examples per batch with --bn batch, in order; a remainder forms a last smaller batch (default: ${DEFAULT-VALUE}).")
        int batch = BatchNormMode.RUNNING.batch();

        /** The convention; a bad value is bad input (exit 2). */
        public BatchNormMode value() {
            if (batch < 1) throw new InputException("--bn-batch " + batch + ", expected a number >= 1");
            return new BatchNormMode(BatchNormMode.Statistics.parse(mode, "--bn"), batch);
        }
    }

    /** {@code --json FILE}: where a command's JSON goes (stdout without it). */
    public static final class JsonFile {
        @Spec(Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

        @Option(names = "--json", paramLabel = "FILE", descriptionKey = "json", description = "Write the JSON to FILE instead of stdout.")
        public Path file;

        /** Bad input (exit 2) when FILE cannot be written; called before minutes of work, not after. */
        public void requireWritable() {
            if (file != null) AtomicFiles.requireWritable(file, "--json");
        }

        /** The JSON to FILE (atomically), or else to the command's stdout. */
        public void print(JsonNode o) {
            if (file != null) {
                Json.write(file, o);
            } else {
                PrintWriter out = mixee.commandLine().getOut();
                out.print(Json.toString(o));
                out.flush();
            }
        }
    }

    /** The arithmetic type a {@code --dtype} value names: float64 (f64, double) or float32 (f32, float). */
    public static DataType dataType(String dtype) {
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float64", "f64", "double" -> DataType.DOUBLE;
            case "float32", "f32", "float" -> DataType.FLOAT;
            default -> throw new InputException("--dtype " + dtype + ", expected float64 or float32");
        };
    }
}
