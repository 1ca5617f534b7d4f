package org.minima.plot;

import java.awt.Color;
import java.util.List;

/**
 * Training curves of several runs against epochs, one colour per run: the training loss (inference mode, log
 * scale) in the top panel and the test accuracy in percent in the bottom one, on one epoch axis (two panels, as
 * XChart's log scale would apply to both axes of one chart: {@link Lines#stack}).
 */
public final class TrainingCurvesPlot {
    /** One run's curves against epochs; accuracy as a fraction (NaN where there is no test set). */
    public record Curve(String name, double[] epochs, double[] trainLoss, double[] testAccuracy) {}

    private TrainingCurvesPlot() {}

    public static Figure of(List<Curve> curves, String title) {
        Lines loss = new Lines(title + ": training curves", "epoch", "training loss (log scale)").logY(true);
        Lines acc = new Lines("", "epoch", "test accuracy (%)");
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            Color color = Style.PALETTE[i % Style.PALETTE.length];
            boolean dashed = i >= Style.PALETTE.length; // past the palette: the colours again, dashed
            double[] a = new double[c.testAccuracy().length];
            for (int j = 0; j < a.length; j++) a[j] = 100 * c.testAccuracy()[j];
            loss.line(c.name(), c.epochs(), c.trainLoss(), color, dashed);
            acc.line(c.name(), c.epochs(), a, color, dashed ? Style.DASHED : Style.LINE, false);
        }
        return Lines.stack(List.of(loss, acc), Style.TWO_PANELS);
    }
}
