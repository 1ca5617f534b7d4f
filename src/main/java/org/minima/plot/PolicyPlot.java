package org.minima.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A grid of small line charts, one per learning-rate policy (or batch schedule) over a run, drawn into one
 * PNG for {@code minima policies --plot}. Each panel is an XChart chart painted into its cell.
 */
public final class PolicyPlot {
    /** One panel: a title, the x values (epochs), and one or more named series. */
    public record Panel(String title, String yLabel, double[] x, List<String> names, List<double[]> ys) {}

    private static final int CELL_W = 360, CELL_H = 240, COLUMNS = 4;

    private PolicyPlot() {}

    /** Draws the panels row by row, {@value #COLUMNS} to a row, and writes a PNG to {@code out}. */
    public static void writePng(List<Panel> panels, OutputStream out) throws IOException {
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage img = new BufferedImage(COLUMNS * CELL_W, rows * CELL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            XYChart chart = new XYChartBuilder().width(CELL_W).height(CELL_H).title(p.title()).xAxisTitle("epoch").yAxisTitle(p.yLabel()).build();
            chart.getStyler().setLegendVisible(p.names().size() > 1);
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
            chart.getStyler().setYAxisDecimalPattern("0.0##E0");
            chart.getStyler().setXAxisDecimalPattern("0");
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
            chart.getStyler().setAxisTitleFont(chart.getStyler().getAxisTitleFont().deriveFont(10f));
            chart.getStyler().setAxisTickLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(9f));
            chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(9f));
            double top = 0;
            for (double[] y : p.ys()) for (double v : y) top = Math.max(top, v);
            chart.getStyler().setYAxisMin(0.0); // fixed bounds: XChart's automatic ticks crowd on cyclic data
            chart.getStyler().setYAxisMax(top > 0 ? top * 1.05 : 1.0);
            for (int s = 0; s < p.names().size(); s++) {
                chart.addSeries(p.names().get(s), p.x(), p.ys().get(s)).setMarker(SeriesMarkers.NONE);
            }
            Graphics2D cell = (Graphics2D) g.create((i % COLUMNS) * CELL_W, (i / COLUMNS) * CELL_H, CELL_W, CELL_H);
            chart.paint(cell, CELL_W, CELL_H);
            cell.dispose();
        }
        g.dispose();
        ImageIO.write(img, "png", out);
    }
}
