package org.minima.plot;

import java.awt.Color;
import java.util.List;

/**
 * Keskar et al.'s Figures 4 and 5: sharpness (left axis, log) and test accuracy (right axis, percent) against one
 * x (the batch size, or the number of small-batch warm-start epochs), each as its mean over seeds (solid) and a
 * band of mean ± one standard deviation (dashed lines of the same colour).
 */
public final class MeanStdPlot {
    /** One x: the mean and standard deviation of the sharpness and of the test accuracy (a fraction) over n runs. */
    public record Point(double x, int n, double sharpnessMean, double sharpnessStd, double accuracyMean, double accuracyStd) {}

    private MeanStdPlot() {}

    public static LineChart of(List<Point> points, String title, String xLabel, String sharpnessLabel) {
        int n = points.size();
        double[] x = new double[n], s = new double[n], sLo = new double[n], sHi = new double[n], a = new double[n], aLo = new double[n],
                aHi = new double[n];
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            x[i] = p.x();
            s[i] = p.sharpnessMean();
            // the log axis cannot show values <= 0: a band reaching below zero is cut at a tenth of the mean
            sLo[i] = p.sharpnessMean() - p.sharpnessStd() > 0 ? p.sharpnessMean() - p.sharpnessStd() : p.sharpnessMean() / 10;
            sHi[i] = p.sharpnessMean() + p.sharpnessStd();
            a[i] = 100 * p.accuracyMean();
            aLo[i] = 100 * (p.accuracyMean() - p.accuracyStd());
            aHi[i] = 100 * (p.accuracyMean() + p.accuracyStd());
        }
        Color green = new Color(0x2a, 0x8a, 0x3e);
        return new LineChart().title(title).xLabel(xLabel)
                .leftAxis(sharpnessLabel + " (log)", LineChart.BLUE, true)
                .rightAxis("test accuracy (%)", green, null, null)
                .add(new LineChart.Series(sharpnessLabel + ", mean", x, s, LineChart.BLUE, false, false))
                .add(new LineChart.Series("− std", x, sLo, LineChart.BLUE, true, false))
                .add(new LineChart.Series("+ std", x, sHi, LineChart.BLUE, true, false))
                .add(new LineChart.Series("test accuracy, mean", x, a, green, false, true))
                .add(new LineChart.Series("− std", x, aLo, green, true, true))
                .add(new LineChart.Series("+ std", x, aHi, green, true, true));
    }
}
