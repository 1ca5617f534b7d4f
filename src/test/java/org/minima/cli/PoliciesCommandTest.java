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
        // 18 policies + 2 schedule panels = 20 panels, 3 a row of 273×240 (the house width 820 / 3), drawn at 2×: 7 rows
        assertEquals(2 * 3 * 273, img.getWidth());
        assertEquals(2 * 7 * 240, img.getHeight());
        assertTrue(java.nio.file.Files.readString(tmp.resolve("policies.svg")).contains("<svg"));
        assertTrue(tmp.toFile().list().length == 2, "the PNG and the SVG, no temporary file left behind");
    }

    @Test
    void rangeTestWritesTheSweptCurveAndItsPlot() throws Exception {
        Path data = org.minima.data.Blobs.write(tmp, 0.8);
        Path cfg = tmp.resolve("cfg.yaml");
        java.nio.file.Files.writeString(cfg, "model: {input: [4], classes: 3, layers: [{type: linear, in: 4, out: 6}, {type: relu}, "
                + "{type: linear, in: 6, out: 3}]}\ndata: {train: " + data + "}\noptimizer: {name: sgd, lr: 0.1}\nbatch: {size: 10}\nepochs: 1\n");
        Path out = tmp.resolve("rt");
        assertEquals(0, Main.run("policies", "--range-test", cfg.toString(), "--min-lr", "1e-4", "--max-lr", "10", "--steps", "30",
                "--out", out.toString(), "--threads", "1"));
        java.util.List<String> lines = java.nio.file.Files.readAllLines(out.resolve("range-test.csv"));
        assertEquals("lr,loss,smoothedLoss", lines.get(0));
        assertEquals(1e-4, Double.parseDouble(lines.get(1).split(",")[0]), 1e-18); // the sweep starts at --min-lr
        assertTrue(lines.size() >= 3 && lines.size() <= 31, "at most --steps points: " + lines.size());
        assertTrue(ImageIO.read(out.resolve("range-test.png").toFile()).getWidth() > 0);
        assertEquals(2, Main.run("policies", "--steps", "30"), "--steps without --range-test is refused");
    }
}
