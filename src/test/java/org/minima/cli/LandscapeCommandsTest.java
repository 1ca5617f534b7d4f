package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.minima.analysis.Grid;
import org.minima.analysis.InterpolationNetworkTest;
import org.minima.data.DataSets;
import org.minima.io.ModelDirectory;
import org.minima.nn.Evaluation;
import org.minima.nn.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class LandscapeCommandsTest {
    @TempDir Path tmp;

    /** A saved copy of {@link InterpolationNetworkTest#net}'s batch-norm network in {@code parent/name}. */
    static Path model(Path parent, String name, long seed) {
        Network n = InterpolationNetworkTest.net(seed);
        Path dir = parent.resolve(name);
        ModelDirectory.write(dir, n.spec(), n.toTensors("F64"));
        return dir;
    }

    /** {@code n} CSV rows of 6 features in 0..255 and labels 0..2, in {@code parent/name}. */
    static Path csvData(Path parent, String name, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) sb.append(r.nextInt(0, 256)).append(',');
            sb.append(i % 3).append('\n');
        }
        Path f = parent.resolve(name);
        Files.writeString(f, sb);
        return f;
    }

    private static List<String> lines(Path f) throws IOException {
        List<String> out = new ArrayList<>(Files.readAllLines(f));
        out.removeIf(String::isBlank);
        return out;
    }

    private static void assertPng(Path f) throws IOException {
        assertTrue(Files.size(f) > 1000, f + " is " + Files.size(f) + " bytes");
        BufferedImage img = ImageIO.read(f.toFile());
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
    }

    @Test
    void interpolateWritesTheDocumentedCsvOnTheAlphaGridAndAPlotAndItsEndsAreTheModelsLosses() throws IOException {
        // The answer for the ends: each model loaded from its directory and evaluated on its own.
        Path a = model(tmp, "sb", 31);
        Path b = model(tmp, "lb", 32);
        Path train = csvData(tmp, "train.csv", 60, 1);
        Path test = csvData(tmp, "test.csv", 30, 2);
        Path out = tmp.resolve("interp");
        int code = Main.run("interpolate", "--from", a.toString(), "--to", b.toString(), "--train", train.toString(),
                "--test", test.toString(), "--out", out.toString(), "--quiet", "--threads", "1");
        assertEquals(0, code);
        List<String> rows = lines(out.resolve("interpolation.csv"));
        assertEquals("alpha,trainLoss,trainAccuracy,testLoss,testAccuracy", rows.get(0));
        assertEquals(26, rows.size());
        Grid g = Grid.parse("-1:2:25", "--alpha");
        for (int i = 0; i < 25; i++) assertEquals(g.value(i), Double.parseDouble(rows.get(i + 1).split(",")[0]), 0.0);
        var ma = ModelDirectory.read(a);
        var mb = ModelDirectory.read(b);
        Evaluation ea = Network.load(ma.spec(), ma.tensors(), DataType.DOUBLE).evaluate(DataSets.load(train.toString()), 1000);
        Evaluation eb = Network.load(mb.spec(), mb.tensors(), DataType.DOUBLE).evaluate(DataSets.load(test.toString()), 1000);
        assertEquals(ea.loss(), Double.parseDouble(rows.get(1 + 8).split(",")[1]), 1e-12);
        assertEquals(eb.loss(), Double.parseDouble(rows.get(1 + 16).split(",")[3]), 1e-12);
        assertPng(out.resolve("interpolation.png"));
        assertTrue(Files.readString(out.resolve("interpolation.svg")).contains("<svg"));
    }

    @Test
    void aTwoDimensionalLandscapeWritesItsGridAndAnInterruptedOneResumesWithoutRecomputingFinishedCells() throws IOException {
        Path m = model(tmp, "m", 41);
        Path data = csvData(tmp, "d.csv", 40, 3);
        Path out = tmp.resolve("land");
        String[] args = {"landscape", "--model", m.toString(), "--data", data.toString(), "--dims", "2", "--grid", "-1:1:5",
            "--seed", "3", "--out", out.toString(), "--quiet", "--threads", "1"};
        assertEquals(0, Main.run(args));
        List<String> rows = lines(out.resolve("landscape.csv"));
        assertEquals("x,y,loss,accuracy", rows.get(0));
        assertEquals(26, rows.size());
        Grid g = Grid.parse("-1:1:5", "--grid");
        for (int c = 0; c < 25; c++) {
            String[] f = rows.get(c + 1).split(",");
            assertEquals(g.value(c % 5), Double.parseDouble(f[0]), 0.0);
            assertEquals(g.value(c / 5), Double.parseDouble(f[1]), 0.0);
        }
        assertPng(out.resolve("landscape.png"));
        assertTrue(Files.exists(out.resolve("direction1.safetensors")) && Files.exists(out.resolve("direction2.safetensors")));

        // Interrupt: keep the first 12 cells, with one value changed to a marker no evaluation gives (−7);
        // the rerun must keep the marker (not recompute) and reproduce the 13 dropped cells exactly.
        List<String> partial = new ArrayList<>(rows.subList(0, 13));
        String[] f = partial.get(5).split(",");
        partial.set(5, f[0] + "," + f[1] + ",-7.0," + f[3]);
        Files.writeString(out.resolve("landscape.csv"), String.join("\n", partial) + "\n");
        assertEquals(0, Main.run(args));
        List<String> resumed = lines(out.resolve("landscape.csv"));
        assertEquals(26, resumed.size());
        assertEquals(partial.get(5), resumed.get(5));
        for (int r = 13; r < 26; r++) assertEquals(rows.get(r), resumed.get(r));

        // Another grid in the same folder is refused (exit 2), the CSV untouched.
        String[] other = args.clone();
        other[8] = "-2:2:5";
        assertEquals(2, Main.run(other));
        assertEquals(resumed, lines(out.resolve("landscape.csv")));
    }

    @Test
    void aOneDimensionalLandscapeAlongGivenDirectionsUsesThoseFiles() throws IOException {
        // Directions written by a first run are read back as --directions: same files, same CSV (same model).
        Path m = model(tmp, "m1", 51);
        Path data = csvData(tmp, "d1.csv", 30, 4);
        Path first = tmp.resolve("first");
        assertEquals(0, Main.run("landscape", "--model", m.toString(), "--data", data.toString(), "--grid", "-0.5:0.5:5",
                "--out", first.toString(), "--quiet"));
        Path second = tmp.resolve("second");
        assertEquals(0, Main.run("landscape", "--model", m.toString(), "--data", data.toString(), "--grid", "-0.5:0.5:5",
                "--directions", first.toString(), "--out", second.toString(), "--quiet"));
        assertEquals("x,loss,accuracy", lines(second.resolve("landscape.csv")).get(0));
        assertEquals(lines(first.resolve("landscape.csv")), lines(second.resolve("landscape.csv")));
        assertPng(second.resolve("landscape.png"));
    }
}
