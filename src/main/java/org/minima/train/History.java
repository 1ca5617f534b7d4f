package org.minima.train;

import java.nio.file.Path;
import java.util.List;
import org.minima.io.AtomicFiles;

/** {@code history.csv}: one row per epoch (docs/training.md explains each column). */
public final class History {
    public static final String HEADER = "epoch,step,lr,batch,noiseScale,trainLoss,trainAccuracy,testLoss,testAccuracy,stopLoss,seconds";

    /**
     * One epoch: its number (from 1), optimizer steps so far, the learning rate at its first step, its
     * batch size, Smith et al.'s noise scale at that rate and batch, inference-mode loss and accuracy on
     * the training and test sets after it (NaN without test data), its wall-clock seconds, and the loss the stopping
     * rule watched (the whole training set in the {@code stop.loss} evaluation; equal to trainLoss for "running").
     */
    public record Row(int epoch, long step, double lr, int batch, double noiseScale, double trainLoss, double trainAccuracy,
                      double testLoss, double testAccuracy, double seconds, double stopLoss) {
        String csv() {
            return epoch + "," + step + "," + lr + "," + batch + "," + noiseScale + "," + trainLoss + "," + trainAccuracy + ","
                    + (Double.isNaN(testLoss) ? "" : testLoss) + "," + (Double.isNaN(testAccuracy) ? "" : testAccuracy) + "," + stopLoss
                    + "," + seconds;
        }
    }

    private History() {}

    /** Writes all rows, atomically (cheap: one line per epoch). Doubles in full precision. */
    public static void write(Path file, List<Row> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) sb.append(r.csv()).append('\n');
        AtomicFiles.writeString(file, sb.toString());
    }
}
