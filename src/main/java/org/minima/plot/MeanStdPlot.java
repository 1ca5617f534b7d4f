package org.minima.plot;

import java.awt.Color;
import java.util.List;

/**
 * Keskar et al.'s Figures 4 and 5: the sharpness (top panel, log scale) and the test accuracy in percent (bottom
 * panel) against one x (the batch size on a log axis, or the number of small-batch warm-start epochs), each as
 * its mean over seeds (solid) between mean − std and mean + std (dashed, the same colour). Keskar draws both on
 * one chart with twin axes; here they are two panels on one x, as XChart's log scale would apply to both axes of
 * one chart ({@link Lines#stack}).
 */
public final class MeanStdPlot {
    /** One x: the mean and standard deviation of the sharpness and of the test accuracy (a fraction) over n runs. */
    public record Point(double x, int n, double sharpnessMean, double sharpnessStd, double accuracyMean, double accuracyStd) {}

    private MeanStdPlot() {}

    /** {@code logX}: a log x axis (the batch sizes of Figure 4). */
    public static Figure of(List<Point> points, String title, String xLabel, String sharpnessLabel, boolean logX) {
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
        Color green = Style.PALETTE[2];
        Lines top = new Lines(title, xLabel, sharpnessLabel + " (log scale)").logY(true).logX(logX)
                .line(sharpnessLabel + ", mean over seeds", x, s, Style.BLUE, false)
                .line("mean ± std", x, sHi, Style.BLUE, true)
                .line("mean − std", x, sLo, Style.BLUE, Style.DASHED, false);
        Lines bottom = new Lines("", xLabel, "test accuracy (%)").logX(logX)
                .line("test accuracy, mean over seeds", x, a, green, false)
                .line("mean ± std", x, aHi, green, true)
                .line("mean − std", x, aLo, green, Style.DASHED, false);
        return Lines.stack(List.of(top, bottom), Style.TWO_PANELS);
    }
}
