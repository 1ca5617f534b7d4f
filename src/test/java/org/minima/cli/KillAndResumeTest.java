package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.PausingWriterMain;

/**
 * {@code train} killed with a real SIGKILL ({@link Process#destroyForcibly}) in a child JVM, then resumed with
 * {@code --resume}, must end with the bytes of the weights of an uninterrupted run (same seed, one thread): the
 * answer is that uninterrupted run. Two moments: inside a checkpoint write (between its weights and its
 * model.json, where {@link PausingWriterMain} holds the child) and just after a checkpoint is complete (the test
 * polls for it and kills at once). Cost: five JVM starts, about 20 s on 2 cores.
 */
class KillAndResumeTest {
    @TempDir Path dir;

    static final String CONFIG = "model: {input: [5], classes: 3, layers: [{type: linear, in: 5, out: 16}, {type: relu}, "
            + "{type: linear, in: 16, out: 3}]}\ndata: {train: DATA}\noptimizer: {name: adam, lr: 0.01}\nbatch: {size: 4}\nepochs: 3\nseed: 7\n";

    @Test
    void aRunKilledInsideACheckpointWriteOrAtACheckpointResumesToTheWeightsOfAnUninterruptedRun() throws Exception {
        Path data = dir.resolve("d.csv");
        StringBuilder b = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 1500; i++) {
            double[] x = new double[5];
            for (int j = 0; j < 5; j++) x[j] = r.nextGaussian();
            int label = x[0] + x[1] > 0.5 ? 0 : x[2] > 0 ? 1 : 2;
            for (double v : x) b.append(v).append(',');
            b.append(label).append('\n');
        }
        Files.writeString(data, b.toString());
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, CONFIG.replace("DATA", data.toString()));

        Path ref = dir.resolve("ref");
        assertEquals(0, child(0, config, ref).waitFor(), "the uninterrupted run");
        byte[] expected = Files.readAllBytes(ref.resolve("weights.safetensors"));

        // inside the second checkpoint's write: its weights are written (in a hidden folder beside checkpoint.tmp),
        // its model.json not yet
        Path a = dir.resolve("a");
        Process pa = child(2, config, a);
        waitFor(() -> Files.exists(a.resolve("paused")), pa);
        pa.destroyForcibly().waitFor();
        assertTrue(Files.isDirectory(a.resolve("checkpoint")) && Files.exists(a.resolve(".minima.lock")), "killed mid-write, lock left");
        assertEquals(0, resume(a).waitFor(), "resume after the kill inside the write");
        assertArrayEquals(expected, Files.readAllBytes(a.resolve("weights.safetensors")));
        try (var s = Files.list(a)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
                    "the killed write's hidden folder and the dead process's lock are gone");
        }

        // just after the first checkpoint is complete
        Path c = dir.resolve("b");
        Process pb = child(0, config, c);
        waitFor(() -> Files.exists(c.resolve("checkpoint/state.json")), pb);
        pb.destroyForcibly().waitFor();
        assertFalse(Files.exists(c.resolve("weights.safetensors")), "killed before the end");
        assertEquals(0, resume(c).waitFor(), "resume after the kill at the checkpoint");
        assertArrayEquals(expected, Files.readAllBytes(c.resolve("weights.safetensors")));
        assertFalse(Files.exists(c.resolve(".minima.lock")), "the lock is released");
    }

    private Process child(int pauseAt, Path config, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        return start(pauseAt, out, "train", config.toString(), "--out", out.toString());
    }

    private Process resume(Path out) throws IOException {
        return start(0, out, "train", "--resume", out.toString());
    }

    private Process start(int pauseAt, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), PausingWriterMain.class.getName(),
                Integer.toString(pauseAt), out.resolve("paused").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--threads", "1", "--quiet"));
        File log = out.resolveSibling(out.getFileName() + ".log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    interface Condition {
        boolean holds() throws IOException;
    }

    /** Polls every 2 ms until {@code c} holds; fails if the child ends first or after 60 s. */
    private static void waitFor(Condition c, Process p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.holds()) {
            assertTrue(p.isAlive(), "the child ended before the moment to kill it");
            assertTrue(System.nanoTime() < end, "timed out");
            Thread.sleep(2);
        }
    }
}
