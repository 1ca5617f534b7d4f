package org.minima.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015, Algorithm 1) with bias correction, in PyTorch's form
 * ({@code torch.optim.Adam}; eps is added after the bias-corrected square root):
 * <pre>
 *   d = g + λw                                  (L2 weight decay, as torch.optim.Adam)
 *   m ← β₁m + (1−β₁)d,   v ← β₂v + (1−β₂)d²
 *   w ← w − ε · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + eps)
 * </pre>
 * With {@code decoupled} weight decay (AdamW, Loshchilov &amp; Hutter, ICLR 2019) d = g and w ← (1 − ελ)w
 * before the step. Each element is computed in float64 and rounded once to the parameters' dtype.
 */
public final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final INDArray m;
    private final INDArray v;
    private long steps;

    public Adam(long n, DataType dtype, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("betas[0] must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas[1] must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = Nd4j.zeros(dtype, n);
        this.v = Nd4j.zeros(dtype, n);
    }

    @Override
    public String name() { return "adam"; }

    @Override
    public long steps() { return steps; }

    /** β₁, read as SGD's momentum in the noise scale (docs/training.md). */
    @Override
    public double noiseMomentum() { return beta1; }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put("m", m);
        s.put("v", v);
        return s;
    }

    @Override
    public void restoreSteps(long steps) { this.steps = steps; }

    @Override
    public void step(INDArray w, INDArray g, double lr) {
        FlatBuffers.requireFlat(w, "parameters");
        FlatBuffers.requireFlat(g, "gradient");
        if (w.length() != g.length()) throw new IllegalArgumentException("parameters and gradient differ in length");
        long t = steps + 1;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / c1;
        double l2 = decoupled ? 0 : weightDecay;
        double shrink = decoupled ? 1 - lr * weightDecay : 1;
        double a1 = 1 - beta1, a2 = 1 - beta2;
        int n = (int) w.length();
        if (w.dataType() == DataType.FLOAT) {
            FloatBuffer wb = FlatBuffers.floats(w), gb = FlatBuffers.floats(g);
            FloatBuffer mb = FlatBuffers.floats(m), vb = FlatBuffers.floats(v);
            FlatBuffers.forRanges(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double wi = wb.get(i);
                    double d = gb.get(i) + l2 * wi;
                    float mi = (float) (beta1 * mb.get(i) + a1 * d);
                    float vi = (float) (beta2 * vb.get(i) + a2 * d * d);
                    mb.put(i, mi);
                    vb.put(i, vi);
                    wb.put(i, (float) (wi * shrink - stepSize * mi / (Math.sqrt(vi) / c2 + eps)));
                }
            });
        } else {
            DoubleBuffer wb = FlatBuffers.doubles(w), gb = FlatBuffers.doubles(g);
            DoubleBuffer mb = FlatBuffers.doubles(m), vb = FlatBuffers.doubles(v);
            FlatBuffers.forRanges(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double wi = wb.get(i);
                    double d = gb.get(i) + l2 * wi;
                    double mi = beta1 * mb.get(i) + a1 * d;
                    double vi = beta2 * vb.get(i) + a2 * d * d;
                    mb.put(i, mi);
                    vb.put(i, vi);
                    wb.put(i, wi * shrink - stepSize * mi / (Math.sqrt(vi) / c2 + eps));
                }
            });
        }
        steps = t;
    }
}
