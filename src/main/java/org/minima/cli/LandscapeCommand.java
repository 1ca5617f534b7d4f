package org.minima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.minima.analysis.Grid;
import org.minima.analysis.LandscapeAnalysis;
import org.minima.analysis.ModelAndData;
import org.minima.io.AtomicFiles;
import org.minima.io.DirectionFiles;
import org.minima.io.InputException;
import org.minima.io.LockFile;
import org.minima.nn.Threads;
import org.minima.plot.LandscapePlot;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code landscape}: the loss around a model along 1 or 2 filter-normalized random directions (Li et al. 2018) or
 * along given ones. Resumable: {@code DIR/landscape.csv} is the state; a rerun with the same options computes only
 * the missing cells.
 */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = {"Loss and accuracy along 1 or 2 directions from a model (Li et al. 2018).",
            "The directions are filter-normalized random ones, or given ones (e.g. Hessian eigenvectors). "
                + "Writes landscape.csv, landscape.png, landscape.svg and the directions as safetensors. Rerun to resume."})
public final class LandscapeCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SharedOptions.Model model;

    @Mixin SharedOptions.Data data;

    @Option(names = "--dims", paramLabel = "1|2", defaultValue = "1", description = "1: a line; 2: a plane with contours (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--grid", paramLabel = "START:STOP:COUNT", defaultValue = "-1:1:21",
            description = "Steps along each direction, both ends included (default: ${DEFAULT-VALUE}).")
    String grid;

    @Option(names = "--directions", paramLabel = "DIR",
            description = "Use these directions instead of random ones: DIR/direction1.safetensors (and direction2), "
                    + "else DIR/eigenvector-1.safetensors (and eigenvector-2) from hessian --vectors, else the first .safetensors files of DIR "
                    + "in name order. Used as given, not normalized.")
    Path directions;

    @Mixin SharedOptions.Seed seed = new SharedOptions.Seed(1L);

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the CSV, the plots and the directions.")
    Path out;

    @Mixin SharedOptions.Examples examples;

    @Option(names = "--log-loss", description = "Log scale for the loss axis of the 1-D plot.")
    boolean logLoss;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "1000", hidden = true, description = "Examples per forward pass.")
    int chunk;

    @Mixin SharedOptions.BatchNorm bn;

    @Override
    public Integer call() {
        Threads.configure(common.threads);
        if (dims != 1 && dims != 2) throw new InputException("--dims " + dims + ": expected 1 or 2");
        if (chunk < 1) throw new InputException("--chunk " + chunk + ": expected a number > 0");
        Grid g = Grid.parse(grid, "--grid");
        if (dims == 2 && g.count() < 2) throw new InputException("--grid " + grid + ": a 2-D landscape needs COUNT >= 2");
        LandscapeAnalysis.Options options = LandscapeAnalysis.Options.defaults()
                .withDims(dims).withGrid(g).withDirections(directions).withSeed(seed.value).withChunk(chunk).withBatchNorm(bn.value());
        AtomicFiles.requireWritableFolder(out, "--out"); // before loading the model and data, not after

        ModelAndData m = ModelAndData.load(model.dir, data.spec, examples.n, DataType.DOUBLE);
        LandscapeAnalysis.Result result;
        List<Path> figures;
        try (LockFile lock = LockFile.forFolder(out, "--out " + out);
                CountProgress progress = CountProgress.grid("landscape", options.cells(), common.quiet)) {
            result = LandscapeAnalysis.run(m.net(), m.data(), new LandscapeAnalysis.Source(model.dir, data.spec, examples.n), options, out, progress);
            String title = (directions == null ? "filter-normalized random direction" + (dims == 2 ? "s" : "") + ", seed " + seed.value
                    : "directions from " + directions.getFileName()) + " — " + name(model.dir)
                    + ", " + data.spec + ", " + m.data().size() + " examples";
            List<String> axes = new java.util.ArrayList<>(List.of("direction 1", "direction 2"));
            if (directions != null) {
                List<Path> files = DirectionFiles.files(directions, dims, "--directions " + directions);
                for (int k = 0; k < dims; k++) axes.set(k, DirectionFiles.label(files.get(k), k + 1));
            }
            figures = LandscapePlot.of(g, dims, result.table(), title, logLoss, axes).write(out.resolve("landscape.png"));
        }

        PrintWriter w = spec.commandLine().getOut();
        w.println(result.csv());
        for (Path f : figures) w.println(f);
        for (Path f : result.directionFiles()) w.println(f);
        w.flush();
        return Main.EXIT_OK;
    }

    private static String name(Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? dir.toString() : f.toString();
    }
}
