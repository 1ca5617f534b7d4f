package org.minima.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * The one look of every figure, written once: the size (820 × 560, written at 2× as PNG: 1640 × 1120, and as
 * SVG), the fonts, the colours, the tick labels (plain numbers; 10ⁿ on log axes spanning decades and for huge or
 * tiny values, never {@code 1.0E-3}) and the legend (inside the plot, where it covers no line: {@link Lines}).
 * {@link #chart} gives an XChart chart in this look, {@link #figure} makes it a {@link Figure} (PNG and SVG from
 * one drawing); {@link ContourChart}, the one Java2D chart (XChart draws no labelled contour lines), reads the
 * same constants.
 */
public final class Style {
    public static final int WIDTH = 820;
    public static final int HEIGHT = 560;
    public static final Font BASE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    public static final Font SMALL = BASE.deriveFont(12f);
    public static final Font TITLE = BASE.deriveFont(Font.BOLD, 16f);
    public static final Color GRID = new Color(0xe6, 0xe6, 0xe6);
    public static final Color BLUE = new Color(0x1f, 0x4e, 0xa8);
    public static final Color RED = new Color(0xc0, 0x2a, 0x2a);
    /** Series colours in order: blue, red, then the rest (colour-blind-safe enough apart from red/green pairs). */
    public static final Color[] PALETTE = {BLUE, RED, new Color(0x2a, 0x8a, 0x3e), new Color(0x8a, 0x4f, 0xb0),
        new Color(0xd0, 0x7a, 0x10), new Color(0x20, 0x9a, 0xa8), new Color(0x60, 0x60, 0x60), new Color(0xb0, 0x40, 0x80)};
    public static final BasicStroke LINE = new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    public static final BasicStroke DASHED = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);

    /** The heights of two panels stacked on one x ({@link Lines#stack}), adding up to {@link #HEIGHT}: the top one holds the title. */
    public static final int[] TWO_PANELS = {290, 270};

    private Style() {}

    /** An XChart line chart in the house look: white, framed, light grid, legend inside at the top right. */
    public static XYChart chart(String title, String xLabel, String yLabel) {
        return chart(title, xLabel, yLabel, WIDTH, HEIGHT);
    }

    /** As {@link #chart(String, String, String)} at another size (the panels of a grid). */
    public static XYChart chart(String title, String xLabel, String yLabel, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.BLACK);
        s.setPlotBorderVisible(true);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(BASE);
        s.setAxisTickLabelsFont(SMALL);
        s.setLegendFont(SMALL);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(GRID);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 230));
        s.setChartPadding(12);
        s.setMarkerSize(9);
        s.setSeriesColors(PALETTE);
        s.setxAxisTickLabelsFormattingFunction(Style::tick);
        s.setyAxisTickLabelsFormattingFunction(Style::tick);
        s.setAxisTickMarkLength(5);
        s.setPlotContentSize(1.0); // the axis ranges are set by Lines: the data's, with room where it is wanted
        s.setXAxisTickMarkSpacingHint(90);
        s.setYAxisTickMarkSpacingHint(50);
        s.setAntiAlias(true);
        return c;
    }

    /**
     * Tick labels for a log₁₀ axis as {@link Lines} draws one (the values plotted as log₁₀ on a linear axis, since
     * XChart's own log axis labels its ticks {@code 1E-4}): a whole tick t is labelled 10ᵗ on an axis spanning
     * {@code decades} ≥ 2 (plain 0.01 … 10000 on a shorter one), any other tick as the plain number 10ᵗ to 3
     * digits ({@code 31.6}). Every label is distinct, as XChart requires of its ticks.
     */
    public static java.util.function.Function<Double, String> logTicks(double decades) {
        return t -> {
            double r = Math.rint(t);
            if (Math.abs(t - r) < 1e-9) return decades >= 2 || Math.abs(r) > 4 ? power((int) r) : tick(Math.pow(10, r));
            return tick(new java.math.BigDecimal(Math.pow(10, t)).round(new java.math.MathContext(3)).doubleValue());
        };
    }

    /** An XChart chart as a {@link Figure}: the same painting gives the PNG and the SVG. */
    public static Figure figure(XYChart chart) {
        return new Figure() {
            @Override public int width() { return chart.getWidth(); }

            @Override public int height() { return chart.getHeight(); }

            @Override public void draw(Graphics2D g) { chart.paint(g, chart.getWidth(), chart.getHeight()); }
        };
    }

    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /** {@code 10ⁿ} with superscript digits (and ⁻). */
    public static String power(int n) {
        StringBuilder sb = new StringBuilder("10");
        String digits = Integer.toString(Math.abs(n));
        if (n < 0) sb.append('⁻');
        for (char ch : digits.toCharArray()) sb.append(SUPERSCRIPTS.charAt(ch - '0'));
        return sb.toString();
    }

    /** {@code v} as {@code 10ⁿ} or {@code m×10ⁿ} whatever its size (the ticks of a log axis spanning decades). */
    public static String power(double v) {
        if (v == 0 || !Double.isFinite(v)) return tick(v);
        int e = (int) Math.floor(Math.log10(Math.abs(v)) + 1e-9);
        double m = v / Math.pow(10, e);
        if (Math.abs(Math.abs(m) - 1) < 1e-6) return (v < 0 ? "−" : "") + power(e);
        String ms = new java.math.BigDecimal(m).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        return ms.replace('-', '−') + "×" + power(e);
    }

    /**
     * A tick label: a plain number ({@code 0.02}, {@code 1500}, at most 6 significant digits) between 10⁻⁴ and
     * 10⁵ (from 10⁻⁴); beyond, {@code 10ⁿ} for a power of ten and {@code m×10ⁿ} otherwise ({@code 5×10¹³}).
     */
    public static String tick(double v) {
        if (v == 0 || !Double.isFinite(v)) return v == 0 ? "0" : String.valueOf(v);
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e5) {
            String s = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
            return s.equals("-0") ? "0" : s;
        }
        return power(v);
    }

    /** {@link #tick} for a number in running text (titles, legends): 4 significant digits. */
    public static String number(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        if (v != 0 && Double.isFinite(v) && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e5)) return tick(Double.parseDouble(String.format(Locale.ROOT, "%.3e", v)));
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
