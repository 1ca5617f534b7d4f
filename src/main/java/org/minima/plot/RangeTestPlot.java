package org.minima.plot;

import java.awt.Color;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.minima.train.RangeTest;

/** The range test's loss (raw, light; smoothed, dark) against the rate, both on log axes, the suggestion marked. */
public final class RangeTestPlot {
    private RangeTestPlot() {}

    public static Figure of(RangeTest.Result r, String title) {
        Lines chart = new Lines("LR range test, " + title, "learning rate (log scale)", "training loss of the batch (log scale)")
                .logX(true).logY(true)
                .line("loss", r.rates(), r.losses(), new Color(0xa0, 0xb8, 0xe0), false)
                .line("smoothed", r.rates(), r.smoothed(), Style.BLUE, false);
        if (Double.isFinite(r.suggested())) {
            double y = Double.NaN;
            for (int i = 0; i < r.rates().length; i++) if (r.rates()[i] == r.suggested()) y = r.smoothed()[i];
            if (Double.isNaN(y)) y = nearest(r.rates(), r.smoothed(), r.suggested());
            chart.points("steepest descent: " + Style.number(r.suggested()), new double[] {r.suggested()}, new double[] {y}, Style.RED,
                    SeriesMarkers.DIAMOND, true);
        }
        return chart.figure();
    }

    private static double nearest(double[] x, double[] y, double t) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (Math.abs(Math.log(x[i] / t)) < Math.abs(Math.log(x[best] / t))) best = i;
        return y[best];
    }
}
