package org.minima.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * A numeric axis: its data range rounded out to "nice" bounds, the ticks (1, 2, 5 × 10^k steps on a linear
 * axis; decades, with 2 and 5 between them when the range is short, on a log axis), and the map from values to
 * a pixel interval.
 */
public final class Axis {
    private final boolean log;
    private final double lo;
    private final double hi;
    private final double[] ticks;
    private final double step;

    private Axis(boolean log, double lo, double hi, double[] ticks, double step) {
        this.log = log;
        this.lo = lo;
        this.hi = hi;
        this.ticks = ticks;
        this.step = step;
    }

    /** A linear axis over [min, max], widened to the nearest ticks; about {@code target} ticks. */
    public static Axis linear(double min, double max, int target) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / Math.max(1, target - 1));
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        List<Double> t = new ArrayList<>();
        for (long k = Math.round(lo / step); k * step <= hi + step * 1e-9; k++) t.add(k * step);
        return new Axis(false, lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray(), step);
    }

    /** A linear axis over exactly [lo, hi] (no widening), with nice ticks inside. */
    public static Axis linearExact(double lo, double hi, int target) {
        double step = niceStep((hi - lo) / Math.max(1, target - 1));
        List<Double> t = new ArrayList<>();
        for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) t.add(k * step);
        return new Axis(false, lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray(), step);
    }

    /** A log₁₀ axis over [min, max] (both > 0), widened to 1, 2, 5 × 10^k. */
    public static Axis log(double min, double max) {
        if (!(min > 0)) throw new IllegalArgumentException("log axis needs min > 0, got " + min);
        if (!(max > min)) max = min * 10;
        double lo = niceBelow(min);
        double hi = niceAbove(max);
        int d0 = (int) Math.floor(Math.log10(lo) + 1e-9);
        int d1 = (int) Math.ceil(Math.log10(hi) - 1e-9);
        boolean fine = d1 - d0 <= 2;
        List<Double> t = new ArrayList<>();
        for (int d = d0; d <= d1; d++) {
            for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
                double v = m * Math.pow(10, d);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) t.add(v);
            }
        }
        return new Axis(true, lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray(), 0);
    }

    public boolean isLog() { return log; }

    public double lo() { return lo; }

    public double hi() { return hi; }

    public double[] ticks() { return ticks.clone(); }

    /** Position of {@code v} in [0, 1] along the axis (outside for values out of range). */
    public double fraction(double v) {
        if (log) return (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return (v - lo) / (hi - lo);
    }

    /** A tick label ({@link Style#tick}): plain numbers with as many decimals as the step needs; 10ⁿ beyond 10⁵ or below 10⁻⁴. */
    public String label(double v) {
        if (log) return hi / lo > 1e4 ? Style.power(v) : Style.tick(v); // one form on an axis spanning decades
        if (Math.abs(v) < step * 1e-6) v = 0;
        double top = Math.max(Math.abs(lo), Math.abs(hi));
        if (top >= 1e5 || top < 1e-4) return Style.tick(v);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }

    /** The smallest of 1, 2, 5 × 10^k that is ≥ x. */
    static double niceStep(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        double m = x / p;
        double n = m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10;
        return n * p;
    }

    private static double niceBelow(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        double m = x / p;
        return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
    }

    private static double niceAbove(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        double m = x / p;
        return (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10) * p;
    }
}
