package org.minima.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.minima.analysis.AnalysisProgress;

/**
 * Progress as a count on stderr (COMMON.md): evaluations of a grid ({@code interpolate}, {@code landscape},
 * the interpolations of {@code reproduce}) or Hessian-vector products out of the most an analysis may take
 * ({@code hessian}, {@code reproduce}), with what the running analyzer knows. A bar with rate and ETA on a
 * terminal, a plain line beginning with {@code task} about every 10 s otherwise, nothing with {@code --quiet}.
 */
final class CountProgress implements AnalysisProgress.PointsTask, AnalysisProgress.HessianTask {
    private final String task;
    /** null for grid cells ("done/total", the last one always reported); else e.g. "HVPs" of at most total. */
    private final String unit;
    private final long total;
    private final ProgressBar bar;
    private final PrintStream plain;
    private final long started = System.nanoTime();
    private long lastLine;

    private CountProgress(String task, String unit, long total, boolean quiet) {
        this.task = task;
        this.unit = unit;
        this.total = total;
        if (quiet) {
            bar = null;
            plain = null;
        } else if (System.console() != null) {
            // a bar's maximum is the real amount of work: the grid's cells; the Hessian's product count is only an upper
            // bound (Lanczos stops when it converges, at 15 of 102), so its bar is indeterminate: count and rate, no ETA
            bar = new ProgressBarBuilder().setTaskName(unit == null ? task : task + " " + unit).setInitialMax(unit == null ? total : -1)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(500).showSpeed().build();
            plain = null;
        } else {
            bar = null;
            plain = System.err;
        }
    }

    /** {@code total} evaluations over a grid. */
    static CountProgress grid(String task, int total, boolean quiet) {
        return new CountProgress(task, null, total, quiet);
    }

    /** At most {@code maxProducts} Hessian-vector products. */
    static CountProgress hessian(String task, long maxProducts, boolean quiet) {
        return new CountProgress(task, "HVPs", maxProducts, quiet);
    }

    /** {@code done} evaluations finished so far (resumed ones included). */
    @Override
    public void accept(int done) {
        update(done, null);
    }

    @Override
    public void update(long done, String status) {
        if (bar != null) {
            if (unit == null && done > bar.getMax()) bar.maxHint(done);
            bar.stepTo(done);
            if (status != null) bar.setExtraMessage(" " + status);
        } else if (plain != null) {
            long now = System.nanoTime();
            boolean last = unit == null && done == total;
            if (last || lastLine == 0 || now - lastLine > 10_000_000_000L) {
                lastLine = now;
                String detail = status == null || status.isBlank() ? "" : ", " + status;
                String count = unit == null ? done + "/" + total : done + " " + unit + " (at most " + total + ")";
                plain.printf("%s: %s%s (%.0f s)%n", task, count, detail, (now - started) / 1e9);
                plain.flush();
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
