package org.minima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.minima.analysis.AnalysisProgress;
import org.minima.experiment.Experiment;
import org.minima.io.AtomicFiles;
import org.minima.experiment.Reproduce;
import org.minima.nn.Threads;
import org.minima.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reproduce}: a whole experiment — trainings, analyses, plots, and a report beside the paper's numbers. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run a whole experiment (experiments/*.yaml): train each run, measure sharpness and the top Hessian",
            "eigenvalue, interpolate between runs, and write DIR/results.json, DIR/report.md (beside the paper's numbers),",
            "DIR/plots/ and one model directory per run. Rerunning with the same --out does not retrain complete runs",
            "(docs/reproduce.md)."})
public final class ReproduceCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "The experiment file.")
    Path file;

    @Option(names = "--quick", description = "A smoke run: the experiment file's 'quick' settings (else at most 2 epochs, 4000 training and 1000 test examples); analyses on at most 1000 examples.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/<experiment file name>, with -quick for --quick).")
    Path out;

    @Override
    public Integer call() {
        Threads.configure(common.threads);
        Experiment e = Experiment.load(file, quick);
        Path dir = out != null ? out : defaultOut(file, quick);
        AtomicFiles.requireWritableFolder(dir, "--out");
        TrainProgress progress = new TrainProgress(common.quiet);
        Reproduce.Outcome o;
        try {
            o = new Reproduce(e, dir, new TrainRun.Info(Version.version(), Version.commit(), Threads.current()), progress,
                    line -> {
                        if (!common.quiet) System.err.println("reproduce: " + line);
                    }, analysisProgress(common.quiet)).run();
        } finally {
            progress.close();
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println(o.report());
        w.println(o.results());
        w.flush();
        return Main.EXIT_OK;
    }

    static Path defaultOut(Path file, boolean quick) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Path.of("runs", (dot > 0 ? name.substring(0, dot) : name) + (quick ? "-quick" : ""));
    }

    /** The analyses show the bars (or plain lines) of the sharpness, hessian and interpolate commands. */
    static AnalysisProgress analysisProgress(boolean quiet) {
        return new AnalysisProgress() {
            @Override
            public SharpnessTask sharpness(String task) {
                return new SharpnessProgress(task, quiet);
            }

            @Override
            public HessianTask hessian(String task, long maxProducts) {
                return CountProgress.hessian(task, maxProducts, quiet);
            }

            @Override
            public PointsTask interpolation(String task, int points) {
                return CountProgress.grid(task, points, quiet);
            }
        };
    }
}
