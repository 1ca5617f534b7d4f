package org.minima.plot;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * A grid of small line charts, one per learning-rate policy (or batch schedule) over a run, for
 * {@code minima policies --plot}: each panel a {@link Lines} chart in the house {@link Style} (compact), painted
 * into its cell of one {@link Figure} (PNG and SVG). A panel whose positive values span more than two decades
 * gets a log y axis (batch sizes growing ×5 per milestone, noise scales falling ×5), else a linear one from 0.
 */
public final class PolicyPlot {
    /** One panel: a title, the x values (epochs), and one or more named series. */
    public record Panel(String title, String yLabel, double[] x, List<String> names, List<double[]> ys) {}

    private static final int CELL_W = Style.WIDTH / 3, CELL_H = 240, COLUMNS = 3; // a plot of 160 pixels or more: XChart honours the tick spacing Lines sets for log axes
    private static final BasicStroke DOTTED = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 4f}, 0f);

    private PolicyPlot() {}

    /** The panels row by row, {@value #COLUMNS} to a row (the house width). */
    public static Figure figure(List<Panel> panels) {
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        List<XYChart> charts = panels.stream().map(p -> chart(p).chart(CELL_W, CELL_H)).toList();
        return new Figure() {
            @Override public int width() { return COLUMNS * CELL_W; }

            @Override public int height() { return rows * CELL_H; }

            @Override
            public void draw(Graphics2D g) {
                for (int i = 0; i < charts.size(); i++) {
                    Graphics2D cell = (Graphics2D) g.create((i % COLUMNS) * CELL_W, (i / COLUMNS) * CELL_H, CELL_W, CELL_H);
                    charts.get(i).paint(cell, CELL_W, CELL_H);
                    cell.dispose();
                }
            }
        };
    }

    static boolean spansDecades(Panel p) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (double[] y : p.ys()) {
            for (double v : y) {
                if (!(v > 0)) return false;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return max / min > 100;
    }

    private static Lines chart(Panel p) {
        boolean log = spansDecades(p);
        Lines chart = new Lines(p.title(), "epoch", p.yLabel() + (log ? " (log)" : "")).compact().logY(log);
        if (!log) {
            double top = 0;
            for (double[] y : p.ys()) for (double v : y) top = Math.max(top, v);
            chart.yRange(top > 0 ? -0.03 * top : 0.0, top > 0 ? top * 1.05 : 1.0); // from 0 (labelled: XChart leaves an edge tick bare)
        }
        for (int k = 0; k < p.names().size(); k++) {
            chart.line(p.names().get(k), p.x(), p.ys().get(k), Style.PALETTE[k % Style.PALETTE.length],
                    k == 0 ? Style.LINE : k == 1 ? Style.DASHED : DOTTED, p.names().size() > 1);
        }
        return chart;
    }
}
