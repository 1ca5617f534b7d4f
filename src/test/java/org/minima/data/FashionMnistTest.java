package org.minima.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.InputException;

/** The real data set from the Debian package {@code dataset-fashion-mnist}; skipped when it is not installed. */
class FashionMnistTest {
    private static boolean installed() {
        String env = System.getenv("MINIMA_DATA_DIR");
        Path d = env != null && !env.isBlank() ? Path.of(env) : DataSets.FASHION_MNIST_DIR;
        return Files.exists(d.resolve("train-images-idx3-ubyte.gz")) && Files.exists(d.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    @Test
    void trainingSplitHas60000ImagesOf28x28In10BalancedClasses() {
        assumeTrue(installed(), "dataset-fashion-mnist is not installed");
        // Xiao, Rasul & Vollgraf 2017: 60,000 training and 10,000 test images, 28×28 grey, 10 classes of equal size
        DataSet d = DataSets.load("fashion-mnist");
        assertEquals(60000, d.size());
        assertArrayEquals(new int[] {1, 28, 28}, d.exampleShape());
        assertEquals(10, d.classes());
        long[] h = d.labelHistogram();
        for (long c : h) assertEquals(6000, c);
        float max = 0;
        for (float v : d.rawFeatures()) max = Math.max(max, v);
        assertEquals(255f, max, 0f, "raw pixels 0..255");
        DataSet t = DataSets.load("fashion-mnist:test");
        assertEquals(10000, t.size());
        for (long c : t.labelHistogram()) assertEquals(1000, c);
    }

    @Test
    void aMissingPackageSaysHowToInstallIt(@TempDir Path empty) {
        InputException e = assertThrows(InputException.class, () -> DataSets.fashionMnist("fashion-mnist", empty, true, null, false));
        assertTrue(e.getMessage().contains("install it with 'sudo apt-get install dataset-fashion-mnist' (or set MINIMA_DATA_DIR"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.resolve("train-images-idx3-ubyte.gz").toString()));
    }
}
