package org.minima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.minima.analysis.Grid;
import org.minima.analysis.Interpolation;
import org.minima.analysis.ModelAndData;
import org.minima.analysis.ParameterLayout;
import org.minima.analysis.Score;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
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
        description = "Loss and accuracy on the training and test sets along (1-α)·from + α·to (Keskar et al. 2017, Figure 3), "
                + "batch-norm running statistics included; writes interpolation.csv, .png and .svg.")
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

    @Option(names = "--log-loss", description = "Log scale for the loss axis of the plot.")
    boolean logLoss;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "1000", hidden = true,
            description = "Examples per forward pass (memory versus speed).")
    int chunk;

    @Override
    public Integer call() {
        Threads.configure(common.threads);
        Grid alphas = Grid.parse(alpha, "--alpha");
        Interpolation.Path p = switch (path.toLowerCase(java.util.Locale.ROOT)) {
            case "linear" -> Interpolation.Path.LINEAR;
            case "curved" -> Interpolation.Path.CURVED;
            default -> throw new InputException("--path " + path + ": expected linear or curved");
        };
        if (chunk < 1) throw new InputException("--chunk " + chunk + ": expected a number > 0");
        AtomicFiles.requireWritableFolder(out, "--out"); // before the evaluations, not after

        ModelDirectory.Loaded a = ModelDirectory.read(from);
        ModelDirectory.Loaded b = ModelDirectory.read(to);
        ModelAndData.requireSameArchitecture(a.spec(), from, b.spec(), to);
        // float64 for the analysis whatever the files hold (CONTRACT: analyzers default to float64)
        Network netFrom = Network.load(a.spec(), a.tensors(), DataType.DOUBLE);
        Network netTo = Network.load(b.spec(), b.tensors(), DataType.DOUBLE);
        DataSet trainData = DataSets.load(train, examples.n);
        DataSet testData = DataSets.load(test, examples.n);

        // netFrom is the one buffer the path is written into; the ends are copies taken first
        var ends = new Interpolation.Ends(netFrom.parameters().dup(), netFrom.buffers().dup(),
                netTo.parameters(), netTo.buffers(), ParameterLayout.of(a.spec()));
        Supplier<Score> onTrain = () -> score(netFrom.evaluate(trainData, chunk));
        Supplier<Score> onTest = () -> score(netFrom.evaluate(testData, chunk));
        List<Interpolation.Point> points;
        try (GridProgress progress = new GridProgress("interpolate", alphas.count(), common.quiet)) {
            points = Interpolation.run(ends, netFrom.parameters(), netFrom.buffers(), alphas, p, onTrain, onTest, progress);
        }

        Path csv = out.resolve("interpolation.csv");
        AtomicFiles.writeString(csv, Interpolation.csv(points));
        InterpolationPlot plot = new InterpolationPlot(points, p, name(from), name(to), logLoss);
        Path png = out.resolve("interpolation.png");
        Path svg = out.resolve("interpolation.svg");
        byte[] pngBytes = plot.chart().png(2);
        byte[] svgBytes = plot.chart().svg();
        AtomicFiles.write(png, o -> o.write(pngBytes));
        AtomicFiles.write(svg, o -> o.write(svgBytes));

        PrintWriter w = spec.commandLine().getOut();
        w.println(csv);
        w.println(png);
        w.println(svg);
        w.flush();
        return Main.EXIT_OK;
    }

    static Score score(Evaluation e) {
        return new Score(e.loss(), e.accuracy());
    }

    private static String name(Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? dir.toString() : f.toString();
    }
}
