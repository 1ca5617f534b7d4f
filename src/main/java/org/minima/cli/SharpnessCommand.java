package org.minima.cli;

import java.util.concurrent.Callable;
import org.minima.analysis.ModelAndData;
import org.minima.analysis.RandomSubspace;
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
            "Keskar's eps-sharpness of a model (Metric 2.1), its maximum found by L-BFGS-B.",
            "phi = 100*(max f over the box - f)/(1 + f), where f is the mean training loss over the data in inference mode. "
                + "The box is the full space (|z_i| <= eps(|x_i|+1)) or a random P-dimensional subspace (from A^+ x). "
                + "See docs/sharpness.md."})
public final class SharpnessCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Mixin SharedOptions.Model model;

    @Mixin SharedOptions.Data data;

    @Option(names = "--eps", defaultValue = "1e-3", paramLabel = "EPS", description = "Box half-width factor (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--subspace", paramLabel = "P", description = "Measure in a random P-dimensional subspace (default: the full space).")
    Integer subspace;

    @Option(names = "--subspace-matrix", paramLabel = "KIND",
            description = "With --subspace: gaussian (independent N(0,1) entries) or unit (unit-norm columns) (default: gaussian).")
    String subspaceMatrix = SharpnessOptions.defaults().subspaceMatrix().label();

    @Option(names = "--start", paramLabel = "WHERE",
            description = "First start: centre, or corner (c + sign(grad f)*bound, the first-order worst corner) (default: centre).")
    String start = SharpnessOptions.defaults().start().label();

    @Option(names = "--max-iter", paramLabel = "N", description = "L-BFGS-B iterations per start (default: ${DEFAULT-VALUE}, as the paper).")
    int maxIter = SharpnessOptions.defaults().maxIter();

    @Option(names = "--restarts", paramLabel = "R", description = "Extra seeded random starts in the box (default: ${DEFAULT-VALUE}).")
    int restarts = SharpnessOptions.defaults().restarts();

    @Mixin SharedOptions.Examples examples;

    @Mixin SharedOptions.Seed seed = new SharedOptions.Seed(SharpnessOptions.defaults().seed());

    @Mixin SharedOptions.JsonFile json;

    @Option(names = "--dtype", defaultValue = "float64", paramLabel = "TYPE", description = "float64 or float32 arithmetic (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Mixin SharedOptions.Chunk chunk = new SharedOptions.Chunk(SharpnessOptions.defaults().chunk());

    @Mixin SharedOptions.BatchNorm bn;

    @Override
    public Integer call() {
        if (!(eps > 0) || !Double.isFinite(eps)) throw new InputException("--eps " + eps + ", expected a number > 0");
        if (subspace != null && subspace < 1) throw new InputException("--subspace " + subspace + ", expected a number >= 1");
        if (maxIter < 1) throw new InputException("--max-iter " + maxIter + ", expected a number >= 1");
        if (restarts < 0) throw new InputException("--restarts " + restarts + ", expected a number >= 0");
        if (RandomSubspace.Kind.parse(subspaceMatrix) == null) throw new InputException("--subspace-matrix " + subspaceMatrix + ", expected gaussian or unit");
        if (SharpnessOptions.StartAt.parse(start) == null) throw new InputException("--start " + start + ", expected centre or corner");
        DataType type = SharedOptions.dataType(dtype);
        SharpnessOptions options = options();
        json.requireWritable();
        Threads.configure(common.threads);

        long t0 = System.nanoTime();
        ModelAndData m = ModelAndData.load(model.dir, data.spec, examples.n, type);
        if (subspace != null && subspace > m.net().parameterCount()) {
            throw new InputException("--subspace " + subspace + " exceeds the model's " + m.net().parameterCount() + " parameters");
        }
        SharpnessAnalysis.Result r;
        try (SharpnessProgress bars = new SharpnessProgress("sharpness", common.quiet)) {
            r = SharpnessAnalysis.run(m.net(), m.data(), options, bars);
        }
        if (r.note() != null) System.err.println(r.note());
        json.print(r.toJson(model.dir.toString(), (System.nanoTime() - t0) / 1e9));
        return Main.EXIT_OK;
    }

    /** The flags as the analysis' options; no flag given means {@link SharpnessOptions#defaults()}. */
    SharpnessOptions options() {
        return SharpnessOptions.defaults().withEps(eps).withSubspace(subspace).withMaxIter(maxIter).withRestarts(restarts)
                .withSeed(seed.value).withChunk(chunk.n()).withBatchNorm(bn.value())
                .withSubspaceMatrix(RandomSubspace.Kind.parse(subspaceMatrix)).withStart(SharpnessOptions.StartAt.parse(start));
    }
}
