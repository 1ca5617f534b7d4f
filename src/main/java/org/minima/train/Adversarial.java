package org.minima.train;

import org.minima.io.ModelSpec;

/**
 * Adversarial (robust) training with the fast gradient sign method (Goodfellow, Shlens &amp; Szegedy, ICLR 2015), one
 * of Keskar et al.'s remedies (2017 §5): each step, on the current weights, the first m = round(fraction·n) examples
 * of the (shuffled) batch get x_adv = clip(x + ε·sign(∇ₓ loss)), x the network input after preprocessing, and the
 * step trains on the n clean examples plus those m (mean loss over n + m). ∇ₓ comes from the network's backward pass
 * ({@code Network.inputGradient}), batch statistics in batch norm, dropout off.
 *
 * <p>Clipping: the valid input range is the range of the raw training values [lo, hi] (0–255 for image files)
 * carried through the preprocessing; since preprocessing is increasing and affine per feature, clipping in raw units
 * is the same as clipping after preprocessing, and ε in input units is ε·std[c]/scale in raw units.
 * Cost: one more forward and backward pass on m examples a step (about fraction × a step) and n + m examples in the
 * training pass: a step costs about 1 + 2·fraction times a plain one.
 */
public record Adversarial(double eps, double fraction) {
    public static final Adversarial NONE = new Adversarial(0, 0);

    public Adversarial {
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
    }

    public boolean active() { return eps > 0 && fraction > 0; }

    /** Adversarial examples in a batch of n: round(fraction·n), at least 1 when active. */
    public int count(int n) {
        return active() ? Math.max(1, (int) Math.round(fraction * n)) : 0;
    }

    /** Per feature, ε in raw units: ε·std[c]/scale (the inverse of the preprocessing's slope). */
    public static double[] rawStep(ModelSpec.Preprocess pre, int features, int channels, double eps) {
        double[] step = new double[features];
        int perChannel = features / channels;
        for (int j = 0; j < features; j++) {
            int c = j / perChannel;
            step[j] = eps * pre.std()[pre.std().length == 1 ? 0 : c] / pre.scale();
        }
        return step;
    }

    /**
     * FGSM in raw units: dst[k] = clip(src[k] + step[j]·sign(grad[k]), lo, hi) for m examples (k = r·f + j). A zero
     * gradient leaves the value (sign 0).
     */
    public static void perturb(float[] src, int srcOffset, double[] grad, double[] step, int m, int f, double lo, double hi,
                               float[] dst, int dstOffset) {
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < f; j++) {
                int k = r * f + j;
                double v = src[srcOffset + k] + step[j] * Math.signum(grad[k]);
                dst[dstOffset + k] = (float) Math.min(hi, Math.max(lo, v));
            }
        }
    }
}
