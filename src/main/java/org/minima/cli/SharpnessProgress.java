package org.minima.cli;

import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.minima.analysis.Sharpness;
import org.minima.analysis.AnalysisProgress;

/**
 * Progress of a sharpness measurement on stderr (COMMON.md), for {@code sharpness} and {@code reproduce}: one
 * bar per start (iterations of max, with evaluations and φ so far, and ETA); on a non-terminal stderr, a plain
 * line per iteration, each beginning with {@code task}; nothing when quiet.
 */
final class SharpnessProgress implements AnalysisProgress.SharpnessTask {
    private final String task;
    private final boolean quiet;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int index;
    private int count;
    private int lastIteration = -1;

    SharpnessProgress(String task, boolean quiet) {
        this.task = task;
        this.quiet = quiet;
    }

    @Override
    public void startBegins(int index, int count, int maxIter) {
        if (quiet) return;
        this.index = index;
        this.count = count;
        lastIteration = -1;
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task + " start " + (index + 1) + "/" + count)
                    .setInitialMax(maxIter)
                    .setUnit(" it", 1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(500)
                    .build();
        }
    }

    @Override
    public void evaluated(int iterations, int evaluations, double sharpness) {
        if (quiet) return;
        String msg = String.format(Locale.ROOT, "evals %d, phi %.6g", evaluations, sharpness);
        if (bar != null) {
            bar.stepTo(iterations);
            bar.setExtraMessage(msg);
        } else if (iterations != lastIteration) {
            System.err.printf(Locale.ROOT, "%s: start %d/%d, iteration %d, %s%n", task, index + 1, count, iterations, msg);
        }
        lastIteration = iterations;
    }

    @Override
    public void startEnds(int index, Sharpness.Start start) {
        if (quiet) return;
        if (bar != null) {
            // --max-iter is an upper bound: L-BFGS-B may converge sooner, and then the bar ends full at what it took
            bar.maxHint(start.iterations());
            bar.stepTo(start.iterations());
            bar.close();
            bar = null;
        } else {
            System.err.printf(Locale.ROOT, "%s: start %d/%d done: %d iterations, %d evaluations, %s%n", task,
                    index + 1, count, start.iterations(), start.evaluations(), start.stop().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
