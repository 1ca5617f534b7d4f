package org.minima.nn;

import java.util.Locale;
import org.minima.io.InputException;

/**
 * Which statistics batch norm normalizes with when an analysis evaluates a network's loss (docs/sharpness.md, "Two
 * batch-norm conventions"). {@code RUNNING}: inference mode, the stored running mean and variance (PyTorch's
 * {@code eval()}; PyHessian, loss-landscape). {@code BATCH}: the examples are cut, in order, into consecutive batches
 * of {@code batch} (a remainder forms a last smaller batch); each is normalized with its own mean and biased variance
 * as PyTorch's {@code train()} mode computes the output, the running statistics neither used nor changed, dropout off;
 * the loss is the size-weighted mean over the batches (Keskar et al.'s Keras {@code BatchNormalization(mode=2)}).
 * One value that every analysis' options hold, so the two keys ({@code bn}, {@code bnBatch}) are defined here once.
 *
 * @param statistics RUNNING or BATCH
 * @param batch      examples per batch in BATCH mode (kept, and recorded, in RUNNING mode too); default 1000
 */
public record BatchNormMode(Statistics statistics, int batch) {
    /** The two conventions; {@link #key()} is the spelling of flags, YAML and JSON. */
    public enum Statistics {
        RUNNING, BATCH;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        /** "running" or "batch"; anything else is an {@link InputException} naming {@code where}. */
        public static Statistics parse(String s, String where) {
            for (Statistics v : values()) if (v.key().equals(s)) return v;
            throw new InputException(where + " '" + s + "': expected running or batch");
        }
    }

    /** The default batch size of BATCH mode. */
    public static final int DEFAULT_BATCH = 1000;

    /** The commands' default: inference mode (running statistics). */
    public static final BatchNormMode RUNNING = new BatchNormMode(Statistics.RUNNING, DEFAULT_BATCH);

    public BatchNormMode {
        if (statistics == null) throw new IllegalArgumentException("statistics must be given");
        if (batch < 1) throw new IllegalArgumentException("bnBatch must be >= 1, got " + batch);
    }

    /** BATCH mode with batches of {@code batch} examples. */
    public static BatchNormMode batch(int batch) {
        return new BatchNormMode(Statistics.BATCH, batch);
    }

    /** Per-batch statistics? */
    public boolean batchStatistics() {
        return statistics == Statistics.BATCH;
    }

    /** "running" or "batch" (the JSON field {@code bn}). */
    public String key() {
        return statistics.key();
    }
}
