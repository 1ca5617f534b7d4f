package org.minima.data;

import org.minima.io.InputException;

import java.util.Arrays;

/**
 * A labelled data set held in memory: raw features (pixels 0–255, or CSV numbers) as float32, row-major
 * {@code size × features}, and integer labels {@code 0..classes-1}. Immutable by convention: nobody
 * writes into {@link #rawFeatures()}. Preprocessing to network inputs is the model's job.
 */
public final class DataSet {
    private final String spec;
    private final int[] exampleShape;
    private final int features;
    private final int classes;
    private final float[] x;
    private final int[] y;

    public DataSet(String spec, int[] exampleShape, int classes, float[] x, int[] y) {
        int f = 1;
        for (int d : exampleShape) f *= d;
        if ((long) f * y.length != x.length) {
            throw new IllegalArgumentException(spec + ": " + y.length + " labels × " + f + " features != " + x.length + " values");
        }
        this.spec = spec;
        this.exampleShape = exampleShape.clone();
        this.features = f;
        this.classes = classes;
        this.x = x;
        this.y = y;
    }

    /** The SPEC it was loaded from (for records and messages). */
    public String spec() { return spec; }

    public int size() { return y.length; }

    /** Shape of one example, e.g. {@code [1, 28, 28]}, {@code [3, 32, 32]}, or {@code [d]} for CSV. */
    public int[] exampleShape() { return exampleShape.clone(); }

    /** Number of features per example (the product of {@link #exampleShape()}). */
    public int features() { return features; }

    public int classes() { return classes; }

    /** Row-major {@code size × features}; shared, do not modify. */
    public float[] rawFeatures() { return x; }

    /** Shared, do not modify. */
    public int[] labels() { return y; }

    public int label(int i) { return y[i]; }

    /**
     * Refuses (exit 2) a label a model with {@code classes} outputs cannot score, naming where the first such label
     * stands (the line of a CSV file, else the example's index) and {@code model}. Cost: one pass over the labels.
     */
    public void requireLabelsBelow(int classes, String model) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= classes) {
                String at = spec.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? "line " + (i + 1) : "example " + i;
                throw new InputException(spec + ": " + at + ": label " + y[i] + ", but " + model + " has " + classes
                        + " classes; expected labels 0.." + (classes - 1));
            }
        }
    }

    /** The first {@code n} examples (a copy-free view when {@code n >= size()}). */
    public DataSet head(int n) {
        if (n >= size()) return this;
        if (n <= 0) throw new IllegalArgumentException("examples must be > 0, got " + n);
        return new DataSet(spec, exampleShape, classes, Arrays.copyOf(x, n * features), Arrays.copyOf(y, n));
    }

    /** Count of each label, length {@link #classes()}. */
    public long[] labelHistogram() {
        long[] h = new long[classes];
        for (int v : y) h[v]++;
        return h;
    }
}
