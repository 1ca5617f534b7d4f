package org.minima.plot;

import java.awt.Color;
import org.minima.train.RangeTest;

/** The range test's loss (raw, light; smoothed, dark) against log10 of the rate, with the suggestions marked. */
public final class RangeTestPlot {
    private RangeTestPlot() {}

    public static LineChart of(RangeTest.Result r, String title) {
        double[] x = new double[r.rates().length];
        for (int i = 0; i < x.length; i++) x[i] = Math.log10(r.rates()[i]);
        LineChart chart = new LineChart().title("LR range test, " + title).xLabel("log10 learning rate")
                .leftAxis("training loss of the batch (log)", Color.BLACK, true)
                .add(new LineChart.Series("loss", x, r.losses(), new Color(0xa0, 0xb8, 0xe0), false, false))
                .add(new LineChart.Series("smoothed", x, r.smoothed(), LineChart.BLUE, false, false));
        if (Double.isFinite(r.suggested())) chart.mark(Math.log10(r.suggested()), "steepest " + String.format(java.util.Locale.ROOT, "%.2g", r.suggested()));
        return chart;
    }
}
