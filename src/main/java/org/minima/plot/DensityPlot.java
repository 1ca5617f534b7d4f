package org.minima.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The Hessian's spectral density (stochastic Lanczos quadrature) on a log scale, as Ghorbani, Krishnan &
 * Xiao (2019) draw it, with the top eigenvalues marked on the curve.
 */
public final class DensityPlot {
    /** Values below this fraction of the peak are drawn at it: a log axis cannot show the density's zeros. */
    static final double FLOOR = 1e-12;

    private DensityPlot() {}

    /** The chart: density against eigenvalue, log y, the {@code top} eigenvalues as markers. */
    public static XYChart chart(String title, double[] grid, double[] values, double[] top) {
        double peak = 0;
        for (double v : values) peak = Math.max(peak, v);
        double floor = peak > 0 ? peak * FLOOR : FLOOR;
        double[] y = new double[values.length];
        for (int i = 0; i < y.length; i++) y[i] = Math.max(values[i], floor);
        XYChart chart = Style.chart(title, "eigenvalue λ", "density (log scale)");
        Style.logY(chart);
        XYSeries s = chart.addSeries("spectral density (SLQ)", grid, Style.log10(y));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Style.BLUE);
        s.setLineStyle(Style.LINE);
        if (top != null && top.length > 0) {
            double[] my = new double[top.length];
            for (int i = 0; i < top.length; i++) my[i] = Math.max(interpolate(grid, y, top[i]), floor);
            XYSeries m = chart.addSeries("top eigenvalues (Lanczos)", top, Style.log10(my));
            m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            m.setMarker(SeriesMarkers.DIAMOND);
            m.setMarkerColor(Style.RED);
        }
        return chart;
    }

    /** Writes the chart as PNG to {@code file} and as SVG beside it ({@link Figure#write}), each atomically. */
    public static List<Path> write(Path file, String title, double[] grid, double[] values, double[] top) throws IOException {
        return Style.figure(chart(title, grid, values, top)).write(file);
    }

    private static double interpolate(double[] x, double[] y, double t) {
        if (t <= x[0]) return y[0];
        for (int i = 1; i < x.length; i++) {
            if (t <= x[i]) return y[i - 1] + (y[i] - y[i - 1]) * (t - x[i - 1]) / (x[i] - x[i - 1]);
        }
        return y[y.length - 1];
    }
}
