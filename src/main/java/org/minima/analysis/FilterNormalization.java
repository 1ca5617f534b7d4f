package org.minima.analysis;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.minima.io.ModelSpec;

/**
 * Filter-wise normalization of a direction (Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss
 * Landscape of Neural Nets", NeurIPS 2018, §4): each filter d_{i,j} of a random Gaussian direction is
 * rescaled to d_{i,j} / ‖d_{i,j}‖ · ‖θ_{i,j}‖, the norm of the same filter of the model θ, so that the
 * plot's scale is comparable between networks whose weights differ in scale. Biases and batch-norm
 * parameters are set to zero in the direction (the authors' {@code ignore='biasbn'} option), so the plot
 * moves only the filters. A filter is a row of a linear weight {@code [out, in]} or of a conv weight
 * {@code [out, in·kh·kw]}.
 */
public final class FilterNormalization {
    private FilterNormalization() {}

    /** A seeded standard Gaussian vector of length {@code n} (Commons Math Well19937c: same seed, same vector). */
    public static double[] gaussian(int n, RandomGenerator rng) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = rng.nextGaussian();
        return d;
    }

    /**
     * {@code count} filter-normalized Gaussian directions around {@code weights}, drawn one after the other
     * from one generator seeded with {@code seed}. Cost: {@code count} passes over the parameters.
     */
    public static double[][] randomDirections(double[] weights, ParameterLayout layout, int count, long seed) {
        RandomGenerator rng = new Well19937c(seed);
        double[][] out = new double[count][];
        for (int k = 0; k < count; k++) {
            out[k] = gaussian(weights.length, rng);
            normalize(out[k], weights, layout);
        }
        return out;
    }

    /**
     * Rescales {@code direction} in place: each filter to the norm of the model's filter, biases and
     * batch-norm entries to zero. A zero filter of the direction stays zero (no division by zero).
     */
    public static void normalize(double[] direction, double[] weights, ParameterLayout layout) {
        if (direction.length != layout.parameterCount() || weights.length != layout.parameterCount()) {
            throw new IllegalArgumentException("direction " + direction.length + " and weights " + weights.length
                    + " must both have " + layout.parameterCount() + " values");
        }
        for (ParameterLayout.Block b : layout.parameters()) {
            int off = (int) b.offset();
            if (b.kind() != ModelSpec.Kind.FILTERS) {
                java.util.Arrays.fill(direction, off, off + (int) b.size(), 0.0);
                continue;
            }
            int len = b.rowLength();
            for (int r = 0; r < b.rows(); r++) {
                int s = off + r * len;
                double dn = 0;
                double wn = 0;
                for (int i = s; i < s + len; i++) {
                    dn += direction[i] * direction[i];
                    wn += weights[i] * weights[i];
                }
                double scale = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0.0;
                for (int i = s; i < s + len; i++) direction[i] *= scale;
            }
        }
    }
}
