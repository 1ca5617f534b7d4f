package org.minima.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class ChartsTest {
    private static final Path SAMPLES = Path.of("target", "chart-samples");

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
    void tickLabelsArePlainNumbersOrPowersOfTenThatReadBackToTheTicks() {
        // the answer: each label, read back, is its tick value (10^t on a log axis), has no E notation, is short
        for (double v : new double[] {5e13, -2e7, 1.2e8, 2.5e-5, 1e-4, 0.02, 3, 1500, 99999, 0.30000000000000004}) {
            String label = Style.tick(v);
            assertTrue(label.length() <= 8 && !label.contains("E") && !label.contains("e"), label);
            assertEquals(v, parseTick(label), 1e-6 * Math.abs(v), label);
        }
        assertEquals("5×10¹³", Style.tick(5e13));
        assertEquals("10⁻⁵", Style.tick(1e-5));
        assertEquals("0.0001", Style.tick(1e-4));
        assertEquals("0.3", Style.tick(0.30000000000000004));
        assertEquals("10000", Style.tick(1e4));
        assertEquals("10⁵", Style.tick(1e5));
        // a log axis over decades: whole powers labelled 10ⁿ, any other tick a plain number within 0.5 % of 10^t
        var decades = Style.logTicks(14);
        for (int t = -4; t <= 13; t++) assertEquals(Math.pow(10, t), parseTick(decades.apply((double) t)), 1e-9 * Math.pow(10, t));
        assertEquals("10¹³", decades.apply(13.0));
        assertEquals("316", decades.apply(2.5));
        // over less than two decades every tick is a plain number within 0.5 % of 10^t
        var short_ = Style.logTicks(1.2);
        for (double t = -1; t <= 1; t += 0.2) {
            String label = short_.apply(t);
            assertTrue(!label.contains("E") && !label.isEmpty(), label);
            assertEquals(Math.pow(10, t), parseTick(label), 0.005 * Math.pow(10, t), label);
        }
    }

    private static BufferedImage decode(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static BufferedImage paint(XYChart c, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        c.paint(g, w, h);
        g.dispose();
        return img;
    }

    private static boolean near(int rgb, Color c) {
        Color p = new Color(rgb);
        return Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen()) + Math.abs(p.getBlue() - c.getBlue()) < 60;
    }

    /**
     * The legend hides no line: the pixels where the chart with its legend differs from the same chart without it
     * (the legend box) hold no pixel of a series colour in the chart without it. Checked on lines through the top
     * right corner (the legend moves), on lines through every corner (headroom above the data) and on 9 series.
     */
    @Test
    void theLegendCoversNoLine() throws Exception {
        int n = 41;
        double[] x = new double[n], up = new double[n], down = new double[n], bowl = new double[n], hill = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i / (n - 1.0);
            up[i] = x[i];
            down[i] = 1 - x[i];
            bowl[i] = 4 * (x[i] - 0.5) * (x[i] - 0.5);
            hill[i] = 1 - bowl[i];
        }
        Lines corner = new Lines("up", "x", "y").line("rising", x, up, Style.BLUE, false);
        Lines all = new Lines("all corners", "x", "y").line("bowl", x, bowl, Style.BLUE, false).line("hill", x, hill, Style.RED, true)
                .line("rising", x, up, Style.PALETTE[2], false).line("falling", x, down, Style.PALETTE[3], false);
        Lines many = new Lines("many", "x", "y (log scale)").logY(true);
        for (int k = 0; k < 9; k++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = Math.pow(10, k * x[i]) * (1 + k);
            many.line("series number " + k, x, y, Style.PALETTE[k % Style.PALETTE.length], k >= 8);
        }
        int k = 0;
        for (Lines lines : List.of(corner, all, many)) {
            XYChart c = lines.chart(Style.WIDTH, Style.HEIGHT);
            BufferedImage with = paint(c, Style.WIDTH, Style.HEIGHT);
            ImageIO.write(with, "png", Files.createDirectories(SAMPLES).resolve("legend-" + k++ + ".png").toFile());
            c.getStyler().setLegendVisible(false);
            BufferedImage without = paint(c, Style.WIDTH, Style.HEIGHT);
            int box = 0;
            for (int py = 0; py < Style.HEIGHT; py++) {
                for (int px = 0; px < Style.WIDTH; px++) {
                    if (with.getRGB(px, py) == without.getRGB(px, py)) continue;
                    box++;
                    for (Color s : Style.PALETTE) assertTrue(!near(without.getRGB(px, py), s), "a line under the legend at " + px + "," + py);
                }
            }
            assertTrue(box > 200, "the legend is drawn: " + box + " pixels");
        }
    }

    @Test
    void stackedPanelsAlignTheirPlotsAndWriteAPngOfTheHouseSizeAndAnSvg() throws Exception {
        // the answer, read off the pixels: the plot frames (black vertical lines) of the two panels start and end in
        // the same columns although the y labels differ in width (10¹² against 100)
        int n = 25;
        double[] a = new double[n], loss = new double[n], acc = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = -1 + 3.0 * i / (n - 1);
            loss[i] = Math.exp(20 * (a[i] - 0.2) * (a[i] - 0.2));
            acc[i] = 100 * Math.exp(-(a[i] - 0.2) * (a[i] - 0.2));
        }
        Figure f = Lines.stack(List.of(new Lines("stack", "α", "loss").logY(true).line("loss", a, loss, Style.BLUE, false),
                new Lines("", "α", "accuracy (%)").yRange(0.0, 100.0).line("accuracy", a, acc, Style.RED, true)), Style.TWO_PANELS);
        byte[] png = f.png(1);
        Files.createDirectories(SAMPLES);
        Files.write(SAMPLES.resolve("stack.png"), f.png(2));
        BufferedImage img = decode(png);
        assertEquals(Style.WIDTH, img.getWidth());
        assertEquals(Style.HEIGHT, img.getHeight());
        int[] top = frame(img, Style.TWO_PANELS[0] / 2);
        int[] bottom = frame(img, Style.TWO_PANELS[0] + Style.TWO_PANELS[1] / 3);
        assertEquals(top[0], bottom[0], 1, "left edges");
        assertEquals(top[1], bottom[1], 1, "right edges");
        String svg = new String(f.svg(), StandardCharsets.UTF_8);
        assertTrue(svg.contains("<svg"), svg.substring(0, Math.min(200, svg.length())));
    }

    /** The first and last dark columns of row y that continue as a dark line 20 pixels up and down (the frame). */
    private static int[] frame(BufferedImage img, int y) {
        int first = -1, last = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            boolean line = true;
            for (int d = -20; d <= 20 && line; d += 5) line = dark(img.getRGB(x, y + d));
            if (line) { if (first < 0) first = x; last = x; }
        }
        assertTrue(first >= 0, "no frame in row " + y);
        return new int[] {first, last};
    }

    private static boolean dark(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() + c.getGreen() + c.getBlue() < 3 * 110;
    }

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
        Files.createDirectories(SAMPLES);
        Files.write(SAMPLES.resolve("contour.png"), png);
        Files.write(SAMPLES.resolve("contour.svg"), c.svg());
    }
}
