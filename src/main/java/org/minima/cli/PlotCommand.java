package org.minima.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.minima.analysis.Interpolation;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.plot.InterpolationPlot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plot}: draws Figure 3 again from an interpolation.csv, without evaluating anything. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Redraw Figure 3 (PNG and SVG) from an interpolation.csv.", "The CSV is one that interpolate or reproduce wrote."})
public final class PlotCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CSV", description = "An interpolation.csv (columns alpha, trainLoss, trainAccuracy, testLoss and testAccuracy).")
    Path csv;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The PNG to write; the SVG goes beside it.")
    Path out;

    @Option(names = "--from", paramLabel = "NAME", defaultValue = "from", description = "Name of the model at α = 0 (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", paramLabel = "NAME", defaultValue = "to", description = "Name of the model at α = 1 (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--about", paramLabel = "TEXT", defaultValue = "",
            description = "Model, data and examples, after the formula in the title.")
    String about;

    @Option(names = "--path", paramLabel = "linear|curved", defaultValue = "linear",
            description = "The path the CSV was made along, for the title (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--linear-loss", description = "Linear loss axis (default: log scale).")
    boolean linearLoss = InterpolationPlot.LINEAR_LOSS;

    @Override
    public Integer call() {
        if (!out.getFileName().toString().endsWith(".png")) throw new InputException("--out " + out + ": expected a FILE.png");
        String text;
        try {
            text = Files.readString(csv);
        } catch (NoSuchFileException e) {
            throw new InputException(csv + ": no such file");
        } catch (IOException e) {
            throw new InputException(csv + ": cannot read: " + e.getMessage());
        }
        List<Interpolation.Point> points = Interpolation.readCsv(text, csv.toString());
        AtomicFiles.requireWritableFolder(out.toAbsolutePath().getParent(), "--out");
        List<Path> written = new InterpolationPlot(points, Interpolation.Path.parse(path, "--path"), from, to, !linearLoss, about).chart().write(out);
        PrintWriter w = spec.commandLine().getOut();
        for (Path f : written) w.println(f);
        w.flush();
        return Main.EXIT_OK;
    }
}
