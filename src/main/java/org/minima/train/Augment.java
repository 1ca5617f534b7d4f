package org.minima.train;

import java.util.SplittableRandom;

/**
 * Data augmentation for training batches (Keskar et al. 2017 §5 list it among the remedies for large batches): each
 * example of each step is shifted by (dy, dx) pixels, drawn uniformly from {−k..k} per axis, the uncovered pixels
 * zero (raw value 0: black), and, with {@code flip}, mirrored left–right with probability ½. A random crop with
 * padding p (pad p zeros on every side, cut a random H×W window) is the same distribution as a translation by up to p,
 * so {@code crop: p} and {@code translate: p} are one operation (docs/training.md); the larger of the two is used.
 * Flips are off by default: they suit CIFAR-10 (a mirrored car is a car) but not digits or clothing labels read
 * left to right; a user turns them on for CIFAR. Evaluation never sees augmentation: only {@link Remedies} calls this,
 * on the training step's batch copy.
 *
 * <p>Determinism: example r of step s draws from SplittableRandom(mix(seed, s, salt) + r)'s stream in a fixed order
 * (dy, dx, flip), one thread, so the same seed gives the same augmented batch whatever the thread count.
 * Cost: one read and one write of each raw value of the batch (n·C·H·W floats) and three draws per example; a
 * training step does about 6·(parameters) multiply-adds per example, so this is well under 1% of a step for F1/C1
 * (measured in docs/results/keskar-remedies.md).
 */
public record Augment(int translate, boolean flip) {
    public static final Augment NONE = new Augment(0, false);

    public Augment {
        if (translate < 0) throw new IllegalArgumentException("translate must be >= 0, got " + translate);
    }

    public boolean active() { return translate > 0 || flip; }

    /**
     * Writes the augmented copy of {@code n} examples of shape (C, H, W) from {@code src} (row-major, each example at
     * {@code rows[r]·C·H·W}) into {@code dst} (the n examples contiguous). {@code stepSeed} seeds step s.
     */
    public void apply(float[] src, int[] rows, int n, int c, int h, int w, float[] dst, long stepSeed) {
        int f = c * h * w;
        for (int r = 0; r < n; r++) {
            SplittableRandom rnd = new SplittableRandom(stepSeed + r * 0x9E3779B97F4A7C15L);
            int dy = translate > 0 ? rnd.nextInt(2 * translate + 1) - translate : 0;
            int dx = translate > 0 ? rnd.nextInt(2 * translate + 1) - translate : 0;
            boolean mirror = flip && rnd.nextBoolean();
            shift(src, rows[r] * f, c, h, w, dy, dx, mirror, dst, r * f);
        }
    }

    /**
     * One example: out(ch, y, x) = in(ch, y − dy, x' − dx), x' = (mirror ? W−1−x : x), zero where the source is off the
     * image. The flip is applied to the shifted image's column index, i.e. first shift, then mirror.
     */
    static void shift(float[] src, int so, int c, int h, int w, int dy, int dx, boolean mirror, float[] dst, int d0) {
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = y - dy;
                int drow = d0 + (ch * h + y) * w;
                if (sy < 0 || sy >= h) {
                    java.util.Arrays.fill(dst, drow, drow + w, 0f);
                    continue;
                }
                int srow = so + (ch * h + sy) * w;
                for (int x = 0; x < w; x++) {
                    int xs = (mirror ? w - 1 - x : x) - dx;
                    dst[drow + x] = xs < 0 || xs >= w ? 0f : src[srow + xs];
                }
            }
        }
    }
}
