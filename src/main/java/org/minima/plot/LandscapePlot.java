package org.minima.plot;

import java.util.List;
import org.minima.analysis.Grid;
import org.minima.analysis.Landscape;
import org.minima.analysis.Score;

/**
 * Li et al. 2018's pictures: for 1-D, loss (left axis, blue) and accuracy (right axis, red) along the
 * direction; for 2-D, filled contours of the loss with labelled levels, the model marked at the origin.
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
            return new LineChart().title(title).xLabel("step along " + axes.get(0))
                    .leftAxis("loss", LineChart.BLUE, logLoss)
                    .rightAxis("accuracy (%)", LineChart.RED, 0.0, 100.0)
                    .add(new LineChart.Series("loss", g, loss, LineChart.BLUE, false, false))
                    .add(new LineChart.Series("accuracy", g, acc, LineChart.RED, false, true))
                    .mark(0, "model");
        }
        ContourChart c = new ContourChart(g, g, Landscape.lossMatrix(grid, table)).title(title)
                .labels(axes.get(0), axes.get(1), "loss");
        if (grid.start() <= 0 && grid.stop() >= 0) c.mark(0, 0, "model");
        return c;
    }
}
