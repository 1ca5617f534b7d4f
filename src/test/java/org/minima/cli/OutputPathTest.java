package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output path that cannot be written is bad input (docs/cli.md, exit codes): exit 2, one line naming the
 * path, and nothing left behind. The answer is the file system: a regular file where a folder must be, a folder
 * where a file must be, and /proc, which takes no new entries.
 */
class OutputPathTest {
    @TempDir Path tmp;

    private Path model(String name, long seed) {
        return LandscapeCommandsTest.model(tmp, name, seed);
    }

    private Path data() throws IOException {
        return LandscapeCommandsTest.csvData(tmp, "data.csv", 30, 7);
    }

    /** Every file under the test folder, relative and sorted. */
    private List<String> files() throws IOException {
        try (var s = Files.walk(tmp)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()).sorted().toList());
        }
    }

    /** Runs, and checks exit 2, one {@code minima: error:} line naming {@code path}, and no new file. */
    private String rejects(Path path, String... args) throws IOException {
        List<String> before = files();
        String line = MainTest.badInput(args);
        assertTrue(line.contains(path.toString()), line);
        assertEquals(before, files(), "nothing written, no temporary file");
        return line;
    }

    @Test
    void sharpnessWithAJsonPathUnderAFileOrOntoAFolderExitsTwoNamingThePath() throws IOException {
        Path m = model("m", 1), d = data();
        Files.writeString(tmp.resolve("plain.txt"), "x");
        Path underFile = tmp.resolve("plain.txt").resolve("out.json");
        String line = rejects(underFile, "sharpness", "--model", m.toString(), "--data", d.toString(), "--json", underFile.toString(), "--quiet");
        assertTrue(line.startsWith("minima: error: --json " + underFile + ": "), line);
        assertTrue(line.endsWith("expected a path in a writable folder"), line);
        Path folder = tmp.resolve("m");
        line = rejects(folder, "sharpness", "--model", m.toString(), "--data", d.toString(), "--json", folder.toString(), "--quiet");
        assertTrue(line.endsWith("it is a folder; expected a file name"), line);
    }

    @Test
    void hessianAndInterpolateWithOutputUnderProcExitTwoNamingThePath() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")));
        Path m = model("m", 1), m2 = model("m2", 2), d = data();
        Path json = Path.of("/proc/minima-no-such/h.json");
        rejects(json, "hessian", "--model", m.toString(), "--data", d.toString(), "--top", "1", "--json", json.toString(), "--quiet");
        Path out = Path.of("/proc/minima-no-such/interp");
        String line = rejects(out, "interpolate", "--from", m.toString(), "--to", m2.toString(), "--train", d.toString(),
                "--test", d.toString(), "--alpha", "0:1:2", "--out", out.toString(), "--quiet");
        assertTrue(line.startsWith("minima: error: --out " + out + ": "), line);
        assertTrue(line.endsWith("expected a writable folder"), line);
    }

    @Test
    void interpolateIntoAFolderUnderAFileExitsTwoAndLeavesNothing() throws IOException {
        Path m = model("m", 1), m2 = model("m2", 2), d = data();
        Files.writeString(tmp.resolve("plain.txt"), "x");
        Path out = tmp.resolve("plain.txt").resolve("interp");
        rejects(out, "interpolate", "--from", m.toString(), "--to", m2.toString(), "--train", d.toString(),
                "--test", d.toString(), "--alpha", "0:1:2", "--out", out.toString(), "--quiet");
    }
}
