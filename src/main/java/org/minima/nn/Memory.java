package org.minima.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.minima.io.InputException;

/**
 * Off-heap memory (where ND4J keeps its arrays), checked before it is used. JavaCPP counts every buffer ND4J
 * allocates against {@code org.bytedeco.javacpp.maxbytes} (by default the -Xmx heap size); past it an allocation
 * throws an {@link OutOfMemoryError} with a 40-line trace, and a native allocation the machine cannot back can
 * kill the JVM outright (SIGSEGV). So the large buffers (a network's vectors, a chunk's activations) are
 * estimated first and refused as bad input (exit 2) with the estimate and how to give more. Cost: a read of
 * /proc/meminfo per check; checks happen when buffers grow, not per step.
 */
public final class Memory {
    /** What to tell a user who needs more memory. */
    public static final String HOW_TO_GIVE_MORE = "give Java more memory (java -Xmx…, and for the off-heap arrays "
            + "-Dorg.bytedeco.javacpp.maxbytes=… -Dorg.bytedeco.javacpp.maxphysicalbytes=…)";

    private Memory() {}

    /** JavaCPP's limit (-Dorg.bytedeco.javacpp.maxbytes, by default the -Xmx heap size) minus what is in use. */
    public static long freeBytes() {
        long max = Pointer.maxBytes();
        if (max <= 0) max = Runtime.getRuntime().maxMemory();
        long free = Math.max(0, max - Pointer.totalBytes());
        long available = availablePhysical();
        return available > 0 ? Math.min(free, available) : free;
    }

    /**
     * Refuses (exit 2) to allocate {@code bytes} off-heap for {@code what} (e.g. "a chunk of 1000 examples of
     * model.json") when they exceed {@link #freeBytes()}; {@code smaller} says how to ask for less.
     */
    public static void require(long bytes, String what, String smaller) {
        long free = freeBytes();
        if (bytes < 0 || bytes > free) {
            throw new InputException(what + " needs about " + gb(bytes) + " of off-heap memory, but only " + gb(free)
                    + " is free (limit " + gb(Pointer.maxBytes()) + "); " + (smaller == null ? "" : smaller + ", or ") + HOW_TO_GIVE_MORE);
        }
    }

    /** bytes × count, or −1 (refused by {@link #require}) when the product passes 2^63. */
    public static long times(long bytes, long count) {
        try {
            return Math.multiplyExact(bytes, count);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** a + b, −1 when either is −1 or the sum overflows. */
    public static long plus(long a, long b) {
        if (a < 0 || b < 0) return -1;
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** "1.23 GB" (10^9), or "more than 2^63 bytes" for the overflow marker −1. */
    public static String gb(long bytes) {
        if (bytes < 0) return "more than 2^63 bytes";
        return String.format(Locale.ROOT, bytes < 10_000_000L ? "%.4f GB" : "%.2f GB", bytes / 1e9);
    }

    /**
     * Sets JavaCPP's off-heap limits from the JVM's before ND4J loads, unless the user gave them: {@code maxbytes}
     * the heap limit (-Xmx), {@code maxphysicalbytes} heap plus off-heap, capped by the machine's memory. Past them
     * a native allocation fails as an exception (which the CLI turns into one line), never as a crash.
     */
    public static void configureLimits() {
        long heap = Runtime.getRuntime().maxMemory();
        if (System.getProperty("org.bytedeco.javacpp.maxbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxbytes", Long.toString(heap));
        }
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            long off = parseBytes(System.getProperty("org.bytedeco.javacpp.maxbytes"), heap);
            long physical = Math.max(0, plus(heap, off));
            long total = totalPhysical();
            if (total > 0) physical = Math.min(physical, total);
            System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", Long.toString(physical));
        }
    }

    /** JavaCPP's size syntax: a number with an optional k/m/g/t suffix; {@code fallback} when unreadable. */
    private static long parseBytes(String s, long fallback) {
        if (s == null || s.isBlank()) return fallback;
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        int shift = "kmgt".indexOf(last);
        if (shift >= 0) {
            unit = 1L << (10 * (shift + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            return times(Long.parseLong(t), unit);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** MemAvailable of /proc/meminfo in bytes, or 0 when unknown (not Linux). */
    static long availablePhysical() {
        return meminfo("MemAvailable:");
    }

    private static long totalPhysical() {
        return meminfo("MemTotal:");
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    String[] p = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: JavaCPP's limit alone
        }
        return 0;
    }
}
