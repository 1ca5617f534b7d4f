package org.minima.plot;

import java.util.List;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.minima.analysis.Interpolation;

/**
 * Keskar et al. 2017, Figure 3: the cross-entropy (top panel, blue, log scale by default) and the accuracy in
 * percent (bottom panel, red) along the path between two models, solid for the training data and dashed for the
 * test data, the two models marked on every curve (a circle at α = 0, a square at α = 1). Keskar draws both on one
 * chart with twin axes; here they are two panels on one α axis, as XChart's log scale would apply to both axes of
 * one chart ({@link Lines#stack}).
 */
public final class InterpolationPlot {
    /** Log loss axis by default (Keskar's extremes flatten a linear one); {@code LINEAR_LOSS} is the default of --linear-loss. */
    public static final boolean LINEAR_LOSS = false;

    private final Figure figure;

    public InterpolationPlot(List<Interpolation.Point> points, Interpolation.Path path, String fromName, String toName, boolean logLoss) {
        this(points, path, fromName, toName, logLoss, "");
    }

    /**
     * {@code about} names the model, data and examples ("f1 on fashion-mnist:train / :test, 10000 examples"); it
     * follows the path formula in the title.
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
        Lines loss = new Lines(title, "α", logLoss ? "cross-entropy (log scale)" : "cross-entropy").logY(logLoss)
                .line("train loss", a, trL, Style.BLUE, false)
                .line("test loss", a, teL, Style.BLUE, true);
        Lines acc = new Lines("", "α", "accuracy (%)").yRange(-4.0, 104.0)
                .line("train accuracy", a, trA, Style.RED, false)
                .line("test accuracy", a, teA, Style.RED, true);
        mark(loss, acc, a, 0, fromName + " (α = 0)", SeriesMarkers.CIRCLE, trL, teL, trA, teA);
        mark(loss, acc, a, 1, toName + " (α = 1)", SeriesMarkers.SQUARE, trL, teL, trA, teA);
        figure = Lines.stack(List.of(loss, acc), Style.TWO_PANELS);
    }

    /** The model at {@code alpha} (when on the grid) as a point on each of the four curves, named once. */
    private static void mark(Lines loss, Lines acc, double[] a, double alpha, String name, Marker marker, double[] trL, double[] teL,
            double[] trA, double[] teA) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != alpha) continue;
            loss.points(name, new double[] {alpha, alpha}, new double[] {trL[i], teL[i]}, java.awt.Color.BLACK, marker, true);
            acc.points(name, new double[] {alpha, alpha}, new double[] {trA[i], teA[i]}, java.awt.Color.BLACK, marker, false);
            return;
        }
    }

    /** The figure: PNG and SVG through {@link Figure#write}. */
    public Figure chart() {
        return figure;
    }
}
