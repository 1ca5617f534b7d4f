package org.minima.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The Hessian's spectral density (stochastic Lanczos quadrature) on a log scale, as Ghorbani, Krishnan &
 * Xiao (2019) draw it, with the top eigenvalues marked on the curve.
 */
public final class DensityPlot {
    /** Values below this fraction of the peak are drawn at it: a log axis cannot show the density's zeros. */
    static final double FLOOR = 1e-12;

    private DensityPlot() {}

    /** The figure: density against eigenvalue, log y, the {@code top} eigenvalues as markers. */
    public static Figure figure(String title, double[] grid, double[] values, double[] top) {
        double peak = 0;
        for (double v : values) peak = Math.max(peak, v);
        double floor = peak > 0 ? peak * FLOOR : FLOOR;
        double[] y = new double[values.length];
        for (int i = 0; i < y.length; i++) y[i] = Math.max(values[i], floor);
        Lines chart = new Lines(title, "eigenvalue λ", "density (log scale)").logY(true)
                .line("spectral density (SLQ)", grid, y, Style.BLUE, false);
        if (top != null && top.length > 0) {
            double[] my = new double[top.length];
            for (int i = 0; i < top.length; i++) my[i] = Math.max(interpolate(grid, y, top[i]), floor);
            chart.points("top eigenvalues (Lanczos)", top, my, Style.RED, SeriesMarkers.DIAMOND, true);
        }
        return chart.figure();
    }

    /** Writes the figure as PNG to {@code file} and as SVG beside it ({@link Figure#write}), each atomically. */
    public static List<Path> write(Path file, String title, double[] grid, double[] values, double[] top) throws IOException {
        return figure(title, grid, values, top).write(file);
    }

    private static double interpolate(double[] x, double[] y, double t) {
        if (t <= x[0]) return y[0];
        for (int i = 1; i < x.length; i++) {
            if (t <= x[i]) return y[i - 1] + (y[i] - y[i - 1]) * (t - x[i - 1]) / (x[i] - x[i - 1]);
        }
        return y[y.length - 1];
    }
}
