package org.minima.train;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015, Algorithm 1) with bias correction, in PyTorch's form
 * ({@code torch.optim.Adam}; eps is added after the bias-corrected square root):
 * <pre>
 *   d = g + λw                                  (L2 weight decay, as torch.optim.Adam)
 *   m ← β₁m + (1−β₁)d,   v ← β₂v + (1−β₂)d²
 *   w ← w − ε · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + eps)
 * </pre>
 * With {@code decoupled} weight decay (AdamW, Loshchilov &amp; Hutter, ICLR 2019) d = g and w ← (1 − ελ)w
 * before the step. Each element is computed in float64 and rounded once to the parameters' dtype
 * ({@link ElementwiseOptimizer}).
 */
public final class Adam extends ElementwiseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    // Constants of the current step: ε/(1−β₁ᵗ) and √(1−β₂ᵗ).
    private double stepSize;
    private double c2;

    public Adam(long n, DataType dtype, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(weightDecay, decoupled);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("betas[0] must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas[1] must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        addState("m", n, dtype);
        addState("v", n, dtype);
    }

    @Override
    public String name() { return "adam"; }

    /** β₁, read as SGD's momentum in the noise scale (docs/training.md). */
    @Override
    public double noiseMomentum() { return beta1; }

    @Override
    void prepare(long t, double lr) {
        stepSize = lr / (1 - Math.pow(beta1, t));
        c2 = Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    void updateState(double[][] s, double[] d, int len) {
        double[] m = s[0], v = s[1];
        double b1 = beta1, b2 = beta2;
        for (int i = 0; i < len; i++) {
            m[i] = b1 * m[i] + (1 - b1) * d[i];
            v[i] = b2 * v[i] + (1 - b2) * d[i] * d[i];
        }
    }

    @Override
    void direction(double[][] s, double[] d, double[] change, int len) {
        double[] m = s[0], v = s[1];
        double a = stepSize, c = c2, e = eps;
        for (int i = 0; i < len; i++) change[i] = a * m[i] / (Math.sqrt(v[i]) / c + e);
    }
}
