package org.minima.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.InputException;

/** IDX and CIFAR files built byte by byte from the published formats. */
class IdxCifarTest {
    @TempDir Path dir;

    /** Big-endian 32-bit, as the IDX format stores its header. */
    static void be32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write(v & 0xFF);
    }

    static byte[] idxImages(int magic, int n, int rows, int cols, int pixelsPresent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        be32(out, magic);
        be32(out, n);
        be32(out, rows);
        be32(out, cols);
        for (int i = 0; i < pixelsPresent; i++) out.write(pixel(i));
        return out.toByteArray();
    }

    /** Pixel i of the test images: covers 0..255, including values above 127 that a signed byte would flip. */
    static int pixel(int i) {
        return (i * 37 + 200) % 256;
    }

    static byte[] idxLabels(int magic, int... labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        be32(out, magic);
        be32(out, labels.length);
        for (int l : labels) out.write(l);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }

    private Path mnistDir(String name, byte[] images, byte[] labels, boolean gz, String prefix) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        String s = gz ? ".gz" : "";
        Files.write(d.resolve(prefix + "-images-idx3-ubyte" + s), gz ? gzip(images) : images);
        Files.write(d.resolve(prefix + "-labels-idx1-ubyte" + s), gz ? gzip(labels) : labels);
        return d;
    }

    @Test
    void idxImagesAndLabelsReadAsWrittenRawAndGzipped() throws Exception {
        // 3 images of 2×3: pixel k of the file is example k/6, row (k%6)/3, column k%3
        for (boolean gz : new boolean[] {false, true}) {
            Path d = mnistDir("m" + gz, idxImages(0x803, 3, 2, 3, 18), idxLabels(0x801, 7, 0, 9), gz, "train");
            DataSet ds = DataSets.load("mnist:" + d);
            assertEquals(3, ds.size());
            assertArrayEquals(new int[] {1, 2, 3}, ds.exampleShape());
            assertEquals(10, ds.classes());
            assertArrayEquals(new int[] {7, 0, 9}, ds.labels());
            float[] want = new float[18];
            for (int k = 0; k < 18; k++) want[k] = pixel(k);
            assertArrayEquals(want, ds.rawFeatures(), 0f);
            DataSet two = DataSets.load("mnist:" + d + ":train", 2);
            assertEquals(2, two.size());
            assertArrayEquals(Arrays.copyOf(want, 12), two.rawFeatures(), 0f);
        }
    }

    @Test
    void theTestSplitReadsT10kFiles() throws Exception {
        Path d = mnistDir("t", idxImages(0x803, 1, 1, 1, 1), idxLabels(0x801, 4), false, "t10k");
        assertArrayEquals(new int[] {4}, DataSets.load("mnist:" + d + ":test").labels());
        assertTrue(error("mnist:" + d).contains("no train-images-idx3-ubyte[.gz] in " + d));
    }

    private static String error(String spec) {
        return error(spec, null);
    }

    private static String error(String spec, Integer n) {
        InputException e = assertThrows(InputException.class, () -> DataSets.load(spec, n));
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void wrongMagicNumbersAreRejected() throws Exception {
        Path d = mnistDir("a", idxImages(0x801, 3, 2, 3, 18), idxLabels(0x801, 1, 2, 3), false, "train");
        assertEquals(d.resolve("train-images-idx3-ubyte") + ": magic number 0x00000801, expected 0x00000803 (an IDX file of unsigned-byte images); this looks like a label file",
                error("mnist:" + d));
        Path e = mnistDir("b", idxImages(0x803, 3, 2, 3, 18), idxLabels(0x802, 1, 2, 3), true, "train");
        assertTrue(error("mnist:" + e).startsWith(e.resolve("train-labels-idx1-ubyte.gz") + ": magic number 0x00000802, expected 0x00000801"));
    }

    @Test
    void truncatedImagesAreRejected() throws Exception {
        for (boolean gz : new boolean[] {false, true}) {
            Path d = mnistDir("tr" + gz, idxImages(0x803, 3, 2, 3, 17), idxLabels(0x801, 1, 2, 3), gz, "train");
            assertTrue(error("mnist:" + d).endsWith(": truncated: the header says 3 images of 2×3 (18 bytes), but the data ends after 17 bytes"));
        }
        Path h = mnistDir("hdr", Arrays.copyOf(idxImages(0x803, 3, 2, 3, 0), 10), idxLabels(0x801, 1, 2, 3), false, "train");
        assertTrue(error("mnist:" + h).endsWith("truncated IDX header"));
    }

    @Test
    void aCutGzipStreamIsRejectedNamingTheFile() throws Exception {
        Path d = mnistDir("cut", idxImages(0x803, 3, 2, 3, 18), idxLabels(0x801, 1, 2, 3), true, "train");
        Path img = d.resolve("train-images-idx3-ubyte.gz");
        byte[] gz = Files.readAllBytes(img);
        Files.write(img, Arrays.copyOf(gz, gz.length - 12)); // drops the CRC and size trailer and some data
        assertTrue(error("mnist:" + d).startsWith(img + ": "), error("mnist:" + d));
        Files.write(img, new byte[] {0x1f, (byte) 0x8b, 1});
        assertTrue(error("mnist:" + d).startsWith(img + ": damaged gzip header"), error("mnist:" + d));
    }

    @Test
    void labelCountsThatDisagreeWithImageCountsAreRejected() throws Exception {
        Path d = mnistDir("c", idxImages(0x803, 3, 2, 3, 18), idxLabels(0x801, 1, 2), false, "train");
        assertEquals(d.resolve("train-labels-idx1-ubyte") + ": 2 labels, but " + d.resolve("train-images-idx3-ubyte")
                + " has 3 images; expected equal counts", error("mnist:" + d));
    }

    @Test
    void labelsOutsideTheTenClassesAreRejected() throws Exception {
        Path d = mnistDir("l", idxImages(0x803, 3, 2, 3, 18), idxLabels(0x801, 1, 10, 3), false, "train");
        assertTrue(error("mnist:" + d).endsWith(": label 10 at example 1, expected 0..9"));
    }

    @Test
    void extraBytesAfterTheAnnouncedImagesAreRejected() throws Exception {
        Path d = mnistDir("x", idxImages(0x803, 3, 2, 3, 19), idxLabels(0x801, 1, 2, 3), false, "train");
        assertTrue(error("mnist:" + d).contains("extra bytes after the 3 images"));
    }

    @Test
    void askingForMoreExamplesThanThereAreIsRejected() throws Exception {
        Path d = mnistDir("n", idxImages(0x803, 3, 2, 3, 18), idxLabels(0x801, 1, 2, 3), false, "train");
        assertTrue(error("mnist:" + d, 4).contains("--examples 4, but the data set has only 3 examples"));
        assertEquals("--examples 0, expected a number > 0", error("mnist:" + d, 0));
    }

    /** A CIFAR record: label bytes, then 3072 pixels where pixel k (channel k/1024, row (k/32)%32, column k%32) is (seed + k) mod 256. */
    static byte[] cifarRecord(int seed, int... labels) {
        byte[] r = new byte[labels.length + 3072];
        for (int i = 0; i < labels.length; i++) r[i] = (byte) labels[i];
        for (int k = 0; k < 3072; k++) r[labels.length + k] = (byte) ((seed + k) % 256);
        return r;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    void cifar10ReadsFiveTrainingBatchesInOrderAsChannelRowColumn() throws Exception {
        Path d = dir.resolve("c10");
        Files.createDirectories(d);
        for (int b = 1; b <= 5; b++) {
            byte[] f = concat(cifarRecord(10 * b, b), cifarRecord(10 * b + 1, 9 - b));
            Files.write(d.resolve("data_batch_" + b + ".bin" + (b == 3 ? ".gz" : "")), b == 3 ? gzip(f) : f);
        }
        Files.write(d.resolve("test_batch.bin"), cifarRecord(99, 0));
        DataSet ds = DataSets.load("cifar10:" + d);
        assertEquals(10, ds.size());
        assertArrayEquals(new int[] {3, 32, 32}, ds.exampleShape());
        assertArrayEquals(new int[] {1, 8, 2, 7, 3, 6, 4, 5, 5, 4}, ds.labels());
        // example 2 is the first record of batch 2 (seed 20); its green pixel at row 5, column 7 is file pixel 1024+5·32+7
        int k = 1024 + 5 * 32 + 7;
        assertEquals((20 + k) % 256, ds.rawFeatures()[2 * 3072 + k], 0f);
        assertEquals(255f, ds.rawFeatures()[245], 0f, "seed 10 + pixel 245 → 255: unsigned");
        DataSet t = DataSets.load("cifar10:" + d + ":test");
        assertArrayEquals(new int[] {0}, t.labels());
        assertEquals(3, DataSets.load("cifar10:" + d, 3).size());
    }

    @Test
    void cifar100UsesTheFineLabel() throws Exception {
        Path d = dir.resolve("c100");
        Files.createDirectories(d);
        Files.write(d.resolve("train.bin"), concat(cifarRecord(0, 19, 99), cifarRecord(1, 3, 42)));
        DataSet ds = DataSets.load("cifar100:" + d + ":train");
        assertEquals(100, ds.classes());
        assertArrayEquals(new int[] {99, 42}, ds.labels());
        assertEquals(5f, ds.rawFeatures()[3072 + 4], 0f);
        assertTrue(error("cifar100:" + d + ":test").contains("test.bin not found"));
    }

    @Test
    void badCifarFilesAreRejected() throws Exception {
        Path d = dir.resolve("bad");
        Files.createDirectories(d);
        Files.write(d.resolve("test_batch.bin"), concat(cifarRecord(0, 1), Arrays.copyOf(cifarRecord(0, 2), 100)));
        assertEquals(d.resolve("test_batch.bin") + ": truncated: record 1 has 100 bytes, expected 3073 (1 label byte + 3072 pixel bytes)",
                error("cifar10:" + d + ":test"));
        Files.write(d.resolve("test_batch.bin"), concat(cifarRecord(0, 1), cifarRecord(0, 10)));
        assertEquals(d.resolve("test_batch.bin") + ": record 1 has label 10, expected 0..9", error("cifar10:" + d + ":test"));
        Files.write(d.resolve("test.bin"), cifarRecord(0, 20, 5));
        assertTrue(error("cifar100:" + d + ":test").endsWith("record 0 has coarse label 20, expected 0..19"));
        assertTrue(error("cifar10:" + d).contains("data_batch_1.bin not found"));
        assertTrue(error("cifar10:" + d + ":valid").contains("unknown split 'valid', expected train or test"));
    }

    @Test
    void unknownSpecsListTheKnownOnes() {
        assertTrue(error("imagenet").startsWith("unknown data SPEC 'imagenet', expected fashion-mnist[:train|:test], mnist:DIR"));
        assertTrue(error("fashion-mnist:valid").contains("unknown split 'valid'"));
        assertTrue(error("mnist:").contains("has no folder"));
    }
}
