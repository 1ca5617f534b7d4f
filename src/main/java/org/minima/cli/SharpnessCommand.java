package org.minima.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.minima.analysis.NetworkObjective;
import org.minima.analysis.Sharpness;
import org.minima.analysis.SharpnessOptions;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sharpness}: Keskar's ε-sharpness (Metric 2.1) of a saved model on a data set; JSON on stdout or a file. */
@Command(name = "sharpness", mixinStandardHelpOptions = true,
        description = {
            "Keskar's eps-sharpness (Metric 2.1): 100*(max f over the box - f)/(1 + f), the maximum found by L-BFGS-B.",
            "Full space (box |z_i| <= eps(|x_i|+1)) or a random P-dimensional subspace (box from A^+ x). f is the",
            "mean training loss over the data in inference mode. See docs/sharpness.md."})
public final class SharpnessCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory (model.json and weights.safetensors).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "SPEC",
            description = "The data f is measured on: fashion-mnist[:train|:test], mnist:DIR[:split], cifar10:DIR[:split], cifar100:DIR[:split] or FILE.csv.")
    String data;

    @Option(names = "--eps", defaultValue = "1e-3", paramLabel = "EPS", description = "Box half-width factor (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--subspace", paramLabel = "P", description = "Measure in a random P-dimensional subspace (default: the full space).")
    Integer subspace;

    @Option(names = "--max-iter", defaultValue = "10", paramLabel = "N", description = "L-BFGS-B iterations per start (default: ${DEFAULT-VALUE}, as the paper).")
    int maxIter;

    @Option(names = "--restarts", defaultValue = "0", paramLabel = "R", description = "Extra seeded random starts in the box (default: ${DEFAULT-VALUE}).")
    int restarts;

    @Option(names = "--examples", paramLabel = "N", description = "Use only the first N examples (default: all).")
    Integer examples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the subspace matrix and the random starts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON to FILE instead of stdout.")
    Path json;

    @Option(names = "--dtype", defaultValue = "float64", paramLabel = "TYPE", description = "float64 or float32 arithmetic (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--chunk", defaultValue = "2000", paramLabel = "N", description = "Examples per forward/backward pass; bounds memory (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Override
    public Integer call() {
        if (!(eps > 0) || !Double.isFinite(eps)) throw new InputException("--eps " + eps + ", expected a number > 0");
        if (subspace != null && subspace < 1) throw new InputException("--subspace " + subspace + ", expected a number >= 1");
        if (maxIter < 1) throw new InputException("--max-iter " + maxIter + ", expected a number >= 1");
        if (restarts < 0) throw new InputException("--restarts " + restarts + ", expected a number >= 0");
        if (chunk < 1) throw new InputException("--chunk " + chunk + ", expected a number >= 1");
        DataType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float64", "f64", "double" -> DataType.DOUBLE;
            case "float32", "f32", "float" -> DataType.FLOAT;
            default -> throw new InputException("--dtype " + dtype + ", expected float64 or float32");
        };
        if (json != null) AtomicFiles.requireWritable(json, "--json"); // before minutes of work, not after
        Threads.configure(common.threads);

        long t0 = System.nanoTime();
        ModelDirectory.Loaded loaded = ModelDirectory.read(model);
        DataSet set = DataSets.load(data, examples);
        if (set.features() != loaded.spec().inputSize()) {
            throw new InputException(data + ": examples have " + set.features() + " features, but " + model
                    + "/model.json expects input " + java.util.Arrays.toString(loaded.spec().input()));
        }
        if (set.classes() > loaded.spec().classes()) {
            throw new InputException(data + ": " + set.classes() + " classes, but " + model + "/model.json has " + loaded.spec().classes());
        }
        Network net = Network.load(loaded.spec(), loaded.tensors(), type);
        if (subspace != null && subspace > net.parameterCount()) {
            throw new InputException("--subspace " + subspace + " exceeds the model's " + net.parameterCount() + " parameters");
        }
        NetworkObjective f = new NetworkObjective(net, set, chunk);
        SharpnessOptions options = new SharpnessOptions(eps, subspace, maxIter, restarts, seed);

        Sharpness.Result r;
        try (SharpnessProgress bars = new SharpnessProgress("sharpness", common.quiet)) {
            r = Sharpness.measure(f, net.parameters().dup(), options, bars);
        }
        if (!Double.isFinite(r.loss()) || !Double.isFinite(r.maxLoss())) {
            throw new IllegalStateException("the loss is not finite (f(x) = " + r.loss() + ", max found = " + r.maxLoss() + ")");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        ObjectNode o = Json.object();
        o.put("metric", "keskar-sharpness");
        o.put("eps", eps);
        if (subspace == null) o.putNull("subspace");
        else o.put("subspace", subspace);
        o.put("maxIter", maxIter);
        o.put("restarts", restarts);
        o.put("loss", r.loss());
        o.put("maxLoss", r.maxLoss());
        o.put("sharpness", r.sharpness());
        o.put("iterations", r.iterations());
        o.put("evaluations", r.evaluations());
        ArrayNode starts = o.putArray("starts");
        for (Sharpness.Start s : r.starts()) {
            ObjectNode so = starts.addObject();
            so.put("maxLoss", s.maxLoss());
            so.put("sharpness", Sharpness.phi(r.loss(), s.maxLoss()));
            so.put("iterations", s.iterations());
            so.put("evaluations", s.evaluations());
            so.put("stop", s.stop().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        o.put("examples", set.size());
        o.put("seconds", seconds);
        o.put("model", model.toString());
        o.put("data", data);
        o.put("seed", seed);
        o.put("dtype", type == DataType.DOUBLE ? "float64" : "float32");
        o.put("threads", Threads.current());

        if (json != null) {
            Json.write(json, o);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(Json.toString(o));
            out.flush();
        }
        return Main.EXIT_OK;
    }
}
