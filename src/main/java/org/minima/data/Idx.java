package org.minima.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.minima.io.InputException;

/**
 * IDX files (LeCun et al., the MNIST page: "FILE FORMATS FOR THE MNIST DATABASE"), raw or gzipped:
 * a big-endian magic {@code 0x00000803} (unsigned bytes, 3 dimensions) followed by count, rows, columns
 * for images; {@code 0x00000801} and count for labels; then the bytes. Images and labels are read in
 * one streaming pass each; only the first {@code limit} examples are decoded.
 */
final class Idx {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private Idx() {}

    /**
     * Reads an image file and its label file as one data set with exampleShape {@code [1, rows, cols]}.
     * {@code limit} null means all examples (and then trailing bytes are an error).
     */
    static DataSet read(String spec, Path images, Path labels, int classes, Integer limit) {
        Path current = images; // the file being read, for messages about damaged gzip streams
        try (DataInputStream xi = new DataInputStream(RawFiles.open(images));
                DataInputStream yi = new DataInputStream(RawFiles.open(labels))) {
            int xm = header(xi, images);
            if (xm != IMAGES_MAGIC) {
                throw new InputException(images + ": magic number 0x" + hex(xm) + ", expected 0x" + hex(IMAGES_MAGIC)
                        + " (an IDX file of unsigned-byte images)" + (xm == LABELS_MAGIC ? "; this looks like a label file" : ""));
            }
            int n = readInt(xi, images);
            int rows = readInt(xi, images);
            int cols = readInt(xi, images);
            if (n < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 24) {
                throw new InputException(images + ": header says " + Integer.toUnsignedString(n) + " images of " + Integer.toUnsignedString(rows)
                        + "×" + Integer.toUnsignedString(cols) + ", expected positive sizes");
            }
            // the header is a claim: check it against what the file can hold before allocating for it
            RawFiles.requireContent(images, 16, (long) n * rows * cols, "the header says " + n + " images of " + rows + "×" + cols);
            current = labels;
            int ym = header(yi, labels);
            if (ym != LABELS_MAGIC) {
                throw new InputException(labels + ": magic number 0x" + hex(ym) + ", expected 0x" + hex(LABELS_MAGIC)
                        + " (an IDX file of unsigned-byte labels)" + (ym == IMAGES_MAGIC ? "; this looks like an image file" : ""));
            }
            int m = readInt(yi, labels);
            if (m != n) {
                throw new InputException(labels + ": " + Integer.toUnsignedString(m) + " labels, but " + images + " has " + n + " images; expected equal counts");
            }
            RawFiles.requireContent(labels, 8, n, "the header says " + n + " labels");
            int take = n;
            if (limit != null) {
                if (limit > n) throw new InputException(spec + ": --examples " + limit + ", but the data set has only " + n + " examples");
                take = limit;
            }
            int f = rows * cols;
            if ((long) take * f > Integer.MAX_VALUE - 8) throw new InputException(images + ": " + take + " images of " + rows + "×" + cols + " are too many to hold in memory");
            current = images;
            // a raw file's size was checked above, so its count is exact; a gzip stream's is only bounded, so its
            // buffer grows with the data that actually arrives (at most 1.5× what was read, plus one final copy)
            Cifar.FloatBuffer x = new Cifar.FloatBuffer(RawFiles.isGzip(images) ? (int) Math.min((long) take * f, 1 << 20) : take * f);
            byte[] buf = new byte[1 << 16];
            long want = (long) take * f;
            long done = 0;
            while (done < want) {
                int len = (int) Math.min(buf.length, want - done);
                int r = RawFiles.readFully(xi, buf, 0, len);
                // the cheap part: one byte to one float, & 0xFF for unsigned pixels 0..255
                x.addBytes(buf, 0, r);
                done += r;
                if (r < len) {
                    throw new InputException(images + ": truncated: the header says " + n + " images of " + rows + "×" + cols + " ("
                            + (long) n * f + " bytes), but the data ends after " + done + " bytes");
                }
            }
            current = labels;
            byte[] yb = new byte[take];
            int r = RawFiles.readFully(yi, yb, 0, take);
            if (r < take) throw new InputException(labels + ": truncated: the header says " + n + " labels, but the data ends after " + r);
            int[] y = new int[take];
            for (int i = 0; i < take; i++) {
                y[i] = yb[i] & 0xFF;
                if (y[i] >= classes) {
                    throw new InputException(labels + ": label " + y[i] + " at example " + i + ", expected 0.." + (classes - 1));
                }
            }
            if (limit == null) {
                current = images;
                if (xi.read() >= 0) throw new InputException(images + ": extra bytes after the " + n + " images the header announces");
                current = labels;
                if (yi.read() >= 0) throw new InputException(labels + ": extra bytes after the " + n + " labels the header announces");
            }
            return new DataSet(spec, new int[] {1, rows, cols}, classes, x.toArray(), y);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new InputException(current + ": damaged or truncated gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InputException(current + ": cannot read: " + e.getMessage());
        }
    }

    private static int header(DataInputStream in, Path file) throws IOException {
        byte[] b = new byte[4];
        if (RawFiles.readFully(in, b, 0, 4) < 4) throw new InputException(file + ": truncated: shorter than the 4-byte IDX magic number");
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static int readInt(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (java.io.EOFException e) {
            throw new InputException(file + ": truncated IDX header");
        }
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
