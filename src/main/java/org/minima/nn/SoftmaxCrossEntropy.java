package org.minima.nn;

/**
 * The loss: softmax cross-entropy (natural log) of logits z [n, K] against integer labels,
 * ℓ = logΣₖexp(zₖ) − z_y, with the log-sum-exp shifted by the row maximum so nothing overflows.
 * Its gradient is softmax(z) − onehot(y); its R-derivative (Pearlmutter 1994) is
 * R{p} = p ⊙ R{z} − p·(pᵀR{z}).
 */
final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    /**
     * Sum of the losses of the n rows; counts correct argmax predictions into {@code correct[0]}; when
     * {@code dz != null} writes scale·(softmax − onehot) into it. Cost: O(n·K), no allocation.
     */
    static double lossSum(Arr z, int[] labels, int n, int k, double scale, Arr dz, int[] correct) {
        double total = 0;
        int right = 0;
        for (int r = 0, base = 0; r < n; r++, base += k) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < k; j++) {
                double v = z.get(base + j);
                if (v > max) {
                    max = v;
                    arg = j;
                }
            }
            double s = 0;
            for (int j = 0; j < k; j++) s += Math.exp(z.get(base + j) - max);
            double lse = max + Math.log(s);
            int y = labels[r];
            total += lse - z.get(base + y);
            if (arg == y) right++;
            if (dz != null) {
                for (int j = 0; j < k; j++) {
                    double p = Math.exp(z.get(base + j) - lse);
                    dz.set(base + j, scale * (j == y ? p - 1.0 : p));
                }
            }
        }
        if (correct != null) correct[0] = right;
        return total;
    }

    /** R{dz} = scale·(p ⊙ R{z} − p·(pᵀR{z})), p = softmax(z), row by row. */
    static void rGradient(Arr z, Arr rz, int n, int k, double scale, Arr rdz) {
        for (int r = 0, base = 0; r < n; r++, base += k) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, z.get(base + j));
            double s = 0;
            for (int j = 0; j < k; j++) s += Math.exp(z.get(base + j) - max);
            double lse = max + Math.log(s);
            double dot = 0;
            for (int j = 0; j < k; j++) dot += Math.exp(z.get(base + j) - lse) * rz.get(base + j);
            for (int j = 0; j < k; j++) {
                double p = Math.exp(z.get(base + j) - lse);
                rdz.set(base + j, scale * p * (rz.get(base + j) - dot));
            }
        }
    }
}
