package org.minima.nn;

/**
 * Linear → 1-D batch norm → ReLU (F1's hidden block, and any model.json that has it) run as one in inference mode,
 * the mode of every analyzer. Batch norm then is a fixed affine map per feature, so the element-wise work of the
 * three layers is one pass forward and one backward, where the layers one by one take seven:
 * <ul>
 *   <li>forward, after the GEMM y₁ = x·Wᵀ: y₁ += b, y₂ = a·y₁ + c, y₃ = max(y₂, 0) in one pass (reads y₁ once,
 *       writes y₁ and y₃; y₂ is never stored), against three passes reading three arrays and writing three;</li>
 *   <li>backward: d₂ = d₃·[y₃ &gt; 0], the batch-norm sums Σ d₂ and Σ d₂·y₁, d₁ = a·d₂ and the bias sums Σ d₁
 *       in one pass (reads d₃, y₃, y₁, writes d₁), against four passes reading six arrays; then the two GEMMs.</li>
 * </ul>
 * Each value is computed by the same expression, and each sum adds the same terms in the same order, as the
 * layers' own passes, so results are bit for bit those of the unfused layers (tested). Saves about 5 ms a block
 * per 2000-example chunk of F1 (docs/benchmarks.md). Training and batch mode and the R-passes use the layers one by one.
 */
final class LinearBatchNormRelu {
    final LinearLayer linear;
    final BatchNormLayer norm;
    final ReluLayer relu;

    LinearBatchNormRelu(LinearLayer linear, BatchNormLayer norm, ReluLayer relu) {
        this.linear = linear;
        this.norm = norm;
        this.relu = relu;
    }

    /** Layers i, i+1, i+2 form such a block? */
    static boolean at(Layer[] layers, int i) {
        return i + 2 < layers.length && layers[i] instanceof LinearLayer && layers[i + 1] instanceof BatchNormLayer bn
                && bn.oneDimensional() && layers[i + 2] instanceof ReluLayer;
    }

    /**
     * Inference forward: y1 = x·Wᵀ + b and y3 = max(y2, 0) with y2 the batch norm (running statistics) of y1. y2 is
     * not stored: it shares y3's memory ({@link Network}), and no inference pass reads it.
     */
    void forward(Arr x, Arr y1, Arr y3, int n) {
        linear.forwardWithoutBias(x, y1);
        double[] bias = linear.biasValues();
        double[][] ab = norm.inferenceCoefficients();
        double[] a = ab[0], c = ab[1];
        int f = bias.length;
        boolean f64 = y1.nd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        Parallel.range(n, (long) n * f, (r0, r1) -> { // rows split over the threads (the per-epoch evaluations)
            for (int r = r0, k = r0 * f; r < r1; r++) {
                for (int j = 0; j < f; j++, k++) {
                    double v = stored(y1.get(k) + bias[j], f64); // what the next layer would read back
                    y1.set(k, v);
                    double u = stored(a[j] * v + c[j], f64);
                    y3.set(k, f64 ? Math.max(u, 0.0) : Math.max((float) u, 0f)); // float max: faster, same value
                }
            }
        });
    }

    /** v as an array of the network's precision holds it (float32 rounds), so later sums see what the layers see. */
    private static double stored(double v, boolean f64) {
        return f64 ? v : (float) v;
    }

    /**
     * Inference backward from d3 = ∂L/∂y3: adds the three layers' parameter gradients, writes ∂L/∂y1 into d1 (which
     * may be d3 itself: each value is read before it is written) and, when dx != null, ∂L/∂x into dx. Must follow
     * {@link #forward} of the same chunk.
     */
    void backward(Arr x, Arr y1, Arr y3, Arr d3, Arr d1, Arr dx, int n) {
        double[] a = norm.coefficients()[0]; // the statistics forward took
        int f = a.length;
        double[] sumD2 = new double[f], sumD2Y1 = new double[f], sumD1 = new double[f];
        boolean f64 = y3.nd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        for (int r = 0, k = 0; r < n; r++) {
            for (int j = 0; j < f; j++, k++) {
                double y = y3.get(k);
                // ReLU's mask, as ReluLayer spells it for each precision (branch-free)
                double d2 = d3.get(k) * (f64 ? Long.signum(Double.doubleToRawLongBits(y)) : BatchNormLayer.positive(y));
                sumD2[j] += d2;
                sumD2Y1[j] += d2 * y1.get(k);
                double g = stored(a[j] * d2 + 0.0, f64); // + 0.0 as BatchNormLayer's affine map with a zero shift
                d1.set(k, g);
                sumD1[j] += g;
            }
        }
        norm.addParameterGradients(sumD2, sumD2Y1);
        linear.addBiasGradient(sumD1);
        linear.backwardWithoutBias(x, d1, dx);
    }
}
