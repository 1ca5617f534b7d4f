package org.minima.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.minima.io.InputException;
import org.minima.train.History;

/** The columns of a run's {@code history.csv} ({@link History#HEADER}) that the report and the curves use. */
public record HistoryCsv(double[] epochs, int[] batches, long[] steps, double[] trainLoss, double[] testAccuracy) {

    public static HistoryCsv read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).equals(History.HEADER)) {
            throw new InputException(file + ": expected the header " + History.HEADER);
        }
        int n = lines.size() - 1;
        HistoryCsv h = new HistoryCsv(new double[n], new int[n], new long[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            String[] c = lines.get(i + 1).split(",", -1); // History.HEADER
            if (c.length != 11) throw new InputException(file + ": line " + (i + 2) + " has " + c.length + " columns, expected 11");
            h.epochs[i] = Double.parseDouble(c[0]);
            h.steps[i] = Long.parseLong(c[1]);
            h.batches[i] = Integer.parseInt(c[3]);
            h.trainLoss[i] = Double.parseDouble(c[5]);
            h.testAccuracy[i] = c[8].isEmpty() ? Double.NaN : Double.parseDouble(c[8]);
        }
        return h;
    }

    /** The batch size of the first epoch (a schedule may grow it later). */
    public int firstBatch() {
        return batches.length == 0 ? 0 : batches[0];
    }
}
