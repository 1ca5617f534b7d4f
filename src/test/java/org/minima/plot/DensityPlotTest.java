package org.minima.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DensityPlotTest {
    @Test
    void writesAReadablePngOfTheChartSizeAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        // independent answer: javax.imageio decodes the file as a 1640×1120 image (the house size at 2×), an SVG beside it
        double[] grid = new double[101];
        double[] values = new double[101];
        for (int i = 0; i < grid.length; i++) { grid[i] = i / 10.0; values[i] = Math.exp(-grid[i]); }
        Path png = dir.resolve("density.png");
        DensityPlot.write(png, "test", grid, values, new double[] {9.5, 7});
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * Style.WIDTH, img.getWidth());
        assertEquals(2 * Style.HEIGHT, img.getHeight());
        try (var files = Files.list(dir)) { assertEquals(2, files.count()); }
        assertTrue(Files.readString(dir.resolve("density.svg")).contains("<svg"));
        assertTrue(Files.size(png) > 1000);
    }
}
