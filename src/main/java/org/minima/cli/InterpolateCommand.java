package org.minima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.minima.analysis.Grid;
import org.minima.analysis.Interpolation;
import org.minima.analysis.ModelAndData;
import org.minima.analysis.ParameterLayout;
import org.minima.analysis.Score;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.io.LockFile;
import org.minima.io.ModelDirectory;
import org.minima.nn.Evaluation;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.minima.plot.InterpolationPlot;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code interpolate}: Keskar et al.'s Figure 3 (and Figure 7 with {@code --path curved}). */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = {"Loss and accuracy on the line between two models (Keskar et al., Figure 3).",
            "Evaluates the training and test sets at (1-α)·from + α·to, batch-norm running statistics included "
                + "(with --bn batch: the weights only); writes interpolation.csv, .png and .svg."})
public final class InterpolateCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The model at α = 0 (e.g. the small-batch one).")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The model at α = 1 (e.g. the large-batch one).")
    Path to;

    @Option(names = "--train", required = true, paramLabel = "SPEC", description = "Training data, e.g. fashion-mnist:train.")
    String train;

    @Option(names = "--test", required = true, paramLabel = "SPEC", description = "Test data, e.g. fashion-mnist:test.")
    String test;

    @Option(names = "--alpha", paramLabel = "START:STOP:COUNT", defaultValue = "-1:2:25",
            description = "The values of α, both ends included (default: ${DEFAULT-VALUE}).")
    String alpha;

    @Option(names = "--path", paramLabel = "linear|curved", defaultValue = "linear",
            description = "linear: (1-α)·from + α·to; curved: cos(απ/2)·from + sin(απ/2)·to (Keskar Figure 7). Default: ${DEFAULT-VALUE}.")
    String path;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for interpolation.csv, .png, .svg.")
    Path out;

    @Mixin SharedOptions.Examples examples;

    @Option(names = "--linear-loss", description = "Linear loss axis in the plot (default: log scale).")
    boolean linearLoss = InterpolationPlot.LINEAR_LOSS;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "1000", hidden = true,
            description = "Examples per forward pass (memory versus speed).")
    int chunk;

    @Mixin SharedOptions.BatchNorm bn;

    @Override
    public Integer call() {
        Threads.configure(common.threads);
        Grid alphas = Grid.parse(alpha, "--alpha");
        Interpolation.Path p = Interpolation.Path.parse(path, "--path");
        if (chunk < 1) throw new InputException("--chunk " + chunk + ": expected a number > 0");
        Interpolation.Options options = Interpolation.Options.defaults().withAlphas(alphas).withPath(p).withChunk(chunk).withBatchNorm(bn.value());
        AtomicFiles.requireWritableFolder(out, "--out"); // before the evaluations, not after

        ModelDirectory.Loaded a = ModelDirectory.read(from);
        ModelDirectory.Loaded b = ModelDirectory.read(to);
        ModelAndData.requireSameArchitecture(a.spec(), from, b.spec(), to);
        // float64 for the analysis whatever the files hold (docs/cli.md: analyzers default to float64)
        Network netFrom = Network.load(a, DataType.DOUBLE);
        Network netTo = Network.load(b, DataType.DOUBLE);
        DataSet trainData = DataSets.load(train, examples.n);
        DataSet testData = DataSets.load(test, examples.n);

        Interpolation.Result result;
        Path csv = out.resolve("interpolation.csv");
        List<Path> figures;
        try (LockFile lock = LockFile.forFolder(out, "--out " + out);
                CountProgress progress = CountProgress.grid("interpolate", options.alphas().count(), common.quiet)) {
            result = Interpolation.run(netFrom, netTo, trainData, testData, options, progress);
            result.writeCsv(csv);
            // fashion-mnist:train / :test when the two specs name one data set
            int colon = train.indexOf(':');
            String testShown = colon > 0 && test.startsWith(train.substring(0, colon + 1)) ? test.substring(colon) : test;
            String about = "on " + train + " / " + testShown + ", " + trainData.size() + " + " + testData.size() + " examples";
            figures = new InterpolationPlot(result.points(), options.path(), name(from), name(to), !linearLoss, about).chart()
                    .write(out.resolve("interpolation.png"));
        }

        PrintWriter w = spec.commandLine().getOut();
        w.println(csv);
        for (Path f : figures) w.println(f);
        w.flush();
        return Main.EXIT_OK;
    }

    private static String name(Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? dir.toString() : f.toString();
    }
}
