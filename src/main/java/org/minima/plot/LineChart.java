package org.minima.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines against a shared x axis, with a left y axis (linear or log) and an optional right y axis, vertical
 * markers, dots on the curves and a legend under the plot (in as many rows as its names need; the figure grows
 * by a row's height for each row after the first), in the house {@link Style}. Drawn with plain Java2D
 * because XChart cannot: its log scale applies to every y axis group at once, and these charts (Figure 3, the
 * training curves, 1-D landscapes) put a log loss on the left beside a linear accuracy on the right.
 */
public final class LineChart implements Figure {
    /** One line. {@code right} puts it on the right axis. NaN or infinite y values break the line. */
    public record Series(String name, double[] x, double[] y, Color color, boolean dashed, boolean right) {}

    /** A dotted vertical line at {@code x} with a label at its top. */
    public record Marker(double x, String label) {}

    /** A filled point at (x, y) on the left ({@code right} false) or right axis: a model on its curve. */
    public record Dot(double x, double y, Color color, boolean right) {}

    public static final Color BLUE = Style.BLUE;
    public static final Color RED = Style.RED;

    private static final int LEGEND_SAMPLE = 34, LEGEND_GAP = 22, LEGEND_ROW = 18;
    /** Text widths for the legend's layout, the same when {@link #height} asks as when it is drawn (PNG or SVG). */
    private static final FontMetrics LEGEND_METRICS = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(Style.SMALL);

    private int width = Style.WIDTH;
    private int height = Style.HEIGHT;
    private String title = "";
    private String xLabel = "";
    private String leftLabel = "";
    private String rightLabel = "";
    private Color leftColor = Color.BLACK;
    private Color rightColor = Color.BLACK;
    private boolean leftLog;
    private Double rightMin;
    private Double rightMax;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private final List<Dot> dots = new ArrayList<>();

    public LineChart title(String t) { title = t; return this; }

    /** Another size than the house's (a panel of a {@link Row}); the legend's extra rows are added to {@code h}. */
    public LineChart size(int w, int h) { width = w; height = h; return this; }

    public LineChart xLabel(String t) { xLabel = t; return this; }

    public LineChart leftAxis(String label, Color color, boolean log) {
        leftLabel = label;
        leftColor = color;
        leftLog = log;
        return this;
    }

    /** The right axis; {@code min}/{@code max} fix its range (null: from the data). */
    public LineChart rightAxis(String label, Color color, Double min, Double max) {
        rightLabel = label;
        rightColor = color;
        rightMin = min;
        rightMax = max;
        return this;
    }

    public LineChart add(Series s) { series.add(s); return this; }

    public LineChart mark(double x, String label) { markers.add(new Marker(x, label)); return this; }

    public LineChart dot(Dot d) { dots.add(d); return this; }

    @Override public int width() { return width; }

    @Override public int height() { return height + (legendRows().size() - 1) * LEGEND_ROW; }

    /** The legend's rows: the series in order, as many to a row as fit in the width. */
    private List<List<Series>> legendRows() {
        List<List<Series>> rows = new ArrayList<>();
        List<Series> row = new ArrayList<>();
        int used = 0;
        for (Series s : series) {
            int item = LEGEND_SAMPLE + 6 + LEGEND_METRICS.stringWidth(s.name());
            if (!row.isEmpty() && used + LEGEND_GAP + item > width - 20) {
                rows.add(row);
                row = new ArrayList<>();
            }
            used = row.isEmpty() ? item : used + LEGEND_GAP + item;
            row.add(s);
        }
        rows.add(row);
        return rows;
    }

    private boolean hasRight() {
        return series.stream().anyMatch(Series::right);
    }

    @Override
    public void draw(Graphics2D g) {
        Font base = Style.BASE;
        Font small = Style.SMALL;
        int left = 80;
        int right = hasRight() ? width - 80 : width - 30;
        int top = title.isEmpty() ? 30 : 56;
        List<List<Series>> legend = legendRows();
        int bottom = height - 110; // the fields' height: the legend's extra rows are below it
        Rectangle2D area = new Rectangle2D.Double(left, top, right - left, bottom - top);

        Axis xAxis = axisFor(false, false, null, null, true);
        Axis yLeft = axisFor(true, false, null, null, false);
        Axis yRight = hasRight() ? axisFor(true, true, rightMin, rightMax, false) : null;

        g.setColor(Color.BLACK);
        if (!title.isEmpty()) {
            g.setFont(Style.TITLE);
            centered(g, title, width / 2.0, 32);
        }

        // grid and ticks
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : xAxis.ticks()) {
            double px = area.getX() + xAxis.fraction(t) * area.getWidth();
            g.setColor(Style.GRID);
            g.draw(new Line2D.Double(px, area.getY(), px, area.getMaxY()));
            g.setColor(Color.BLACK);
            g.draw(new Line2D.Double(px, area.getMaxY(), px, area.getMaxY() + 5));
            centered(g, xAxis.label(t), px, area.getMaxY() + 8 + fm.getAscent());
        }
        for (double t : yLeft.ticks()) {
            double py = area.getMaxY() - yLeft.fraction(t) * area.getHeight();
            g.setColor(Style.GRID);
            g.draw(new Line2D.Double(area.getX(), py, area.getMaxX(), py));
            g.setColor(leftColor);
            g.draw(new Line2D.Double(area.getX() - 5, py, area.getX(), py));
            String s = yLeft.label(t);
            g.drawString(s, (float) (area.getX() - 8 - fm.stringWidth(s)), (float) (py + fm.getAscent() / 2.0 - 1));
        }
        if (yRight != null) {
            for (double t : yRight.ticks()) {
                double py = area.getMaxY() - yRight.fraction(t) * area.getHeight();
                g.setColor(rightColor);
                g.draw(new Line2D.Double(area.getMaxX(), py, area.getMaxX() + 5, py));
                g.drawString(yRight.label(t), (float) (area.getMaxX() + 8), (float) (py + fm.getAscent() / 2.0 - 1));
            }
        }

        // markers
        g.setFont(small);
        for (Marker m : markers) {
            if (m.x() < xAxis.lo() || m.x() > xAxis.hi()) continue;
            double px = area.getX() + xAxis.fraction(m.x()) * area.getWidth();
            g.setColor(new Color(0x55, 0x55, 0x55));
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
            g.draw(new Line2D.Double(px, area.getY(), px, area.getMaxY()));
            g.setColor(Color.BLACK);
            centered(g, m.label(), px, area.getY() - 6);
        }

        // lines, clipped to the plot area
        Shape oldClip = g.getClip();
        g.clip(area);
        for (Series s : series) {
            Axis ya = s.right() ? yRight : yLeft;
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                double v = s.y()[i];
                if (!Double.isFinite(v) || (ya.isLog() && v <= 0)) { pen = false; continue; }
                double px = area.getX() + xAxis.fraction(s.x()[i]) * area.getWidth();
                double py = area.getMaxY() - ya.fraction(v) * area.getHeight();
                if (pen) path.lineTo(px, py); else path.moveTo(px, py);
                pen = true;
            }
            g.setColor(s.color());
            g.setStroke(stroke(s.dashed()));
            g.draw(path);
        }
        for (Dot d : dots) {
            Axis ya = d.right() ? yRight : yLeft;
            if (ya == null || !Double.isFinite(d.y()) || (ya.isLog() && d.y() <= 0)) continue;
            double px = area.getX() + xAxis.fraction(d.x()) * area.getWidth();
            double py = area.getMaxY() - ya.fraction(d.y()) * area.getHeight();
            g.setColor(d.color());
            g.fill(new java.awt.geom.Ellipse2D.Double(px - 5, py - 5, 10, 10));
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(1.2f));
            g.draw(new java.awt.geom.Ellipse2D.Double(px - 5, py - 5, 10, 10));
        }
        g.setClip(oldClip);

        // frame and axis titles
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.draw(area);
        g.setFont(base);
        centered(g, xLabel, area.getCenterX(), area.getMaxY() + 46);
        g.setColor(leftColor);
        vertical(g, leftLabel, 22, area.getCenterY());
        if (yRight != null) {
            g.setColor(rightColor);
            vertical(g, rightLabel, width - 18, area.getCenterY());
        }

        // legend: rows under the x label, each centred
        g.setFont(small);
        for (int r = 0; r < legend.size(); r++) {
            int total = -LEGEND_GAP;
            for (Series s : legend.get(r)) total += LEGEND_SAMPLE + 6 + LEGEND_METRICS.stringWidth(s.name()) + LEGEND_GAP;
            double lx = width / 2.0 - total / 2.0;
            double ly = height - 28 + r * LEGEND_ROW;
            for (Series s : legend.get(r)) {
                g.setColor(s.color());
                g.setStroke(stroke(s.dashed()));
                g.draw(new Line2D.Double(lx, ly - 4, lx + LEGEND_SAMPLE, ly - 4));
                g.setColor(Color.BLACK);
                g.drawString(s.name(), (float) (lx + LEGEND_SAMPLE + 6), (float) ly);
                lx += LEGEND_SAMPLE + 6 + LEGEND_METRICS.stringWidth(s.name()) + LEGEND_GAP;
            }
        }
    }

    private static BasicStroke stroke(boolean dashed) {
        return dashed ? Style.DASHED : Style.LINE;
    }

    private Axis axisFor(boolean yAxis, boolean right, Double fixedMin, Double fixedMax, boolean exact) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean log = yAxis && !right && leftLog;
        for (Series s : series) {
            if (yAxis && s.right() != right) continue;
            double[] v = yAxis ? s.y() : s.x();
            for (double d : v) {
                if (!Double.isFinite(d) || (log && d <= 0)) continue;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        if (fixedMin != null) min = fixedMin;
        if (fixedMax != null) max = fixedMax;
        if (!Double.isFinite(min)) { min = log ? 0.1 : 0; max = 1; }
        if (log) return Axis.log(min, max);
        if (exact && max > min) return Axis.linearExact(min, max, 9);
        if (fixedMin != null && fixedMax != null) return Axis.linearExact(min, max, 6);
        return Axis.linear(min, max, 7);
    }

    static void centered(Graphics2D g, String s, double x, double baseline) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (float) (x - fm.stringWidth(s) / 2.0), (float) baseline);
    }

    /** Text rotated 90° counter-clockwise, centred on (x, y). */
    static void vertical(Graphics2D g, String s, double x, double y) {
        AffineTransform old = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (float) (-fm.stringWidth(s) / 2.0), (float) (fm.getAscent() / 2.0 - 2));
        g.setTransform(old);
    }
}
