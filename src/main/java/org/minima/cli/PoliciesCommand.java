package org.minima.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.plot.PolicyPlot;
import org.minima.train.BatchSchedule;
import org.minima.train.LrPolicies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "policies", mixinStandardHelpOptions = true,
        description = "List the learning-rate policies and batch-size schedules with their parameters.")
public final class PoliciesCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw each policy's example over a 20-epoch run.")
    Path plot;

    private static final int EPOCHS = 20;
    private static final double LR = 1e-3;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        out.println("Learning-rate policies (lrPolicy: {name: ..., ...}); t is in epochs, evaluated before every step.");
        out.println("Every policy also takes warmup (epochs of linear warm-up, default 0) and warmupFrom (default 0).");
        for (LrPolicies.Entry e : LrPolicies.CATALOGUE) {
            out.println();
            out.println("  " + e.name() + ":  " + e.formula());
            for (LrPolicies.Param p : e.params()) {
                out.printf("      %-11s %s (default: %s)%n", p.key(), p.meaning(), p.fallback());
            }
        }
        out.println();
        out.println("Batch-size schedules (batch: {size: ..., schedule: ..., factor: ..., milestones: [...]}):");
        out.println("  size: an integer number of examples, or a fraction of the training set written with a point (0.1)");
        out.println("  constant          B every epoch");
        out.println("  step              B × factor at each milestone epoch (capped at the training-set size)");
        out.println("  decaying-lr       Smith et al. 2018: B fixed, learning rate ÷ factor at each milestone");
        out.println("  hybrid            Smith et al. 2018: B × factor at the first milestone, then rate ÷ factor");
        out.println("  increasing-batch  Smith et al. 2018: B × factor at each milestone, rate unchanged");
        out.println("  factor defaults to 5 (Smith et al.); the noise scale g = lr·N/(B(1−m)) is logged every epoch.");
        if (plot != null) {
            writePlot(plot);
            out.println();
            out.println("plot: " + plot + " (and .svg)");
        }
        return 0;
    }

    private static void writePlot(Path file) throws IOException {
        int points = 401;
        double[] x = new double[points];
        for (int i = 0; i < points; i++) x[i] = EPOCHS * (double) i / (points - 1);
        List<PolicyPlot.Panel> panels = new ArrayList<>();
        for (LrPolicies.Entry e : LrPolicies.CATALOGUE) {
            double[] y = LrPolicies.sample(LrPolicies.example(e, LR, EPOCHS), EPOCHS, points);
            panels.add(new PolicyPlot.Panel(e.name(), "lr", x, List.of(e.name()), List.of(y)));
        }
        // Smith et al.'s three schedules, base B = 128, factor 5 at epochs 6, 12, 16 of 20: batch and lr·scale
        double[] ex = new double[EPOCHS];
        for (int i = 0; i < EPOCHS; i++) ex[i] = i;
        List<String> names = List.of("decaying-lr", "hybrid", "increasing-batch");
        List<double[]> batches = new ArrayList<>(), noise = new ArrayList<>();
        for (String kind : names) {
            BatchSchedule s = new BatchSchedule(kind, 128, 5, List.of(6, 12, 16), 50000);
            double[] b = new double[EPOCHS], g = new double[EPOCHS];
            for (int i = 0; i < EPOCHS; i++) {
                b[i] = s.size(i);
                g[i] = BatchSchedule.noiseScale(0.1 * s.lrScale(i), 50000, s.size(i), 0.9);
            }
            batches.add(b);
            noise.add(g);
        }
        panels.add(new PolicyPlot.Panel("batch (Smith et al.: B=128, x5)", "batch", ex, names, batches));
        panels.add(new PolicyPlot.Panel("noise scale g (lr 0.1, m 0.9)", "g", ex, names, noise));
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new InputException(file + ": the folder does not exist");
        if (!file.getFileName().toString().endsWith(".png")) throw new InputException("--plot " + file + ": expected a FILE.png");
        PolicyPlot.figure(panels).write(file);
    }
}
