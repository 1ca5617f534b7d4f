package org.minima.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.minima.cli.Main;

/**
 * A child JVM for the kill tests: runs {@code minima ARGS...} with a pause in the {@code N}th model-directory write,
 * between its two files: it creates {@code MARKER} and sleeps, so the parent can {@code kill -9} it exactly there.
 * Usage: {@code PausingWriterMain N MARKER ARGS...}; N = 0 never pauses.
 */
public final class PausingWriterMain {
    private PausingWriterMain() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path marker = Path.of(args[1]);
        AtomicInteger calls = new AtomicInteger();
        ModelDirectory.beforeSecondFile = () -> {
            if (calls.incrementAndGet() != n) return;
            try {
                Files.writeString(marker, "paused");
                Thread.sleep(120_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        System.exit(Main.run(Arrays.copyOfRange(args, 2, args.length)));
    }
}
