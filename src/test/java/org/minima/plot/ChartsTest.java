package org.minima.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ChartsTest {

    /** A tick label read back as a number: {@code 5×10¹³}, {@code 10⁻⁴}, {@code −2×10⁷} or a plain number. */
    static double parseTick(String label) {
        String s = label.replace('−', '-');
        int ten = s.indexOf("10", s.indexOf('×') + 1);
        boolean power = s.length() > ten + 2 && ten >= 0 && "⁻⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(s.charAt(ten + 2)) >= 0;
        if (!power) return Double.parseDouble(s);
        StringBuilder e = new StringBuilder();
        for (char ch : s.substring(ten + 2).toCharArray()) e.append(ch == '⁻' ? '-' : (char) ('0' + "⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(ch)));
        String m = s.substring(0, ten).replace("×", "");
        double mantissa = m.isEmpty() ? 1 : m.equals("-") ? -1 : Double.parseDouble(m);
        return mantissa * Math.pow(10, Integer.parseInt(e.toString()));
    }

    @Test
    void tickLabelsAreShortPlainNumbersOrPowersOfTenThatReadBackToTheTicks() {
        // the answer: each label, read back, is its tick value, fits in 8 characters and has no E notation
        for (Axis axis : new Axis[] {Axis.linear(0, 5.1e13, 6), Axis.linear(-3e7, 1.2e8, 5), Axis.linear(0, 2.5e-5, 5), Axis.log(1e-4, 5e13),
            Axis.log(0.02, 3)}) {
            for (double t : axis.ticks()) {
                String label = axis.label(t);
                assertTrue(label.length() <= 8, label + " is too long for tick " + t);
                assertTrue(!label.contains("E") && !label.contains("e"), label);
                assertEquals(t, parseTick(label), 1e-9 * Math.max(Math.abs(axis.lo()), Math.abs(axis.hi())), label);
            }
        }
        assertEquals("5×10¹³", Style.tick(5e13));
        assertEquals("10⁻⁵", Style.tick(1e-5));
        assertEquals("0.0001", Style.tick(1e-4));
        assertEquals("0.02", Style.tick(0.02));
        assertEquals("10000", Style.tick(1e4));
        assertEquals("10⁵", Style.tick(1e5));
        Axis plain = Axis.linear(0, 100, 5);
        for (double t : plain.ticks()) assertEquals(String.valueOf((long) t), plain.label(t), "ordinary ranges keep plain numbers");
    }

    private static BufferedImage decode(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    @Test
    void lineChartWritesAPngOfItsSizeAndAnSvgDocument() throws Exception {
        // The answer: ImageIO decodes the bytes into an image of the declared size, with drawn (non-white) pixels,
        // and the SVG bytes are an <svg> document.
        int n = 25;
        double[] a = new double[n];
        double[] loss = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = -1 + 3.0 * i / (n - 1);
            loss[i] = 0.05 + 2 * (a[i] - 0) * (a[i] - 1) * (a[i] - 0) * (a[i] - 1) + 0.1 * a[i] * a[i];
            acc[i] = 100 * Math.exp(-loss[i]);
        }
        LineChart c = new LineChart().title("test").xLabel("alpha")
                .leftAxis("cross-entropy", LineChart.BLUE, true).rightAxis("accuracy (%)", LineChart.RED, 0.0, 100.0)
                .add(new LineChart.Series("train loss", a, loss, LineChart.BLUE, false, false))
                .add(new LineChart.Series("test loss", a, loss, LineChart.BLUE, true, false))
                .add(new LineChart.Series("train accuracy", a, acc, LineChart.RED, false, true))
                .add(new LineChart.Series("test accuracy", a, acc, LineChart.RED, true, true))
                .mark(0, "from").mark(1, "to");
        byte[] png = c.png(1);
        BufferedImage img = decode(png);
        assertEquals(c.width(), img.getWidth());
        assertEquals(c.height(), img.getHeight());
        int drawn = 0;
        for (int y = 0; y < img.getHeight(); y += 2) for (int x = 0; x < img.getWidth(); x += 2) if (img.getRGB(x, y) != Color.WHITE.getRGB()) drawn++;
        assertTrue(drawn > 1000, "drawn pixels: " + drawn);
        String svg = new String(c.svg(), StandardCharsets.UTF_8);
        assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
        Path dir = Path.of("target", "chart-samples");
        Files.createDirectories(dir);
        Files.write(dir.resolve("line.png"), png);
        Files.write(dir.resolve("line.svg"), c.svg());
    }

    @Test
    void aLongLegendWrapsIntoRowsThatStayInsideTheFigure() throws Exception {
        // 19 names of ~30 characters cannot share one row of 820 px: the figure grows by whole legend rows and
        // no legend text reaches the right edge (a cut legend colours the last columns of its rows).
        double[] x = {0, 1, 2};
        LineChart one = new LineChart().title("t").xLabel("epoch").leftAxis("y", Color.BLACK, false)
                .add(new LineChart.Series("only", x, x, LineChart.BLUE, false, false));
        assertEquals(Style.HEIGHT, one.height());
        LineChart many = new LineChart().title("t").xLabel("epoch").leftAxis("y", Color.BLACK, false);
        for (int i = 0; i < 19; i++) many.add(new LineChart.Series("triangular-exponential-sgd-" + i, x, x, LineChart.BLUE, i % 2 == 0, false));
        int extra = many.height() - Style.HEIGHT;
        assertTrue(extra >= 18 * 3 && extra % 18 == 0, "extra height " + extra);
        BufferedImage img = decode(many.png(1));
        assertEquals(many.height(), img.getHeight());
        for (int y = Style.HEIGHT - 60; y < img.getHeight(); y++) {
            for (int xx = img.getWidth() - 8; xx < img.getWidth(); xx++) assertEquals(Color.WHITE.getRGB(), img.getRGB(xx, y), "(" + xx + ", " + y + ")");
            for (int xx = 0; xx < 8; xx++) assertEquals(Color.WHITE.getRGB(), img.getRGB(xx, y), "(" + xx + ", " + y + ")");
        }
        int drawn = 0; // the last row (baseline 28 px above the bottom) is drawn inside the figure
        for (int y = img.getHeight() - 40; y < img.getHeight() - 26; y++) for (int xx = 0; xx < img.getWidth(); xx++) if (img.getRGB(xx, y) != Color.WHITE.getRGB()) drawn++;
        assertTrue(drawn > 50, "pixels of the last legend row: " + drawn);
    }

    /** A figure of one colour, for placing panels. */
    private static Figure block(int w, int h, Color c) {
        return new Figure() {
            @Override public int width() { return w; }

            @Override public int height() { return h; }

            @Override public void draw(java.awt.Graphics2D g) { g.setColor(c); g.fillRect(0, 0, w, h); }
        };
    }

    @Test
    void aRowPutsItsPanelsSideBySideUnderItsTitle() throws Exception {
        // panels 100 × 50 (red) and 60 × 80 (blue) under a 34 px title: 160 × 114, the red at x < 100, the blue
        // from x = 100, both from y = 34; below the shorter panel, the background
        Row row = new Row("title", java.util.List.of(block(100, 50, Color.RED), block(60, 80, Color.BLUE)));
        assertEquals(160, row.width());
        assertEquals(34 + 80, row.height());
        BufferedImage img = decode(row.png(1));
        assertEquals(Color.RED.getRGB(), img.getRGB(50, 34 + 25));
        assertEquals(Color.BLUE.getRGB(), img.getRGB(130, 34 + 70));
        assertEquals(Color.WHITE.getRGB(), img.getRGB(50, 34 + 60));
        assertEquals(80, new Row("", java.util.List.of(block(100, 50, Color.RED), block(60, 80, Color.BLUE))).height());
    }

    @Test
    void contourOfAPlaneSplitsColoursAtTheLevelLine() throws Exception {
        // z(x, y) = x on [-1, 1]²: the contour z = L is the vertical line x = L, so a pixel just left of it has the
        // colour of the band below L and a pixel just right the colour of the band above (closed form, not the code).
        int n = 11;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = -1 + 2.0 * i / (n - 1);
        double[][] z = new double[n][n];
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) z[j][i] = g[i];
        ContourChart c = new ContourChart(g, g, z);
        double[] levels = c.levels();
        assertArrayEquals(new double[] {-0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8}, levels, 1e-12);
        BufferedImage img = decode(c.png(1));
        // plot area: x from 80, square of side min(820-230, 560-30-70) = 460 starting at y = 30
        double x0 = 80;
        double side = 460;
        int py = 30 + 100;
        int level = 5; // L = 0.2
        double lx = x0 + (levels[level] + 1) / 2 * side;
        Color below = Colormap.viridis(level / (double) levels.length);
        Color above = Colormap.viridis((level + 1) / (double) levels.length);
        assertEquals(below.getRGB(), img.getRGB((int) lx - 6, py));
        assertEquals(above.getRGB(), img.getRGB((int) lx + 6, py));
    }

    @Test
    void contourOfABowlLooksRight() throws Exception {
        int n = 21;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) g[i] = -1 + 2.0 * i / (n - 1);
        double[][] z = new double[n][n];
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) z[j][i] = 0.02 + 3 * g[i] * g[i] + 8 * g[j] * g[j] + 2 * g[i] * g[j];
        ContourChart c = new ContourChart(g, g, z).title("bowl").labels("direction 1", "direction 2", "loss").mark(0, 0, "model");
        byte[] png = c.png(1);
        assertTrue(png.length > 1000);
        Path dir = Path.of("target", "chart-samples");
        Files.createDirectories(dir);
        Files.write(dir.resolve("contour.png"), png);
        Files.write(dir.resolve("contour.svg"), c.svg());
    }
}
