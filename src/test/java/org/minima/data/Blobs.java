package org.minima.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small CSV data set for end-to-end tests. */
public final class Blobs {
    private Blobs() {}

    /**
     * DIR/blobs.csv: 90 examples of three blobs around (0, 4), (4, −2), (−4, −2) with Gaussian spread {@code spread}
     * in the first two of 4 features (the last two pure noise), labels 0..2, drawn from SplittableRandom(7).
     */
    public static Path write(Path dir, double spread) throws Exception {
        return write(dir, 90, 4, spread, 7);
    }

    /**
     * DIR/blobs.csv: n examples of three blobs around (0, a), (a, −2), (−a, −2) with Gaussian spread {@code spread}
     * in the first two of 4 features (the last two pure noise), labels 0..2 in turn, drawn from SplittableRandom(seed).
     */
    public static Path write(Path dir, int n, double a, double spread, long seed) throws Exception {
        double[][] centers = {{0, a}, {a, -2}, {-a, -2}};
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            sb.append(centers[c][0] + spread * r.nextGaussian()).append(',').append(centers[c][1] + spread * r.nextGaussian()).append(',')
                    .append(r.nextGaussian()).append(',').append(r.nextGaussian()).append(',').append(c).append('\n');
        }
        Path f = dir.resolve("blobs.csv");
        Files.writeString(f, sb);
        return f;
    }
}
