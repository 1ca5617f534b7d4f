package org.minima.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.minima.io.InputException;

/** Opening raw or gzip-compressed data files, and reading them in bulk. */
final class RawFiles {
    private RawFiles() {}

    /** {@code file} as a stream, gunzipped when it starts with the gzip magic bytes 1f 8b (whatever its name). */
    static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
            } catch (IOException e) {
                raw.close();
                throw new InputException(file + ": damaged gzip header (" + e.getMessage() + ")");
            }
        }
        return raw;
    }

    /**
     * Deflate expands at most about 1032:1 (RFC 1951: a 258-byte match in as few as 2 bits, plus block overhead),
     * so a gzip file of S bytes holds at most 1032·S bytes of content.
     */
    static final long GZIP_MAX_RATIO = 1032;

    /** Whether {@code file} starts with the gzip magic bytes 1f 8b. */
    static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Refuses a header's claim that {@code file} holds {@code bytes} bytes (of content, after gunzipping) when the
     * file cannot: a raw file shorter than that, or a gzip file too small to expand to it. {@code claim} says what
     * the header says. Checked before anything is allocated for the claim. Cost: a stat and a 2-byte read.
     */
    static void requireContent(Path file, long header, long bytes, String claim) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
        if (isGzip(file)) {
            if ((header + bytes) / GZIP_MAX_RATIO > size) {
                throw new InputException(file + ": " + claim + " (" + bytes + " bytes), more than a gzip file of " + size
                        + " bytes can hold (at most " + GZIP_MAX_RATIO + "×); truncated or a damaged header");
            }
        } else if (header + bytes > size) {
            throw new InputException(file + ": truncated: " + claim + " (" + bytes + " bytes), but the data ends after " + Math.max(0, size - header) + " bytes");
        }
    }

    /** Reads up to {@code len} bytes; returns how many were read (fewer only at the end of the stream). */
    static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(b, off + n, len - n);
            if (r < 0) break;
            n += r;
        }
        return n;
    }

    /** {@code file} if it exists, else {@code file.gz} if that exists, else null. */
    static Path rawOrGz(Path dir, String name) {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) return p;
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        return null;
    }
}
