package org.minima.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Filled contours of z over a rectangular grid, with labelled contour lines and a colour bar (XChart has no
 * contour chart). Each grid cell is split into two triangles and z is taken as linear on each (marching
 * triangles, the triangulated form of marching squares, which has no ambiguous saddle cells). The region
 * z ≥ level is the union of each triangle clipped by that half-plane (Sutherland–Hodgman), filled as one path
 * per level from the lowest up, so neighbouring triangles leave no seams. Cost: O(cells × levels).
 */
public final class ContourChart implements Figure {
    private final double[] xs;
    private final double[] ys;
    private final double[][] z;
    private String title = "";
    private String xLabel = "x";
    private String yLabel = "y";
    private String zLabel = "";
    private final List<double[]> marks = new ArrayList<>();
    private final List<String> markLabels = new ArrayList<>();

    private final int width = Style.WIDTH;
    private final int height = Style.HEIGHT;

    /** {@code z[j][i]} is the value at {@code (xs[i], ys[j])}; NaN cells are left blank. */
    public ContourChart(double[] xs, double[] ys, double[][] z) {
        if (xs.length < 2 || ys.length < 2) throw new IllegalArgumentException("a contour needs at least a 2×2 grid");
        if (z.length != ys.length || z[0].length != xs.length) throw new IllegalArgumentException("z must be ys.length × xs.length");
        this.xs = xs.clone();
        this.ys = ys.clone();
        this.z = z;
    }

    public ContourChart title(String t) { title = t; return this; }

    public ContourChart labels(String x, String y, String zName) { xLabel = x; yLabel = y; zLabel = zName; return this; }

    public ContourChart mark(double x, double y, String label) { marks.add(new double[] {x, y}); markLabels.add(label); return this; }

    @Override public int width() { return width; }

    @Override public int height() { return height; }

    /**
     * The contour levels: on a log scale (1, 1.5, 2, 3, 5, 7 × 10^k over up to two decades, 1, 2, 5 × 10^k over more) when z is positive and spans more than a factor 30,
     * else 1, 2, 5 × 10^k steps (about 8 to 15 levels), strictly inside the range of z.
     */
    public double[] levels() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : z) for (double v : row) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (!(hi > lo)) return new double[0];
        List<Double> out = new ArrayList<>();
        if (lo > 0 && hi / lo > 30) {
            int d0 = (int) Math.floor(Math.log10(lo));
            int d1 = (int) Math.ceil(Math.log10(hi));
            double[] mantissas = d1 - d0 <= 2 ? new double[] {1, 1.5, 2, 3, 5, 7}
                    : d1 - d0 <= 4 ? new double[] {1, 2, 5} : new double[] {1, 3};
            for (int d = d0; d <= d1; d++) {
                for (double m : mantissas) {
                    double v = m * Math.pow(10, d);
                    if (v > lo && v < hi) out.add(v);
                }
            }
        } else {
            double step = Axis.niceStep((hi - lo) / 15);
            for (long k = (long) Math.floor(lo / step) + 1; k * step < hi; k++) out.add(k * step);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public void draw(Graphics2D g) {
        Font base = Style.BASE;
        Font small = Style.SMALL;
        int top = title.isEmpty() ? 30 : 56;
        int size = Math.min(width - 80 - 150, height - top - 70);
        Rectangle2D area = new Rectangle2D.Double(80, top, size, size);
        Axis xAxis = Axis.linearExact(xs[0], xs[xs.length - 1], 7);
        Axis yAxis = Axis.linearExact(ys[0], ys[ys.length - 1], 7);
        double[] levels = levels();
        Color[] bands = new Color[levels.length + 1];
        for (int b = 0; b < bands.length; b++) bands[b] = Colormap.viridis(bands.length == 1 ? 0.5 : b / (double) (bands.length - 1));

        g.setColor(Color.BLACK);
        if (!title.isEmpty()) {
            g.setFont(Style.TITLE);
            centered(g, title, width / 2.0, 32);
        }

        Shape oldClip = g.getClip();
        g.clip(area);
        // the lowest band under everything, then z ≥ level_k for k = 0, 1, ... on top
        g.setColor(bands[0]);
        g.fill(regionAbove(Double.NEGATIVE_INFINITY, area));
        for (int k = 0; k < levels.length; k++) {
            g.setColor(bands[k + 1]);
            g.fill(regionAbove(levels[k], area));
        }
        g.setColor(new Color(0, 0, 0, 150));
        g.setStroke(new BasicStroke(0.8f));
        List<double[]> placed = new ArrayList<>();
        for (double[] m : marks) { // keep level labels off the marked points
            placed.add(new double[] {area.getX() + xAxis.fraction(m[0]) * area.getWidth(), area.getMaxY() - yAxis.fraction(m[1]) * area.getHeight()});
        }
        List<Object[]> labels = new ArrayList<>();
        for (double level : levels) {
            List<double[]> segs = segments(level, area);
            Path2D.Double p = new Path2D.Double();
            for (double[] s : segs) { p.moveTo(s[0], s[1]); p.lineTo(s[2], s[3]); }
            g.draw(p);
            int count = 0;
            for (int i = segs.size() / 3; i < segs.size() + segs.size() / 3 && count < 2; i++) {
                double[] s = segs.get(i % segs.size());
                double mx = (s[0] + s[2]) / 2;
                double my = (s[1] + s[3]) / 2;
                if (mx < area.getX() + 25 || mx > area.getMaxX() - 25 || my < area.getY() + 15 || my > area.getMaxY() - 15) continue;
                boolean far = true;
                for (double[] q : placed) if (Math.hypot(q[0] - mx, q[1] - my) < 80) { far = false; break; }
                if (!far) continue;
                placed.add(new double[] {mx, my});
                labels.add(new Object[] {mx, my, format(level)});
                count++;
            }
        }
        g.setFont(small.deriveFont(11f));
        FontMetrics fm = g.getFontMetrics();
        for (Object[] l : labels) {
            String s = (String) l[2];
            double w = fm.stringWidth(s) + 6;
            double h = fm.getAscent() + 2;
            double x = (double) l[0] - w / 2;
            double y = (double) l[1] - h / 2;
            g.setColor(new Color(255, 255, 255, 200));
            g.fill(new RoundRectangle2D.Double(x, y, w, h, 6, 6));
            g.setColor(Color.BLACK);
            g.drawString(s, (float) (x + 3), (float) (y + fm.getAscent()));
        }
        for (int m = 0; m < marks.size(); m++) {
            double px = area.getX() + xAxis.fraction(marks.get(m)[0]) * area.getWidth();
            double py = area.getMaxY() - yAxis.fraction(marks.get(m)[1]) * area.getHeight();
            g.setColor(Color.WHITE);
            g.fill(new Ellipse2D.Double(px - 5, py - 5, 10, 10));
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(new Ellipse2D.Double(px - 5, py - 5, 10, 10));
            g.setFont(small);
            g.setColor(Color.WHITE);
            g.drawString(markLabels.get(m), (float) (px + 8), (float) (py - 6));
        }
        g.setClip(oldClip);

        // axes
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.draw(area);
        g.setFont(small);
        fm = g.getFontMetrics();
        for (double t : xAxis.ticks()) {
            double px = area.getX() + xAxis.fraction(t) * area.getWidth();
            g.draw(new Line2D.Double(px, area.getMaxY(), px, area.getMaxY() + 5));
            centered(g, xAxis.label(t), px, area.getMaxY() + 8 + fm.getAscent());
        }
        for (double t : yAxis.ticks()) {
            double py = area.getMaxY() - yAxis.fraction(t) * area.getHeight();
            g.draw(new Line2D.Double(area.getX() - 5, py, area.getX(), py));
            String s = yAxis.label(t);
            g.drawString(s, (float) (area.getX() - 8 - fm.stringWidth(s)), (float) (py + fm.getAscent() / 2.0 - 1));
        }
        g.setFont(base);
        centered(g, xLabel, area.getCenterX(), area.getMaxY() + 46);
        vertical(g, yLabel, 24, area.getCenterY());

        // colour bar: one equal-height box per band, level values at the boundaries
        double bx = area.getMaxX() + 30;
        double bw = 22;
        double bh = area.getHeight() / bands.length;
        g.setFont(small);
        fm = g.getFontMetrics();
        for (int b = 0; b < bands.length; b++) {
            double y = area.getMaxY() - (b + 1) * bh;
            g.setColor(bands[b]);
            g.fill(new Rectangle2D.Double(bx, y, bw, bh + 0.5));
        }
        g.setColor(Color.BLACK);
        g.draw(new Rectangle2D.Double(bx, area.getY(), bw, area.getHeight()));
        for (int k = 0; k < levels.length; k++) {
            double y = area.getMaxY() - (k + 1) * bh;
            g.draw(new Line2D.Double(bx + bw, y, bx + bw + 4, y));
            g.drawString(format(levels[k]), (float) (bx + bw + 7), (float) (y + fm.getAscent() / 2.0 - 1));
        }
        g.setFont(base);
        vertical(g, zLabel, bx + bw + 62, area.getCenterY());
    }

    private static String format(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (s.contains("e")) return s;
        if (s.contains(".")) { s = s.replaceAll("0+$", ""); if (s.endsWith(".")) s = s.substring(0, s.length() - 1); }
        return s;
    }

    /** The two triangles of cell (i, j), counter-clockwise in data space: indices into the grid as {i, j} pairs. */
    private static int[][][] triangles(int i, int j) {
        return new int[][][] {
            {{i, j}, {i + 1, j}, {i + 1, j + 1}},
            {{i, j}, {i + 1, j + 1}, {i, j + 1}},
        };
    }

    /** The union, as one path, of every triangle clipped to z ≥ level (pixel coordinates). */
    private Path2D.Double regionAbove(double level, Rectangle2D area) {
        Path2D.Double path = new Path2D.Double(Path2D.WIND_NON_ZERO);
        double[] px = new double[5];
        double[] py = new double[5];
        for (int j = 0; j + 1 < ys.length; j++) {
            for (int i = 0; i + 1 < xs.length; i++) {
                for (int[][] t : triangles(i, j)) {
                    int n = 0;
                    for (int e = 0; e < 3; e++) {
                        int[] a = t[e];
                        int[] b = t[(e + 1) % 3];
                        double va = z[a[1]][a[0]];
                        double vb = z[b[1]][b[0]];
                        if (!Double.isFinite(va) || !Double.isFinite(vb)) { n = -1; break; }
                        boolean ina = va >= level;
                        boolean inb = vb >= level;
                        if (ina) { px[n] = sx(a[0], area); py[n] = sy(a[1], area); n++; }
                        if (ina != inb) {
                            double f = (level - va) / (vb - va);
                            px[n] = sx(a[0], area) + f * (sx(b[0], area) - sx(a[0], area));
                            py[n] = sy(a[1], area) + f * (sy(b[1], area) - sy(a[1], area));
                            n++;
                        }
                    }
                    if (n < 3) continue;
                    path.moveTo(px[0], py[0]);
                    for (int k = 1; k < n; k++) path.lineTo(px[k], py[k]);
                    path.closePath();
                }
            }
        }
        return path;
    }

    /** The contour line z = level as segments {x0, y0, x1, y1} in pixels, one per crossed triangle. */
    private List<double[]> segments(double level, Rectangle2D area) {
        List<double[]> out = new ArrayList<>();
        for (int j = 0; j + 1 < ys.length; j++) {
            for (int i = 0; i + 1 < xs.length; i++) {
                for (int[][] t : triangles(i, j)) {
                    double[] pts = new double[4];
                    int n = 0;
                    boolean bad = false;
                    for (int e = 0; e < 3; e++) {
                        int[] a = t[e];
                        int[] b = t[(e + 1) % 3];
                        double va = z[a[1]][a[0]];
                        double vb = z[b[1]][b[0]];
                        if (!Double.isFinite(va) || !Double.isFinite(vb)) { bad = true; break; }
                        if ((va >= level) != (vb >= level) && n < 4) {
                            double f = (level - va) / (vb - va);
                            pts[n++] = sx(a[0], area) + f * (sx(b[0], area) - sx(a[0], area));
                            pts[n++] = sy(a[1], area) + f * (sy(b[1], area) - sy(a[1], area));
                        }
                    }
                    if (!bad && n == 4) out.add(pts);
                }
            }
        }
        return out;
    }

    private double sx(int i, Rectangle2D area) {
        return area.getX() + (xs[i] - xs[0]) / (xs[xs.length - 1] - xs[0]) * area.getWidth();
    }

    private double sy(int j, Rectangle2D area) {
        return area.getMaxY() - (ys[j] - ys[0]) / (ys[ys.length - 1] - ys[0]) * area.getHeight();
    }

    private static void centered(Graphics2D g, String s, double x, double baseline) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (float) (x - fm.stringWidth(s) / 2.0), (float) baseline);
    }

    /** Text rotated 90° counter-clockwise, centred on (x, y). */
    private static void vertical(Graphics2D g, String s, double x, double y) {
        java.awt.geom.AffineTransform old = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (float) (-fm.stringWidth(s) / 2.0), (float) (fm.getAscent() / 2.0 - 2));
        g.setTransform(old);
    }
}
