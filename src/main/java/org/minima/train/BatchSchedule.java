package org.minima.train;

import java.util.List;

/**
 * The batch size for each epoch, and the factor by which it scales the learning rate (Smith, Kindermans,
 * Ying &amp; Le, ICLR 2018, "Don't decay the learning rate, increase the batch size", §5.1: the three
 * schedules step the batch size or the rate by the same factor at the same epochs). Epochs count from 0.
 * Batch sizes are capped at the training-set size n; the last batch of an epoch may be smaller.
 */
public record BatchSchedule(String kind, int base, double factor, List<Integer> milestones, int n) {

    /** The config names of the schedules. */
    public static final List<String> KINDS = List.of("constant", "step", "decaying-lr", "hybrid", "increasing-batch");

    public BatchSchedule {
        milestones = List.copyOf(milestones);
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("unknown batch schedule " + kind);
        if (base < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + base);
        if (n < 1) throw new IllegalArgumentException("training set is empty");
    }

    /**
     * The size a {@code batch.size} value stands for: a fraction of n when it is written with a decimal
     * point and is at most 1 (Keskar et al.'s LB = 0.1, i.e. 10% of the training set), rounded to the
     * nearest integer and at least 1; otherwise an absolute number of examples.
     */
    public static int resolveSize(Number size, int n) {
        if ((size instanceof Double || size instanceof Float) && size.doubleValue() <= 1) {
            double f = size.doubleValue();
            if (!(f > 0)) throw new IllegalArgumentException("a batch fraction must be in (0, 1], got " + f);
            return (int) Math.max(1, Math.round(f * n));
        }
        double d = size.doubleValue();
        if (d != Math.rint(d) || d < 1) throw new IllegalArgumentException("a batch size must be an integer >= 1 or a fraction in (0, 1], got " + size);
        return (int) d;
    }

    /** Number of milestones ≤ epoch. */
    private int passed(int epoch) {
        int i = 0;
        for (int m : milestones) if (epoch >= m) i++;
        return i;
    }

    /** How many times the batch has been multiplied by {@code factor} by this epoch. */
    private int batchSteps(int epoch) {
        return switch (kind) {
            case "constant", "decaying-lr" -> 0;
            case "step", "increasing-batch" -> passed(epoch);
            case "hybrid" -> Math.min(passed(epoch), 1);
            default -> throw new IllegalStateException(kind);
        };
    }

    /** The batch size in epoch {@code epoch} (from 0): base · factor^k, capped at n. */
    public int size(int epoch) {
        double b = base * Math.pow(factor, batchSteps(epoch));
        return (int) Math.min(n, Math.round(b));
    }

    /** The factor applied to the policy's learning rate in this epoch: 1/factor^j for the lr-decaying steps. */
    public double lrScale(int epoch) {
        int j = switch (kind) {
            case "constant", "step", "increasing-batch" -> 0;
            case "decaying-lr" -> passed(epoch);
            case "hybrid" -> Math.max(passed(epoch) - 1, 0);
            default -> throw new IllegalStateException(kind);
        };
        return Math.pow(factor, -j);
    }

    /**
     * Smith et al. 2018, §2 eq. 2 and §4: the SGD noise scale g = εN/(B(1 − m)) (their approximation of
     * ε(N/B − 1) for B ≪ N, with momentum m). For Adam we pass m = β₁ (docs/training.md).
     */
    public static double noiseScale(double lr, int n, int batch, double momentum) {
        return lr * n / (batch * (1 - momentum));
    }
}
