package org.minima.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear axis of {@link ContourChart} (the one chart not drawn by XChart): its range, its ticks (1, 2, 5 × 10^k
 * steps) labelled in the house format ({@link Style#tick}), and the map from values to a pixel interval.
 */
final class Axis {
    private final double lo;
    private final double hi;
    private final double[] ticks;
    private final double step;

    private Axis(double lo, double hi, double[] ticks, double step) {
        this.lo = lo;
        this.hi = hi;
        this.ticks = ticks;
        this.step = step;
    }

    /** A linear axis over exactly [lo, hi] (no widening), with about {@code target} nice ticks inside. */
    static Axis linearExact(double lo, double hi, int target) {
        double step = niceStep((hi - lo) / Math.max(1, target - 1));
        List<Double> t = new ArrayList<>();
        for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) t.add(k * step);
        return new Axis(lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray(), step);
    }

    double[] ticks() { return ticks.clone(); }

    /** Position of {@code v} in [0, 1] along the axis (outside for values out of range). */
    double fraction(double v) {
        return (v - lo) / (hi - lo);
    }

    /** A tick label as on XChart's axes ({@link Style#tick}): {@code 0.5}, {@code 1}, {@code 10⁵}. */
    String label(double v) {
        return Style.tick(Math.abs(v) < step * 1e-6 ? 0 : v);
    }

    /** The smallest of 1, 2, 5 × 10^k that is ≥ x. */
    static double niceStep(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        double m = x / p;
        double n = m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10;
        return n * p;
    }
}
