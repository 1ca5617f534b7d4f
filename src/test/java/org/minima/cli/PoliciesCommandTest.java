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
        // 17 policies + 2 schedule panels = 19 panels, 4 a row of 360×240: 5 rows
        assertEquals(4 * 360, img.getWidth());
        assertEquals(5 * 240, img.getHeight());
        assertTrue(tmp.toFile().list().length == 1, "no temporary file left behind");
    }
}
