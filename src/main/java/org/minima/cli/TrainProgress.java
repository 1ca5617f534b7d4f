package org.minima.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.minima.train.History;
import org.minima.train.Trainer;

/** Training progress on stderr, for {@code train} and {@code reproduce}: a bar per epoch on a terminal; a line per epoch otherwise; nothing with --quiet. */
final class TrainProgress implements Trainer.Listener {
    private final boolean quiet;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int epoch, examples, done;
    private long epochStart, lastLine;

    TrainProgress(boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int examples, int batch) {
        this.epoch = epoch;
        this.examples = examples;
        done = 0;
        epochStart = lastLine = System.nanoTime();
        if (quiet || !terminal) return;
        bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(examples)
                .setUnit(" ex", 1).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public void batchDone(int n, double loss) {
        done += n;
        long now = System.nanoTime();
        if (!quiet && !terminal && now - lastLine > 30_000_000_000L) { // not a terminal: a plain line every 30 s
            double rate = done / ((now - epochStart) / 1e9);
            System.err.printf("epoch %d: %d/%d examples, %.0f ex/s, ETA %.0f s, loss %.4f%n", epoch, done, examples, rate,
                    (examples - done) / rate, loss);
            lastLine = now;
        }
        if (bar != null) {
            bar.stepBy(n);
            bar.setExtraMessage(String.format(" loss %.4f", loss));
        }
    }

    @Override
    public void epochDone(History.Row row) {
        close();
        if (quiet) return;
        System.err.printf("epoch %d: lr %.4g, batch %d, noise %.4g; train loss %.5f acc %.4f%s; %.1f s%n", row.epoch(), row.lr(),
                row.batch(), row.noiseScale(), row.trainLoss(), row.trainAccuracy(),
                Double.isNaN(row.testLoss()) ? "" : String.format("; test loss %.5f acc %.4f", row.testLoss(), row.testAccuracy()),
                row.seconds());
    }

    void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
