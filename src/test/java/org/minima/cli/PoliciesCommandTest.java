package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `minima policies --plot` writes a readable PNG with one panel per policy plus the batch-schedule panels. */
class PoliciesCommandTest {
    @TempDir Path tmp;

    @Test
    void plotIsAPngWithAGridOfPanelsForEveryPolicy() throws Exception {
        Path png = tmp.resolve("policies.png");
        assertEquals(0, Main.run("policies", "--plot", png.toString()));
        BufferedImage img = ImageIO.read(png.toFile());
        // 17 policies + 2 schedule panels = 19 panels, 3 a row of 273×200 (the house width 820 / 3), drawn at 2×: 7 rows
        assertEquals(2 * 3 * 273, img.getWidth());
        assertEquals(2 * 7 * 200, img.getHeight());
        assertTrue(java.nio.file.Files.readString(tmp.resolve("policies.svg")).contains("<svg"));
        assertTrue(tmp.toFile().list().length == 2, "the PNG and the SVG, no temporary file left behind");
    }
}
