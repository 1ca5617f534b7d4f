package org.minima.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic gradient descent, plain, with heavy-ball momentum (Polyak 1964) or with Nesterov momentum
 * (Sutskever et al. 2013), in PyTorch's formulation so that runs compare with {@code torch.optim.SGD}:
 * <pre>
 *   d = g + λw                      (L2 weight decay; with decoupled decay d = g, and w ← w − ελw first)
 *   v ← m·v + d                     (v starts at 0, so the first step has v = d)
 *   w ← w − ε·v                     (heavy ball)     or   w ← w − ε·(d + m·v)   (Nesterov)
 * </pre>
 * Each element is computed in float64 and rounded once to the parameters' dtype.
 */
public final class Sgd implements Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final boolean decoupled;
    private final INDArray velocity; // null without momentum
    private long steps;

    public Sgd(long n, DataType dtype, double momentum, boolean nesterov, double weightDecay, boolean decoupled) {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("nesterov needs momentum > 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.velocity = momentum > 0 ? Nd4j.zeros(dtype, n) : null;
    }

    @Override
    public String name() { return "sgd"; }

    @Override
    public long steps() { return steps; }

    @Override
    public double noiseMomentum() { return momentum; }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        if (velocity != null) s.put("velocity", velocity);
        return s;
    }

    @Override
    public void restoreSteps(long steps) { this.steps = steps; }

    @Override
    public void step(INDArray w, INDArray g, double lr) {
        FlatBuffers.requireFlat(w, "parameters");
        FlatBuffers.requireFlat(g, "gradient");
        if (w.length() != g.length()) throw new IllegalArgumentException("parameters and gradient differ in length");
        double l2 = decoupled ? 0 : weightDecay;
        double shrink = decoupled ? 1 - lr * weightDecay : 1; // SGDW: w ← (1 − ελ)w before the step
        int n = (int) w.length();
        if (w.dataType() == DataType.FLOAT) {
            FloatBuffer wb = FlatBuffers.floats(w), gb = FlatBuffers.floats(g);
            FloatBuffer vb = velocity == null ? null : FlatBuffers.floats(velocity);
            FlatBuffers.forRanges(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double wi = wb.get(i) * shrink;
                    double d = gb.get(i) + l2 * wb.get(i);
                    if (vb != null) {
                        float v = (float) (momentum * vb.get(i) + d);
                        vb.put(i, v);
                        d = nesterov ? d + momentum * v : v;
                    }
                    wb.put(i, (float) (wi - lr * d));
                }
            });
        } else {
            DoubleBuffer wb = FlatBuffers.doubles(w), gb = FlatBuffers.doubles(g);
            DoubleBuffer vb = velocity == null ? null : FlatBuffers.doubles(velocity);
            FlatBuffers.forRanges(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double wi = wb.get(i) * shrink;
                    double d = gb.get(i) + l2 * wb.get(i);
                    if (vb != null) {
                        double v = momentum * vb.get(i) + d;
                        vb.put(i, v);
                        d = nesterov ? d + momentum * v : v;
                    }
                    wb.put(i, wi - lr * d);
                }
            });
        }
        steps++;
    }
}
