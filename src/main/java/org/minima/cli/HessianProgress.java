package org.minima.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.minima.experiment.Reproduce;

/**
 * Progress of a Hessian analysis on stderr (COMMON.md), for {@code hessian} and {@code reproduce}:
 * Hessian-vector products done out of the most the requested analyses may take, with what the running
 * analyzer knows (the top Ritz value and its residual); a bar on a terminal, a plain line beginning with
 * {@code task} about every 10 s otherwise, nothing with {@code --quiet}.
 */
final class HessianProgress implements Reproduce.AnalysisProgress.HessianTask {
    private final String task;
    private final ProgressBar bar;
    private final PrintStream plain;
    private final long max;
    private final long started = System.nanoTime();
    private long lastLine;

    HessianProgress(String task, long maxProducts, boolean quiet) {
        this.task = task;
        this.max = maxProducts;
        if (quiet) {
            bar = null;
            plain = null;
        } else if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName(task + " HVPs").setInitialMax(maxProducts).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).showSpeed().build();
            plain = null;
        } else {
            bar = null;
            plain = System.err;
        }
    }

    @Override
    public void update(long products, String status) {
        if (bar != null) {
            if (products > bar.getMax()) bar.maxHint(products);
            bar.stepTo(products);
            bar.setExtraMessage(" " + status);
        } else if (plain != null) {
            long now = System.nanoTime();
            if (lastLine == 0 || now - lastLine > 10_000_000_000L) {
                lastLine = now;
                String detail = status == null || status.isBlank() ? "" : ", " + status;
                plain.printf("%s: %d HVPs (at most %d)%s (%.0f s)%n", task, products, max, detail, (now - started) / 1e9);
                plain.flush();
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
