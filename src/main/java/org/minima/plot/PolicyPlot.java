package org.minima.plot;

import java.awt.Graphics2D;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A grid of small line charts, one per learning-rate policy (or batch schedule) over a run, for
 * {@code minima policies --plot}: each panel an XChart chart in the house {@link Style}, painted into its cell of
 * one {@link Figure} (PNG and SVG). A panel whose positive values span more than two decades gets a log y axis
 * (batch sizes growing ×5 per milestone, noise scales falling ×5), else a linear one from 0.
 */
public final class PolicyPlot {
    /** One panel: a title, the x values (epochs), and one or more named series. */
    public record Panel(String title, String yLabel, double[] x, List<String> names, List<double[]> ys) {}

    private static final int CELL_W = Style.WIDTH / 3, CELL_H = 200, COLUMNS = 3;

    private PolicyPlot() {}

    /** The panels row by row, {@value #COLUMNS} to a row (the house width). */
    public static Figure figure(List<Panel> panels) {
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        return new Figure() {
            @Override public int width() { return COLUMNS * CELL_W; }

            @Override public int height() { return rows * CELL_H; }

            @Override
            public void draw(Graphics2D g) {
                for (int i = 0; i < panels.size(); i++) {
                    XYChart chart = chart(panels.get(i));
                    Graphics2D cell = (Graphics2D) g.create((i % COLUMNS) * CELL_W, (i / COLUMNS) * CELL_H, CELL_W, CELL_H);
                    chart.paint(cell, CELL_W, CELL_H);
                    cell.dispose();
                }
            }
        };
    }

    /** Writes {@link #figure} as PNG (at 2×, as {@link Figure#write}) to {@code out}. */
    public static void writePng(List<Panel> panels, OutputStream out) throws IOException {
        out.write(figure(panels).png(2));
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

    /** Whether the series end in the upper half of the panel's range (then the legend goes top left). */
    private static boolean endsHigh(Panel p) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, end = Double.NEGATIVE_INFINITY;
        for (double[] y : p.ys()) {
            for (double v : y) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            end = Math.max(end, y[y.length - 1]);
        }
        return spansDecades(p) ? Math.log(end / min) > 0.5 * Math.log(max / min) : end - min > 0.5 * (max - min);
    }

    private static XYChart chart(Panel p) {
        XYChart chart = Style.chart(p.title(), "epoch", p.yLabel(), CELL_W, CELL_H);
        var s = chart.getStyler();
        s.setChartTitleFont(Style.SMALL.deriveFont(java.awt.Font.BOLD, 11f));
        s.setAxisTitleFont(Style.SMALL.deriveFont(10f));
        s.setAxisTickLabelsFont(Style.SMALL.deriveFont(9f));
        s.setLegendFont(Style.SMALL.deriveFont(9f));
        s.setChartPadding(5);
        s.setLegendVisible(p.names().size() > 1);
        boolean log = spansDecades(p);
        s.setLegendPosition(endsHigh(p) ? Styler.LegendPosition.InsideNW : Styler.LegendPosition.InsideNE); // away from the lines' ends
        if (log) {
            Style.logY(chart);
        } else {
            double top = 0;
            for (double[] y : p.ys()) for (double v : y) top = Math.max(top, v);
            s.setYAxisMin(0.0); // fixed bounds: XChart's automatic ticks crowd on cyclic data
            s.setYAxisMax(top > 0 ? top * 1.05 : 1.0);
        }
        for (int k = 0; k < p.names().size(); k++) {
            XYSeries series = chart.addSeries(p.names().get(k), p.x(), log ? Style.log10(p.ys().get(k)) : p.ys().get(k));
            series.setMarker(SeriesMarkers.NONE);
            series.setLineStyle(k == 0 ? Style.LINE : k == 1 ? Style.DASHED
                    : new java.awt.BasicStroke(2.2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 4f}, 0f));
        }
        return chart;
    }
}
