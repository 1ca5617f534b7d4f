package org.minima.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.minima.analysis.ModelAndData;
import org.minima.analysis.SharpnessAnalysis;
import org.minima.analysis.SharpnessOptions;
import org.minima.io.InputException;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
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

    @Mixin ModelOption model;

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

    @Mixin JsonOutput json;

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
        json.requireWritable();
        Threads.configure(common.threads);

        long t0 = System.nanoTime();
        ModelAndData m = ModelAndData.load(model.model, data, examples, type);
        if (subspace != null && subspace > m.net().parameterCount()) {
            throw new InputException("--subspace " + subspace + " exceeds the model's " + m.net().parameterCount() + " parameters");
        }
        SharpnessOptions options = SharpnessOptions.defaults().withEps(eps).withSubspace(subspace).withMaxIter(maxIter)
                .withRestarts(restarts).withSeed(seed).withChunk(chunk);
        SharpnessAnalysis.Result r;
        try (SharpnessProgress bars = new SharpnessProgress("sharpness", common.quiet)) {
            r = SharpnessAnalysis.run(m.net(), m.data(), options, bars);
        }
        json.print(r.toJson(model.model.toString(), (System.nanoTime() - t0) / 1e9));
        return Main.EXIT_OK;
    }
}
