package org.minima.plot;

import java.awt.Color;

/** Perceptually uniform colour maps for contour plots. */
public final class Colormap {
    private Colormap() {}

    // viridis (van der Walt & Smith, matplotlib 2.0) sampled at 10 even points; linear in RGB between them.
    private static final int[] VIRIDIS = {
        0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725,
    };

    /** The colour at {@code t ∈ [0, 1]}: dark purple (low) to yellow (high). */
    public static Color viridis(double t) {
        double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int k = Math.min((int) Math.floor(u), VIRIDIS.length - 2);
        double f = u - k;
        int a = VIRIDIS[k];
        int b = VIRIDIS[k + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
    }
}
