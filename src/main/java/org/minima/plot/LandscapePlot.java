package org.minima.plot;

import java.util.List;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.minima.analysis.Grid;
import org.minima.analysis.Landscape;
import org.minima.analysis.Score;

/**
 * Li et al. 2018's pictures: for 1-D, the loss (top panel, blue) and the accuracy (bottom panel, red) along the
 * direction, two panels on one x as in {@link InterpolationPlot}, the model marked at 0; for 2-D, filled contours
 * of the loss with labelled levels ({@link ContourChart}: XChart draws no contour lines), the model marked at the
 * origin.
 */
public final class LandscapePlot {
    private LandscapePlot() {}

    public static Figure of(Grid grid, int dims, Score[] table, String title, boolean logLoss) {
        return of(grid, dims, table, title, logLoss, List.of("direction 1", "direction 2"));
    }

    /** As above, the axes named by {@code axes} (e.g. {@code eigenvector 1 (λ = 6.90)}). */
    public static Figure of(Grid grid, int dims, Score[] table, String title, boolean logLoss, List<String> axes) {
        double[] g = grid.values();
        if (dims == 1) {
            double[] loss = new double[g.length];
            double[] acc = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                loss[i] = table[i].loss();
                acc[i] = 100 * table[i].accuracy();
            }
            String x = "step along " + axes.get(0);
            Lines top = new Lines(title, x, logLoss ? "loss (log scale)" : "loss").logY(logLoss).line("loss", g, loss, Style.BLUE, false);
            Lines bottom = new Lines("", x, "accuracy (%)").yRange(-4.0, 104.0).line("accuracy", g, acc, Style.RED, false);
            for (int i = 0; i < g.length; i++) {
                if (g[i] != 0) continue;
                top.points("model", new double[] {0}, new double[] {loss[i]}, java.awt.Color.BLACK, SeriesMarkers.CIRCLE, true);
                bottom.points("model", new double[] {0}, new double[] {acc[i]}, java.awt.Color.BLACK, SeriesMarkers.CIRCLE, true);
            }
            return Lines.stack(List.of(top, bottom), Style.TWO_PANELS);
        }
        ContourChart c = new ContourChart(g, g, Landscape.lossMatrix(grid, table)).title(title)
                .labels(axes.get(0), axes.get(1), "loss");
        if (grid.start() <= 0 && grid.stop() >= 0) c.mark(0, 0, "model");
        return c;
    }
}
