package org.minima.nn;

import java.util.SplittableRandom;

/**
 * Inverted dropout (Srivastava et al. 2014; PyTorch's scaling): in training mode each value is kept
 * with probability 1 − p and scaled by 1/(1 − p); in inference mode it is the identity. The mask is
 * drawn from a {@link SplittableRandom} seeded by the step's dropout seed and this layer's index, so
 * the same seed gives the same mask (and a gradient that finite differences can check).
 */
final class DropoutLayer extends CopyRLayer {
    private final double p;
    /** The last training mask: 1/(1−p) for kept values, 0 for dropped ones (8 bytes per value of the batch). */
    private double[] mask = new double[0];

    DropoutLayer(int index, int[] shape, double p) {
        super(index, shape, shape);
        this.p = p;
    }

    @Override
    void allocate(int rows) {
        mask = new double[rows * inFeatures];
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        int m = n * inFeatures;
        if (mode != Mode.TRAINING || p == 0) {
            for (int k = 0; k < m; k++) y.set(k, x.get(k));
            if (mode == Mode.TRAINING) java.util.Arrays.fill(mask, 0, m, 1.0);
            return;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        double keep = p >= 1 ? 0.0 : 1.0 / (1.0 - p);
        for (int k = 0; k < m; k++) {
            mask[k] = rng.nextDouble() < p ? 0.0 : keep;
            y.set(k, x.get(k) * mask[k]);
        }
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        if (dx == null) return;
        int m = n * inFeatures;
        if (mode != Mode.TRAINING) {
            for (int k = 0; k < m; k++) dx.set(k, dy.get(k));
        } else {
            for (int k = 0; k < m; k++) dx.set(k, dy.get(k) * mask[k]);
        }
    }
}
