package org.minima.analysis;

import org.minima.io.InputException;

/**
 * Evenly spaced values {@code START:STOP:COUNT}, both ends included (docs/cli.md: {@code --alpha}, {@code --grid}).
 * {@code -1:2:25} is −1, −0.875, …, 2.
 */
public record Grid(double start, double stop, int count) {

    public Grid {
        if (count < 1) throw new IllegalArgumentException("grid count must be >= 1, got " + count);
        if (!Double.isFinite(start) || !Double.isFinite(stop)) {
            throw new IllegalArgumentException("grid ends must be finite, got " + start + ":" + stop);
        }
        if (count == 1 && start != stop) {
            throw new IllegalArgumentException("a grid of 1 point needs START == STOP, got " + start + ":" + stop);
        }
    }

    /**
     * Parses {@code START:STOP:COUNT}; {@code option} names the flag in the error message.
     * COUNT ≥ 2 and START < STOP (or a single point START:START:1).
     */
    public static Grid parse(String text, String option) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length != 3) {
            throw new InputException(option + " " + text + ": expected START:STOP:COUNT, e.g. -1:2:25");
        }
        double start;
        double stop;
        int count;
        try {
            start = Double.parseDouble(parts[0].trim());
            stop = Double.parseDouble(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new InputException(option + " " + text + ": START and STOP must be numbers");
        }
        try {
            count = Integer.parseInt(parts[2].trim());
        } catch (NumberFormatException e) {
            throw new InputException(option + " " + text + ": COUNT must be a whole number");
        }
        if (!Double.isFinite(start) || !Double.isFinite(stop)) {
            throw new InputException(option + " " + text + ": START and STOP must be finite");
        }
        if (count == 1) {
            if (start != stop) throw new InputException(option + " " + text + ": a single point needs START == STOP");
        } else if (count < 1) {
            throw new InputException(option + " " + text + ": COUNT must be >= 1, got " + count);
        } else if (!(start < stop)) {
            throw new InputException(option + " " + text + ": START must be < STOP");
        }
        return new Grid(start, stop, count);
    }

    /**
     * The {@code i}-th value. The last one is exactly STOP (no drift from repeated addition); the
     * others are {@code start + i·(stop − start)/(count − 1)}.
     */
    public double value(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i + " not in 0.." + (count - 1));
        if (i == count - 1) return stop;
        return start + i * ((stop - start) / (count - 1));
    }

    public double[] values() {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) v[i] = value(i);
        return v;
    }

    /** The index of {@code v} if it is exactly one of the grid's values, else −1. */
    public int indexOf(double v) {
        for (int i = 0; i < count; i++) if (value(i) == v) return i;
        return -1;
    }

    @Override
    public String toString() {
        return fmt(start) + ":" + fmt(stop) + ":" + count;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
