package org.minima.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.InputException;

/**
 * The .npy/.npz reader against files numpy wrote (src/test/resources/npy/, made by make.py there) and against
 * hand-built headers (format version 2, truncation, a bad magic).
 */
class NpyTest {
    static final Path FIXTURES = Path.of("src/test/resources/npy");
    @TempDir Path dir;

    private static String at(String name) {
        return FIXTURES.resolve(name).toString();
    }

    private static String error(String spec) {
        return assertThrows(InputException.class, () -> DataSets.load(spec)).getMessage();
    }

    @Test
    void npzImagesReadInCOrderPlainAndCompressed() {
        for (String f : new String[] {"images.npz", "images-compressed.npz"}) {
            DataSet d = DataSets.load("npz:" + at(f));
            assertEquals(4, d.size());
            assertArrayEquals(new int[] {2, 2, 3}, d.exampleShape());
            assertEquals(4, d.classes(), "largest label + 1");
            assertArrayEquals(new int[] {3, 0, 2, 1}, d.labels());
            float[] x = d.rawFeatures();
            assertEquals(48, x.length);
            for (int i = 0; i < 48; i++) assertEquals((i - 10) / 4f, x[i], 0f, "value " + i + " of " + f);
            assertEquals(2, DataSets.load("npz:" + at(f), 2).size());
        }
    }

    @Test
    void aPairOfNpyFilesReadsPixelsAndBigEndianFloat64() {
        DataSet p = DataSets.load("npy:" + at("pixels-x.npy") + "," + at("pixels-y.npy"));
        assertArrayEquals(new int[] {1, 2, 2}, p.exampleShape(), "[N, H, W] is one channel");
        assertArrayEquals(new float[] {0, 255, 7, 128, 1, 2, 3, 4, 9, 8, 7, 6}, p.rawFeatures(), 0f);
        assertArrayEquals(new int[] {1, 0, 4}, p.labels());
        DataSet t = DataSets.load("npy:" + at("table-x.npy") + "," + at("table-y.npy"));
        assertArrayEquals(new int[] {2}, t.exampleShape());
        assertArrayEquals(new float[] {1f, -2.5f, (float) (2.0 / 3.0), 1e-3f}, t.rawFeatures(), 0f);
        assertArrayEquals(new int[] {0, 1}, t.labels());
    }

    @Test
    void whatTheReaderRefusesIsNamed() {
        assertTrue(error("npy:" + at("fortran-x.npy") + "," + at("table-y.npy")).contains("fortran_order is True, expected C order"));
        assertTrue(error("npy:" + at("table-x.npy") + "," + at("float-y.npy")).contains("dtype '<f8', expected integer labels"));
        assertTrue(error("npz:" + at("no-labels.npz")).contains("no array 'y', expected arrays x and y"));
        assertTrue(error("npy:" + at("pixels-x.npy") + "," + at("table-y.npy")).contains("x has 3 examples but y has 2"));
        assertTrue(error("npy:" + at("table-x.npy")).contains("expected npy:X.npy,Y.npy"));
        assertTrue(error("npz:" + at("make.py")).contains("not a zip file"));
        assertTrue(error("npz:" + at("images.npz") + "x").contains("no such file"));
    }

    /** An .npy file built by hand from the format's documentation: magic, version, header length, header, values. */
    private static byte[] npy(int major, String header, byte[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.ISO_8859_1));
        out.write(major);
        out.write(0);
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) len.putShort((short) h.length); else len.putInt(h.length);
        out.writeBytes(len.array());
        out.writeBytes(h);
        out.writeBytes(values);
        return out.toByteArray();
    }

    @Test
    void handBuiltVersion2FilesReadAndTruncatedOrForeignFilesAreRefused() throws Exception {
        ByteBuffer xs = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        xs.putFloat(0.5f).putFloat(-1f).putFloat(3f);
        Path x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        Files.write(x, npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }\n", xs.array()));
        Files.write(y, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }\n", new byte[] {2, 0, 1}));
        DataSet d = DataSets.load("npy:" + x + "," + y);
        assertArrayEquals(new float[] {0.5f, -1f, 3f}, d.rawFeatures(), 0f);
        assertArrayEquals(new int[] {2, 0, 1}, d.labels());
        assertEquals(3, d.classes());

        Files.write(y, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }\n", new byte[] {2, -1, 1}));
        assertTrue(error("npy:" + x + "," + y).contains("label 1 is -1, expected an integer >= 0"));
        Files.write(y, npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }\n", new byte[] {2, 0}));
        assertTrue(error("npy:" + x + "," + y).endsWith("the file ends early (truncated .npy)"));
        Files.write(y, npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }\n", new byte[6]));
        assertTrue(error("npy:" + x + "," + y).contains("dtype '<f2', expected float32/64 or an integer type"));
        Files.writeString(y, "0\n1\n2\n");
        assertTrue(error("npy:" + x + "," + y).contains("not an .npy file"));
    }

    @Test
    void csvLabelsWrittenAsFloatsByNumpySavetxtRead() {
        DataSet e = DataSets.load(at("savetxt-e.csv"));
        assertArrayEquals(new int[] {3, 0}, e.labels());
        assertArrayEquals(new float[] {0.5f, -1f, 2f, 0.25f}, e.rawFeatures(), 0f);
        assertArrayEquals(new int[] {2, 1}, DataSets.load(at("savetxt-f.csv")).labels());
    }

    @Test
    void csvLabelsThatAreNotIntegralAreRefusedWithTheLine() throws Exception {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "1,2.000000e+00\n1,2.5\n");
        assertEquals(f + ": line 2, column 2: label '2.5' is not an integer >= 0", error(f.toString()));
        Files.writeString(f, "1,NaN\n");
        assertEquals(f + ": line 1, column 2: label 'NaN' is not an integer >= 0", error(f.toString()));
        Files.writeString(f, "1,-1.0\n");
        assertEquals(f + ": line 1, column 2: label '-1.0' is not an integer >= 0", error(f.toString()));
    }
}
