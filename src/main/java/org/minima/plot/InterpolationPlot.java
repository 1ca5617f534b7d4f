package org.minima.plot;

import java.util.List;
import org.minima.analysis.Interpolation;

/**
 * The look of Keskar et al. 2017, Figure 3: cross-entropy on the left axis (blue), accuracy in percent on the
 * right axis (red), solid lines for the training data and dashed for the test data, and the two minimizers
 * marked at α = 0 and α = 1.
 */
public final class InterpolationPlot {
    private final LineChart chart;

    /** Log loss axis by default (Keskar's extremes flatten a linear one); {@code LINEAR_LOSS} is the default of --linear-loss. */
    public static final boolean LINEAR_LOSS = false;

    public InterpolationPlot(List<Interpolation.Point> points, Interpolation.Path path, String fromName, String toName, boolean logLoss) {
        this(points, path, fromName, toName, logLoss, "");
    }

    /**
     * {@code about} names the model, data and examples ("f1 on fashion-mnist:train / :test, 10000 examples"); it
     * follows the path formula in the title. The two models are dots on both loss curves.
     */
    public InterpolationPlot(List<Interpolation.Point> points, Interpolation.Path path, String fromName, String toName, boolean logLoss,
            String about) {
        int n = points.size();
        double[] a = new double[n];
        double[] trL = new double[n];
        double[] teL = new double[n];
        double[] trA = new double[n];
        double[] teA = new double[n];
        for (int i = 0; i < n; i++) {
            Interpolation.Point p = points.get(i);
            a[i] = p.alpha();
            trL[i] = p.train().loss();
            teL[i] = p.test().loss();
            trA[i] = 100 * p.train().accuracy();
            teA[i] = 100 * p.test().accuracy();
        }
        String title = path == Interpolation.Path.LINEAR
                ? "(1 − α)·" + fromName + " + α·" + toName
                : "cos(απ/2)·" + fromName + " + sin(απ/2)·" + toName;
        if (!about.isEmpty()) title += "   " + about;
        chart = new LineChart().title(title).xLabel("α")
                .leftAxis("cross-entropy", LineChart.BLUE, logLoss)
                .rightAxis("accuracy (%)", LineChart.RED, 0.0, 100.0)
                .add(new LineChart.Series("train loss", a, trL, LineChart.BLUE, false, false))
                .add(new LineChart.Series("test loss", a, teL, LineChart.BLUE, true, false))
                .add(new LineChart.Series("train accuracy", a, trA, LineChart.RED, false, true))
                .add(new LineChart.Series("test accuracy", a, teA, LineChart.RED, true, true))
                .mark(0, fromName + " (α = 0)")
                .mark(1, toName + " (α = 1)");
        for (int i = 0; i < n; i++) {
            if (a[i] != 0 && a[i] != 1) continue;
            chart.dot(new LineChart.Dot(a[i], trL[i], LineChart.BLUE, false)).dot(new LineChart.Dot(a[i], teL[i], LineChart.BLUE, false));
        }
    }

    public LineChart chart() {
        return chart;
    }
}
