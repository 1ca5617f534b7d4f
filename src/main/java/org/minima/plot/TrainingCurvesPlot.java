package org.minima.plot;

import java.awt.Color;
import java.util.List;

/**
 * Training curves of several runs on one chart: the training loss (inference mode, log scale, solid) on the left
 * axis and the test accuracy in percent (dashed) on the right, one colour per run.
 */
public final class TrainingCurvesPlot {
    /** One run's curves against epochs; accuracy as a fraction (NaN where there is no test set). */
    public record Curve(String name, double[] epochs, double[] trainLoss, double[] testAccuracy) {}

    private static final Color[] PALETTE = {LineChart.BLUE, LineChart.RED, new Color(0x2a, 0x8a, 0x3e), new Color(0x8a, 0x4f, 0xb0),
        new Color(0xd0, 0x7a, 0x10), new Color(0x20, 0x9a, 0xa8), new Color(0x60, 0x60, 0x60), new Color(0xb0, 0x40, 0x80)};

    private TrainingCurvesPlot() {}

    public static LineChart of(List<Curve> curves, String title) {
        LineChart chart = new LineChart().title(title + ": training loss (solid), test accuracy (dashed)").xLabel("epoch")
                .leftAxis("training loss (log)", Color.BLACK, true)
                .rightAxis("test accuracy (%)", Color.BLACK, null, null);
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            Color color = PALETTE[i % PALETTE.length];
            double[] acc = new double[c.testAccuracy().length];
            for (int j = 0; j < acc.length; j++) acc[j] = 100 * c.testAccuracy()[j];
            chart.add(new LineChart.Series(c.name() + " loss", c.epochs(), c.trainLoss(), color, false, false));
            chart.add(new LineChart.Series(c.name() + " test acc.", c.epochs(), acc, color, true, true));
        }
        return chart;
    }
}
