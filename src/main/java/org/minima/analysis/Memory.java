package org.minima.analysis;

import org.bytedeco.javacpp.Pointer;

/** How much off-heap memory (where ND4J keeps its arrays) is still free under JavaCPP's limit. */
final class Memory {
    private Memory() {}

    /** JavaCPP's limit (-Dorg.bytedeco.javacpp.maxbytes, by default the -Xmx heap size) minus what is in use. */
    static long freeBytes() {
        long max = Pointer.maxBytes();
        if (max <= 0) max = Runtime.getRuntime().maxMemory();
        return Math.max(0, max - Pointer.totalBytes());
    }
}
