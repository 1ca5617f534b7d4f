package org.minima.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.minima.io.InputException;
import org.minima.train.History;

/** The columns of a run's {@code history.csv} ({@link History#HEADER}) that the report and the curves use. */
public record HistoryCsv(double[] epochs, int[] batches, long[] steps, double[] trainLoss, double[] testAccuracy, double[] lr,
                         double[] noiseScale, double[] testLoss, double[] seconds) {

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
        // by name, not position: History.HEADER has grown columns (stopLoss before seconds) and may again
        List<String> header = List.of(History.HEADER.split(","));
        int epoch = header.indexOf("epoch"), step = header.indexOf("step"), lr = header.indexOf("lr"), batch = header.indexOf("batch"),
                noise = header.indexOf("noiseScale"), trainLoss = header.indexOf("trainLoss"), testLoss = header.indexOf("testLoss"),
                testAccuracy = header.indexOf("testAccuracy"), seconds = header.indexOf("seconds");
        int n = lines.size() - 1;
        HistoryCsv h = new HistoryCsv(new double[n], new int[n], new long[n], new double[n], new double[n], new double[n], new double[n],
                new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            String[] c = lines.get(i + 1).split(",", -1);
            if (c.length != header.size()) throw new InputException(file + ": line " + (i + 2) + " has " + c.length + " columns, expected " + header.size());
            h.epochs[i] = Double.parseDouble(c[epoch]);
            h.steps[i] = Long.parseLong(c[step]);
            h.batches[i] = Integer.parseInt(c[batch]);
            h.trainLoss[i] = Double.parseDouble(c[trainLoss]);
            h.testAccuracy[i] = c[testAccuracy].isEmpty() ? Double.NaN : Double.parseDouble(c[testAccuracy]);
            h.lr[i] = Double.parseDouble(c[lr]);
            h.noiseScale[i] = Double.parseDouble(c[noise]);
            h.testLoss[i] = c[testLoss].isEmpty() ? Double.NaN : Double.parseDouble(c[testLoss]);
            h.seconds[i] = Double.parseDouble(c[seconds]);
        }
        return h;
    }

    /** No epochs (a run that diverged in its first epoch). */
    public static HistoryCsv empty() {
        return new HistoryCsv(new double[0], new int[0], new long[0], new double[0], new double[0], new double[0], new double[0],
                new double[0], new double[0]);
    }

    /** The batch size of the first epoch (a schedule may grow it later). */
    public int firstBatch() {
        return batches.length == 0 ? 0 : batches[0];
    }
}
