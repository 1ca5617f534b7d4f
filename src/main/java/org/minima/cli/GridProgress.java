package org.minima.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.minima.experiment.Reproduce;

/**
 * Progress over a known number of evaluations on stderr (COMMON.md), for {@code interpolate}, {@code landscape}
 * and the interpolations of {@code reproduce}: a bar with rate and ETA on a terminal, a plain line about every
 * 10 s otherwise, nothing with {@code --quiet}.
 */
final class GridProgress implements Reproduce.AnalysisProgress.PointsTask {
    private final ProgressBar bar;
    private final PrintStream plain;
    private final String task;
    private final int total;
    private final long started = System.nanoTime();
    private long lastLine;

    GridProgress(String task, int total, boolean quiet) {
        this.task = task;
        this.total = total;
        if (quiet) {
            bar = null;
            plain = null;
        } else if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).showSpeed().build();
            plain = null;
        } else {
            bar = null;
            plain = System.err;
        }
    }

    /** {@code done} evaluations finished so far (resumed ones included). */
    @Override
    public void accept(int done) {
        if (bar != null) {
            bar.stepTo(done);
        } else if (plain != null) {
            long now = System.nanoTime();
            if (done == total || now - lastLine > 10_000_000_000L || lastLine == 0) {
                lastLine = now;
                plain.printf("%s: %d/%d (%.0f s)%n", task, done, total, (now - started) / 1e9);
                plain.flush();
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
