package org.minima.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.minima.io.InputException;

/**
 * The binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky 2009; the CIFAR page, "Binary version"):
 * fixed-size records of label byte(s) then 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, each
 * 32×32 row-major — exactly a row-major {@code [3, 32, 32]} example. CIFAR-10 records have one label
 * byte (0..9); CIFAR-100 records a coarse (0..19) then a fine (0..99) label byte, and we use the fine.
 * Files may be gzipped. Each file is read in one pass into a reused record buffer.
 */
final class Cifar {
    static final int PIXELS = 3 * 32 * 32;

    private Cifar() {}

    static DataSet read10(String spec, Path dir, boolean train, Integer limit) {
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) files.add(need(dir, "data_batch_" + i + ".bin", spec));
        } else {
            files.add(need(dir, "test_batch.bin", spec));
        }
        return read(spec, files, 1, 10, limit);
    }

    static DataSet read100(String spec, Path dir, boolean train, Integer limit) {
        return read(spec, List.of(need(dir, train ? "train.bin" : "test.bin", spec)), 2, 100, limit);
    }

    private static Path need(Path dir, String name, String spec) {
        if (!Files.isDirectory(dir)) throw new InputException(spec + ": " + dir + " is not a directory");
        Path p = RawFiles.rawOrGz(dir, name);
        if (p == null) throw new InputException(spec + ": " + dir.resolve(name) + " not found (expected the binary version of the data set in " + dir + ")");
        return p;
    }

    private static DataSet read(String spec, List<Path> files, int labelBytes, int classes, Integer limit) {
        int rec = labelBytes + PIXELS;
        byte[] r = new byte[rec];
        // Size the buffers from the file sizes (exact for raw files; gzipped ones grow the buffer as they go).
        // Never from --examples alone: a limit larger than the files would allocate for records that are not there.
        long known = 0;
        boolean gzip = false;
        for (Path f : files) {
            try {
                if (RawFiles.isGzip(f)) gzip = true;
                else known += Files.size(f) / rec;
            } catch (IOException e) {
                throw new InputException(f + ": cannot read: " + e.getMessage());
            }
        }
        long expect = gzip ? known + 1024 : known;
        int cap = (int) Math.min(limit != null ? Math.min(limit, expect) : expect, (Integer.MAX_VALUE - 8) / PIXELS);
        FloatBuffer x = new FloatBuffer(cap * PIXELS);
        IntBuffer y = new IntBuffer(cap);
        for (Path f : files) {
            if (limit != null && y.size == limit) break;
            try (InputStream in = RawFiles.open(f)) {
                for (int i = 0; limit == null || y.size < limit; i++) {
                    int got = RawFiles.readFully(in, r, 0, rec);
                    if (got == 0) break;
                    if (got < rec) {
                        throw new InputException(f + ": truncated: record " + i + " has " + got + " bytes, expected " + rec
                                + " (" + (labelBytes == 1 ? "1 label byte" : "coarse and fine label bytes") + " + 3072 pixel bytes)");
                    }
                    if (labelBytes == 2 && (r[0] & 0xFF) >= 20) {
                        throw new InputException(f + ": record " + i + " has coarse label " + (r[0] & 0xFF) + ", expected 0..19");
                    }
                    int label = r[labelBytes - 1] & 0xFF;
                    if (label >= classes) {
                        throw new InputException(f + ": record " + i + " has label " + label + ", expected 0.." + (classes - 1));
                    }
                    y.add(label);
                    x.addBytes(r, labelBytes, PIXELS);
                }
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new InputException(f + ": damaged or truncated gzip data (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new InputException(f + ": cannot read: " + e.getMessage());
            }
        }
        if (limit != null && y.size < limit) {
            throw new InputException(spec + ": --examples " + limit + ", but the data set has only " + y.size + " examples");
        }
        if (y.size == 0) throw new InputException(spec + ": no examples in " + files);
        return new DataSet(spec, new int[] {3, 32, 32}, classes, x.toArray(), y.toArray());
    }

    /** Growable float[]; amortized O(1) per value. */
    static final class FloatBuffer {
        float[] a;
        int size;

        FloatBuffer(int capacity) {
            a = new float[Math.max(16, capacity)];
        }

        void addBytes(byte[] b, int off, int len) {
            ensure(len);
            for (int i = 0; i < len; i++) a[size + i] = b[off + i] & 0xFF;
            size += len;
        }

        void add(float v) {
            ensure(1);
            a[size++] = v;
        }

        private void ensure(int more) {
            if (size + more > a.length) {
                long cap = Math.max((long) a.length * 3 / 2, (long) size + more);
                if (cap > Integer.MAX_VALUE - 8) throw new InputException("data set too large to hold in memory (more than 2^31 values)");
                a = java.util.Arrays.copyOf(a, (int) cap);
            }
        }

        float[] toArray() {
            return size == a.length ? a : java.util.Arrays.copyOf(a, size);
        }
    }

    /** Growable int[]. */
    static final class IntBuffer {
        int[] a;
        int size;

        IntBuffer(int capacity) {
            a = new int[Math.max(16, capacity)];
        }

        void add(int v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
