package org.minima.train;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Stochastic gradient descent, plain, with heavy-ball momentum (Polyak 1964) or with Nesterov momentum
 * (Sutskever et al. 2013), in PyTorch's formulation so that runs compare with {@code torch.optim.SGD}:
 * <pre>
 *   d = g + λw                      (L2 weight decay; with decoupled decay d = g, and w ← w − ελw first)
 *   v ← m·v + d                     (v starts at 0, so the first step has v = d)
 *   w ← w − ε·v                     (heavy ball)     or   w ← w − ε·(d + m·v)   (Nesterov)
 * </pre>
 * Each element is computed in float64 and rounded once to the parameters' dtype ({@link ElementwiseOptimizer}).
 */
public final class Sgd extends ElementwiseOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private double lr; // of the current step

    public Sgd(long n, DataType dtype, double momentum, boolean nesterov, double weightDecay, boolean decoupled) {
        super(weightDecay, decoupled);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("nesterov needs momentum > 0");
        this.momentum = momentum;
        this.nesterov = nesterov;
        if (momentum > 0) addState("velocity", n, dtype); // none without momentum
    }

    @Override
    public String name() { return "sgd"; }

    @Override
    public double noiseMomentum() { return momentum; }

    @Override
    void prepare(long t, double lr) { this.lr = lr; }

    @Override
    void updateState(double[][] s, double[] d, int len) {
        if (momentum == 0) return; // no state
        double[] v = s[0];
        double mu = momentum;
        for (int i = 0; i < len; i++) v[i] = mu * v[i] + d[i];
    }

    @Override
    void direction(double[][] s, double[] d, double[] change, int len) {
        double eta = lr, mu = momentum;
        if (momentum == 0) {
            for (int i = 0; i < len; i++) change[i] = eta * d[i];
        } else if (nesterov) {
            double[] v = s[0];
            for (int i = 0; i < len; i++) change[i] = eta * (d[i] + mu * v[i]);
        } else {
            double[] v = s[0];
            for (int i = 0; i < len; i++) change[i] = eta * v[i];
        }
    }
}
