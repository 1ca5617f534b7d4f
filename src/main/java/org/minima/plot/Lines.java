package org.minima.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One panel of lines and marked points against a numeric x, drawn by XChart in the house {@link Style}: the
 * builder every line figure of the tool goes through (Figure 3, landscapes, training curves, Figures 4 and 5, the
 * range test, the policies, the study reports, the Hessian density). It adds to XChart what the figures need:
 * <ul>
 * <li>log axes in the house tick format ({@link Style#logTicks}): the values are plotted as log₁₀ on a linear
 * axis and the ticks labelled 10ⁿ, because XChart's own log axis labels its ticks {@code 1E-4};</li>
 * <li>a legend inside the plot that covers no line: the first free corner (top right, top left, bottom right,
 * bottom left), else headroom added above the data for it (the y range grows), else, for a legend taller than
 * three quarters of the plot, beside the plot;</li>
 * <li>panels stacked on one x ({@link #stack}).</li>
 * </ul>
 * A y value that is NaN, infinite or (on a log axis) not positive breaks its line.
 */
public final class Lines {
    private record Series(String name, double[] x, double[] y, Color color, BasicStroke stroke, Marker marker, boolean legend) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean logY;
    private Double yMin;
    private Double yMax;
    private Double xMin;
    private Double xMax;
    private boolean xAxisShown = true;
    private boolean compact;
    private final List<Series> series = new ArrayList<>();

    public Lines(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Log₁₀ y axis (10ⁿ ticks). */
    public Lines logY(boolean log) { logY = log; return this; }

    /** Log₁₀ x axis (10ⁿ ticks). */
    public Lines logX(boolean log) { logX = log; return this; }

    /** Smaller fonts and padding, for a panel in a grid of small charts ({@link PolicyPlot}). */
    public Lines compact() { compact = true; return this; }

    /** A fixed y range (null for the data's); in the values' own units, also on a log axis. */
    public Lines yRange(Double min, Double max) { yMin = min; yMax = max; return this; }

    /** A fixed x range (null for the data's). */
    public Lines xRange(Double min, Double max) { xMin = min; xMax = max; return this; }

    /** A solid or dashed line, named in the legend. */
    public Lines line(String name, double[] x, double[] y, Color color, boolean dashed) {
        return line(name, x, y, color, dashed ? Style.DASHED : Style.LINE, true);
    }

    /** A line with its own stroke; {@code legend} false leaves it out of the legend. */
    public Lines line(String name, double[] x, double[] y, Color color, BasicStroke stroke, boolean legend) {
        check(name, x, y);
        series.add(new Series(name, x.clone(), y.clone(), color, stroke, SeriesMarkers.NONE, legend));
        return this;
    }

    /** Points without a line (a model on its curve, the eigenvalues Lanczos found), with {@code marker}. */
    public Lines points(String name, double[] x, double[] y, Color color, Marker marker, boolean legend) {
        check(name, x, y);
        series.add(new Series(name, x.clone(), y.clone(), color, null, marker, legend));
        return this;
    }

    private void check(String name, double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
        for (Series s : series) if (s.name().equals(name)) throw new IllegalArgumentException("two series named " + name);
    }

    /** A figure of this one panel at the house size. */
    public Figure figure() {
        return stack(List.of(this), new int[] {Style.HEIGHT});
    }

    /**
     * Panels one above the other at the house width, sharing the x axis: the x range of all of them, x labels
     * only under the last, and their plot areas aligned (each panel is drawn as wide as the widest y-axis
     * labelling allows). For two quantities with different axes against one x (a log loss and a linear
     * accuracy): XChart can give a chart a second y axis, but its log scale, and the one tick-label function,
     * apply to all y axes of a chart, so a log axis and a linear one cannot share a panel; two panels on one x show
     * both honestly. {@code heights[i]} is panel i's height in pixels; the figure is their sum.
     */
    public static Figure stack(List<Lines> panels, int[] heights) {
        if (panels.size() != heights.length || panels.isEmpty()) throw new IllegalArgumentException("one height per panel");
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Lines p : panels) {
            double[] r = p.xData();
            lo = Math.min(lo, r[0]);
            hi = Math.max(hi, r[1]);
        }
        double pad = 0.02 * (hi - lo); // XChart leaves a tick at the very edge unlabelled: a little room each side
        lo -= pad;
        hi += pad;
        for (int i = 0; i < panels.size(); i++) {
            Lines p = panels.get(i);
            if (p.xMin == null) p.xMin = p.logX ? Math.pow(10, lo) : lo;
            if (p.xMax == null) p.xMax = p.logX ? Math.pow(10, hi) : hi;
            p.xAxisShown = i == panels.size() - 1;
        }
        int width = Style.WIDTH;
        int total = 0;
        for (int h : heights) total += h;
        // where each panel's plot area starts at full width: the widest y labelling sets the common left edge
        int[] shift = new int[panels.size()];
        int left = 0;
        for (int i = 0; i < panels.size(); i++) {
            shift[i] = plotArea(panels.get(i).chart(width, heights[i]), width, heights[i]).x;
            left = Math.max(left, shift[i]);
        }
        List<XYChart> charts = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            shift[i] = left - shift[i];
            charts.add(panels.get(i).chart(width - shift[i], heights[i]));
        }
        int height = total;
        return new Figure() {
            @Override public int width() { return width; }

            @Override public int height() { return height; }

            @Override
            public void draw(Graphics2D g) {
                int y = 0;
                for (int i = 0; i < charts.size(); i++) {
                    Graphics2D cell = (Graphics2D) g.create(shift[i], y, width - shift[i], heights[i]);
                    charts.get(i).paint(cell, width - shift[i], heights[i]);
                    cell.dispose();
                    y += heights[i];
                }
            }
        };
    }

    /** The XChart chart of this panel at {@code width × height}, the legend placed. */
    public XYChart chart(int width, int height) {
        XYChart c = build(width, height, null);
        Styler.LegendPosition where = legendPosition(c, width, height);
        if (where == null) return c;
        if (where == Styler.LegendPosition.InsideN) { // no free corner: headroom above the data, the legend in it
            double[] y = yRangeShown();
            java.awt.Rectangle plot = plotArea(c, width, height);
            int[] box = legendSize(c);
            double free = (box[1] + 3.0 * c.getStyler().getLegendPadding()) / plot.height;
            // headroom up to three quarters of the plot: a legend beside the plot would narrow this panel's plot area
            // and misalign it with the other panels of a stack (Figure 3's loss panel has four legend entries)
            if (free < 0.75) {
                double top = y[0] + (y[1] - y[0]) / (1 - free);
                c = build(width, height, top);
                c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            } else {
                c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            }
            return c;
        }
        c.getStyler().setLegendPosition(where);
        return c;
    }

    private XYChart build(int width, int height, Double top) {
        XYChart c = Style.chart(title, scaled(xLabel, logX), scaled(yLabel, logY), width, height);
        var s = c.getStyler();
        if (compact) {
            s.setChartTitleFont(Style.SMALL.deriveFont(java.awt.Font.BOLD, 11f));
            s.setAxisTitleFont(Style.SMALL.deriveFont(10f));
            s.setAxisTickLabelsFont(Style.SMALL.deriveFont(9f));
            s.setLegendFont(Style.SMALL.deriveFont(9f));
            s.setLegendPadding(4);
            s.setLegendSeriesLineLength(18);
            s.setChartPadding(5);
        }
        s.setChartTitleFont(fitted(s.getChartTitleFont(), title, width - 2 * s.getChartPadding()));
        double[] xr = xRangeShown();
        s.setXAxisMin(xr[0]);
        s.setXAxisMax(xr[1]);
        double[] yr = yRangeShown();
        s.setYAxisMin(yr[0]);
        s.setYAxisMax(top != null ? top : yr[1]);
        if (logX) s.setxAxisTickLabelsFormattingFunction(Style.logTicks(xr[1] - xr[0]));
        if (logY) {
            s.setyAxisTickLabelsFormattingFunction(Style.logTicks(yr[1] - yr[0]));
            // XChart steps its ticks by 1, 2 or 5 × 10^k of span × hint / plot height: a hint of about the
            // plot's height per decade (its height overestimated by the title and x labels) gives whole decades;
            // under 1.5 decades that leaves one or no tick, so then ticks every 50 px (0.1-0.2 of a decade, 3 digits)
            double span = yr[1] - yr[0];
            s.setYAxisTickMarkSpacingHint(span < 1.5 ? 50 : Math.max(20, (int) ((height - 60) / span)));
        }
        if (!xAxisShown) {
            s.setXAxisTitleVisible(false);
            s.setXAxisTicksVisible(false);
        }
        boolean legend = false;
        for (Series d : series) {
            XYSeries x = c.addSeries(d.name(), shownX(d.x()), shownY(d.y()));
            x.setShowInLegend(d.legend());
            legend |= d.legend();
            if (d.stroke() == null) {
                x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                x.setMarker(d.marker());
                x.setMarkerColor(d.color());
            } else {
                x.setMarker(SeriesMarkers.NONE);
                x.setLineColor(d.color());
                x.setLineStyle(d.stroke());
            }
        }
        s.setLegendVisible(legend);
        return c;
    }

    /** {@code font}, or a smaller size of it down to 10 pt, so that {@code text} fits {@code width} pixels. */
    private static java.awt.Font fitted(java.awt.Font font, String text, int width) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        java.awt.Font f = font;
        while (f.getSize2D() > 10 && g.getFontMetrics(f).stringWidth(text) > width) f = f.deriveFont(f.getSize2D() - 1);
        g.dispose();
        return f;
    }

    /** An axis title says when its scale is logarithmic. */
    private static String scaled(String label, boolean log) {
        return log && !label.contains("log") ? label + " (log scale)" : label;
    }

    private double[] shownX(double[] x) {
        return logX ? logs(x) : x;
    }

    private double[] shownY(double[] y) {
        if (logY) return logs(y);
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) if (!Double.isFinite(out[i])) out[i] = Double.NaN;
        return out;
    }

    private static double[] logs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] > 0 && Double.isFinite(v[i]) ? Math.log10(v[i]) : Double.NaN;
        return out;
    }

    /** The x range of the data, as plotted (log₁₀ on a log axis). */
    private double[] xData() {
        return dataRange(true);
    }

    /** The range of the series' x ({@code x} true) or y values as plotted, NaN left out; a point widened to ±0.5. */
    private double[] dataRange(boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : x ? shownX(s.x()) : shownY(s.y())) {
                if (Double.isNaN(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi >= lo)) return new double[] {0, 1};
        if (hi == lo) return new double[] {lo - 0.5, hi + 0.5};
        return new double[] {lo, hi};
    }

    private double[] xRangeShown() {
        double[] r = xData();
        if (xMin != null) r[0] = logX ? Math.log10(xMin) : xMin;
        if (xMax != null) r[1] = logX ? Math.log10(xMax) : xMax;
        return r;
    }

    /** The y range as plotted: the data's with 4 % room each side, or the fixed bounds. */
    private double[] yRangeShown() {
        double[] d = dataRange(false);
        double pad = 0.04 * (d[1] - d[0]);
        double[] r = {d[0] - pad, d[1] + pad};
        if (yMin != null) r[0] = logY ? Math.log10(yMin) : yMin;
        if (yMax != null) r[1] = logY ? Math.log10(yMax) : yMax;
        return r;
    }

    /** The plot area of {@code c} in pixels (XChart lays it out while painting: painted once off screen). */
    static java.awt.Rectangle plotArea(XYChart c, int width, int height) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        c.paint(g, width, height);
        g.dispose();
        var s = c.getStyler();
        int x0 = (int) Math.round(c.getScreenXFromChart(s.getXAxisMin()));
        int x1 = (int) Math.round(c.getScreenXFromChart(s.getXAxisMax()));
        int y0 = (int) Math.round(c.getScreenYFromChart(s.getYAxisMax()));
        int y1 = (int) Math.round(c.getScreenYFromChart(s.getYAxisMin()));
        return new java.awt.Rectangle(x0, y0, x1 - x0, y1 - y0);
    }

    /** The legend box's width and height in pixels, as XChart draws it: a row per entry, sample line and text. */
    private static int[] legendSize(XYChart c) {
        var s = c.getStyler();
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        FontMetrics fm = g.getFontMetrics(s.getLegendFont());
        int text = 0;
        int rows = 0;
        for (XYSeries x : c.getSeriesMap().values()) {
            if (!x.isShowInLegend()) continue;
            text = Math.max(text, fm.stringWidth(x.getName()));
            rows++;
        }
        g.dispose();
        int pad = s.getLegendPadding();
        int row = Math.max(fm.getHeight(), s.getMarkerSize());
        return new int[] {pad + s.getLegendSeriesLineLength() + pad + text + pad, rows * row + (rows + 1) * pad};
    }

    /**
     * The first inside corner whose legend box no line or point crosses; {@code InsideN} when none is free (the
     * caller makes room); null when there is no legend.
     */
    private Styler.LegendPosition legendPosition(XYChart c, int width, int height) {
        if (!c.getStyler().isLegendVisible()) return null;
        java.awt.Rectangle plot = plotArea(c, width, height);
        int[] box = legendSize(c);
        int pad = c.getStyler().getLegendPadding();
        Styler.LegendPosition[] order = {Styler.LegendPosition.InsideNE, Styler.LegendPosition.InsideNW, Styler.LegendPosition.InsideSE,
            Styler.LegendPosition.InsideSW};
        for (Styler.LegendPosition p : order) {
            boolean east = p == Styler.LegendPosition.InsideNE || p == Styler.LegendPosition.InsideSE;
            boolean north = p == Styler.LegendPosition.InsideNE || p == Styler.LegendPosition.InsideNW;
            double x = east ? plot.getMaxX() - pad - box[0] : plot.getX() + pad;
            double y = north ? plot.getY() + pad : plot.getMaxY() - pad - box[1];
            Rectangle2D r = new Rectangle2D.Double(x - pad / 2.0, y - pad / 2.0, box[0] + pad, box[1] + pad);
            if (!crossed(c, r)) return p;
        }
        return Styler.LegendPosition.InsideN;
    }

    /** Whether any series (its segments, or its points for a scatter) passes through {@code r} (screen pixels). */
    private static boolean crossed(XYChart c, Rectangle2D r) {
        for (XYSeries s : c.getSeriesMap().values()) {
            double[] x = s.getXData();
            double[] y = s.getYData();
            boolean scatter = s.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Scatter;
            double px = Double.NaN;
            double py = Double.NaN;
            for (int i = 0; i < x.length; i++) {
                if (Double.isNaN(y[i]) || Double.isNaN(x[i])) { px = Double.NaN; continue; }
                double sx = c.getScreenXFromChart(x[i]);
                double sy = c.getScreenYFromChart(y[i]);
                if (scatter) {
                    double m = c.getStyler().getMarkerSize();
                    if (r.intersects(sx - m / 2, sy - m / 2, m, m)) return true;
                } else if (!Double.isNaN(px) ? r.intersectsLine(new Line2D.Double(px, py, sx, sy)) : r.contains(sx, sy)) {
                    return true;
                }
                px = sx;
                py = sy;
            }
        }
        return false;
    }
}
