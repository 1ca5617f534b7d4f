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
import org.minima.io.Json;
import org.minima.nn.Threads;
import org.minima.plot.PolicyPlot;
import org.minima.plot.RangeTestPlot;
import org.minima.train.RangeTest;
import org.minima.train.TrainConfig;
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

    @Option(names = "--range-test", paramLabel = "CONFIG.yaml",
            description = "Run the learning-rate range test on a training config instead: its model, data, optimizer, batch "
                + "size and seed, with the rate swept exponentially from --min-lr to --max-lr over --steps mini-batches. "
                + "Prints the suggested rate and the curve as JSON; with --out also writes range-test.csv and range-test.png.")
    Path rangeTest;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "With --range-test: overrides a config key, as train's --set.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--min-lr", paramLabel = "LR", description = "With --range-test: the first rate (default: 1e-6).")
    Double minLr;

    @Option(names = "--max-lr", paramLabel = "LR", description = "With --range-test: the last rate (default: 10).")
    Double maxLr;

    @Option(names = "--steps", paramLabel = "N", description = "With --range-test: mini-batches in the sweep (default: 100).")
    Integer steps;

    @Option(names = "--out", paramLabel = "DIR", description = "With --range-test: folder for range-test.csv and range-test.png.")
    Path out;

    private static final int EPOCHS = 20;
    private static final double LR = 1e-3;

    @Override
    public Integer call() throws IOException {
        if (rangeTest != null) return rangeTest();
        if (out != null || minLr != null || maxLr != null || steps != null || !sets.isEmpty()) {
            throw new InputException("--out, --set, --min-lr, --max-lr and --steps go with --range-test CONFIG.yaml");
        }
        PrintStream out = System.out;
        out.println("Learning-rate policies (lrPolicy: {name: ..., ...}); t is in epochs, evaluated before every step.");
        out.println("Every policy also takes warmup (epochs of linear warm-up, default 0) and warmupFrom (default 0).");
        for (LrPolicies.Entry e : LrPolicies.CATALOGUE) {
            out.println();
            out.println("  " + e.name() + ":  " + e.formula());
            if (!e.torch().isEmpty()) out.println("      PyTorch: torch.optim.lr_scheduler." + e.torch() + "; its parameter names are accepted too");
            for (LrPolicies.Param p : e.params()) {
                String torch = e.torchName(p.key());
                String key = torch == null || torch.equals(p.key()) ? p.key() : p.key() + " (" + torch + ")";
                out.printf("      %-22s %s (default: %s)%n", key, p.meaning(), p.fallback());
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

    private int rangeTest() {
        Threads.configure(common.threads);
        TrainConfig cfg = TrainConfig.load(rangeTest, sets, null);
        RangeTest.Options d = RangeTest.Options.defaults();
        RangeTest.Options o;
        try {
            o = d.withRange(minLr == null ? d.minLr() : minLr, maxLr == null ? d.maxLr() : maxLr).withSteps(steps == null ? d.steps() : steps);
        } catch (IllegalArgumentException e) {
            throw new InputException("--min-lr/--max-lr/--steps: " + e.getMessage());
        }
        if (out != null) AtomicFiles.requireWritableFolder(out, "--out");
        long t0 = System.nanoTime();
        RangeTest.Result r = RangeTest.run(cfg, o);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (out != null) {
            AtomicFiles.writeString(out.resolve("range-test.csv"), r.csv());
            RangeTestPlot.of(r, rangeTest.getFileName().toString()).write(out.resolve("range-test.png"));
        }
        System.out.println(Json.toString(r.toJson(seconds)));
        return Main.EXIT_OK;
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
