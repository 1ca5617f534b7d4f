package org.minima.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minima.data.DataSet;
import org.minima.nn.Profile;
import org.minima.nn.Threads;

/**
 * Where the time of one training step goes (issue 15): F1 at B = 256 and 6000 on Fashion-MNIST and C1 at B = 256 on
 * CIFAR-shaped data, float32, Adam, training mode, the step {@link TrainThroughput} times. Each phase's wall time
 * (the layers' forward and backward passes by type, inside them the GEMMs, bias, im2col, col2im; gathering the
 * input, the loss, Adam) is the median over {@code repeats} steps after three warm-up steps, in milliseconds: wall
 * time, or with {@code --threads 1} the calling thread's CPU time (then the whole work, and hardly moved by other load).
 * Indented phases are parts of the phase above them. Recording costs two {@code nanoTime} calls a phase.
 */
public final class TrainProfile implements Benchmark {
    @Override public String name() { return "profile"; }

    @Override
    public String description() {
        return "per-phase wall time of one training step: F1 B=256 and 6000 (Fashion-MNIST) and C1 B=256 (CIFAR-shaped), float32, Adam";
    }

    @Override
    public List<Row> run(int repeats) {
        List<Row> rows = new ArrayList<>();
        rows.addAll(profile(new TrainThroughput("f1"), 256, repeats));
        rows.addAll(profile(new TrainThroughput("f1"), 6000, repeats));
        rows.addAll(profile(new TrainThroughput("c1"), 256, repeats));
        return rows;
    }

    /** Rows "F1 B=6000: phase" in ms (medians over the steps), then the whole step. */
    static List<Row> profile(TrainThroughput which, int b, int repeats) {
        DataSet data = which.data();
        TrainThroughput.Ours ours = new TrainThroughput.Ours(data, which.model(), b);
        ours.steps(3);
        List<Map<String, Double>> runs = new ArrayList<>();
        double[] whole = new double[repeats];
        boolean cpu = Threads.current() == 1; // one thread: CPU time, the whole work and robust to other load
        for (int r = 0; r < repeats; r++) {
            Profile.enable(true, cpu);
            long t0 = Profile.now();
            ours.steps(1);
            whole[r] = (Profile.now() - t0) / 1e9;
            runs.add(Profile.seconds());
            Profile.enable(false);
        }
        String prefix = which.model().toUpperCase(Locale.ROOT) + " B=" + b + ": ";
        List<Row> rows = new ArrayList<>();
        double total = Benchmarks.median(whole);
        double[] other = whole.clone(); // per step: what no top-level phase covers
        for (String phase : runs.get(0).keySet()) {
            double[] v = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                v[r] = runs.get(r).getOrDefault(phase, 0.0);
                if (!phase.startsWith(" ")) other[r] -= v[r];
            }
            double m = Benchmarks.median(v);
            rows.add(new Row(prefix + phase, 1e3 * m, "ms", String.format(Locale.ROOT, "%.1f%% of the step", 100 * m / total)));
        }
        rows.add(new Row(prefix + "other (between phases)", 1e3 * Benchmarks.median(other), "ms", ""));
        rows.add(new Row(prefix + "whole step", 1e3 * total, "ms", String.format(Locale.ROOT, "%.0f ex/s", b / total)));
        return rows;
    }

    /**
     * Without the bench command: {@code java -cp minima.jar org.minima.bench.TrainProfile [threads] [repeats]
     * [model:B,...]} (default: 1 thread, 3 steps, the entry's f1:256,f1:6000,c1:256); prints the rows.
     */
    public static void main(String[] args) {
        Threads.configure(args.length > 0 ? Integer.parseInt(args[0]) : 1);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String which = args.length > 2 ? args[2] : "f1:256,f1:6000,c1:256";
        for (String mb : which.split(",")) {
            String[] p = mb.split(":");
            for (Row r : profile(new TrainThroughput(p[0]), Integer.parseInt(p[1]), repeats)) {
                System.out.printf(Locale.ROOT, "%-70s %10.2f %s  %s%n", r.metric(), r.median(), r.unit(), r.extra());
            }
        }
    }
}
