package org.minima.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.minima.nn.Threads;

/**
 * What a researcher's first run costs (issue 15): the wall time, CPU time and peak resident memory of
 * {@code minima reproduce experiments/keskar-f1.yaml --quick} in a fresh process, into a temporary folder (deleted
 * after). The child is this JVM's own java with this JVM's -Xmx and -D settings (the launcher's, when bench ran
 * through it), so it sees the memory a user of the launcher gets. Peak memory is the child's VmHWM (the kernel's
 * high-water mark of its resident set: heap, off-heap arrays, code), read from /proc every 100 ms until it exits.
 * One run whatever {@code --repeats} says: a run takes minutes. Skipped (no rows, a note on stderr) when not run from
 * a source checkout (it needs experiments/) or on a system without /proc.
 */
public final class QuickReproduce implements Benchmark {
    static final Path EXPERIMENT = Path.of("experiments", "keskar-f1.yaml");
    /** Issue 18's bar for the smoke run on 2 cores. */
    static final double BAR_SECONDS = 600;

    @Override public String name() { return "quick"; }

    @Override
    public String description() {
        return "wall time, CPU time and peak memory of 'minima reproduce experiments/keskar-f1.yaml --quick' (a fresh process, one run)";
    }

    @Override
    public List<Row> run(int repeats) {
        if (!Files.isRegularFile(EXPERIMENT)) {
            System.err.println("bench: quick: " + EXPERIMENT + " not found (run from a source checkout); skipped");
            return List.of();
        }
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            System.err.println("bench: quick: no /proc to read the child's memory from; skipped");
            return List.of();
        }
        Path out = PythonPeer.temporaryFolder("minima-bench-quick");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("-Xmx") || a.startsWith("-D")) cmd.add(a);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.minima.cli.Main", "reproduce", EXPERIMENT.toString(),
                    "--quick", "--quiet", "--threads", String.valueOf(Threads.current()), "--out", out.resolve("run").toString()));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("log.txt").toFile()).start();
            long peakKb = 0;
            Duration cpu = Duration.ZERO;
            while (p.isAlive()) {
                peakKb = Math.max(peakKb, highWaterKb(p.pid()));
                cpu = p.info().totalCpuDuration().orElse(cpu);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    p.destroy();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            int code = p.exitValue();
            if (code != 0) {
                throw new IllegalStateException("reproduce --quick exited with " + code + "; its output:\n" + Files.readString(out.resolve("log.txt")));
            }
            String cmdLine = "reproduce " + EXPERIMENT + " --quick --threads " + Threads.current();
            return List.of(
                    new Row("reproduce --quick wall", wall, "s", cmdLine + "; bar <= " + (int) BAR_SECONDS + " s on 2 cores (issue 18)"),
                    new Row("reproduce --quick CPU", cpu.toMillis() / 1e3, "s", "user + system, all threads (the last reading, ≤ 0.1 s before exit)"),
                    new Row("reproduce --quick peak memory", peakKb / 1024.0, "MB",
                            String.format(Locale.ROOT, "peak resident set (VmHWM) of the process, %s", memorySettings(cmd))));
        } catch (IOException e) {
            throw new UncheckedIOException("bench quick", e);
        } finally {
            PythonPeer.delete(out);
        }
    }

    /** The child's VmHWM in kB, or 0 when it cannot be read (the process has just ended). */
    static long highWaterKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            // gone between isAlive() and the read
        }
        return 0;
    }

    private static String memorySettings(List<String> cmd) {
        List<String> s = new ArrayList<>();
        for (String a : cmd) if (a.startsWith("-Xmx") || a.startsWith("-Dorg.bytedeco")) s.add(a);
        return s.isEmpty() ? "the JVM's default limits" : String.join(" ", s);
    }
}
