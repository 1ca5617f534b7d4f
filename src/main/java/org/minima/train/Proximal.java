package org.minima.train;

import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conservative training (Keskar et al. 2017 §5, after Li et al. 2014's mini-batch proximal method): at outer step k
 * on batch B_k it approximately solves min_x f_B(x) + (λ/2)‖x − x_k‖² with {@code steps} steps of an inner optimizer
 * on that batch, from x_k. The inner step j uses the gradient ∇f_B(x) + λ(x − x_k); at j = 0 the proximal term is 0,
 * so one inner step is exactly a plain step of the inner optimizer. The inner optimizer's state (momentum, Adam's
 * moments and step count) persists across outer steps; it is this optimizer's state, so the checkpoint saves it and a
 * resumed run is bit-identical. Cost: {@code steps} forward/backward passes per outer step, plus two passes over the
 * parameters per inner step for the proximal term (anchor and scratch allocated once).
 */
public final class Proximal implements Optimizer {
    private final Optimizer inner;
    private final int steps;
    private final double lambda;
    private final INDArray anchor, scratch;

    public Proximal(Optimizer inner, int steps, double lambda, long n, DataType dtype) {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
        this.inner = inner;
        this.steps = steps;
        this.lambda = lambda;
        this.anchor = Nd4j.zeros(dtype, n);
        this.scratch = Nd4j.zeros(dtype, n);
    }

    public int innerSteps() { return steps; }

    public double lambda() { return lambda; }

    public Optimizer inner() { return inner; }

    /**
     * One outer step: x_k = w; then {@code steps} times: g = {@code gradient}.get() (∇f_B at the current w, computed
     * by the caller on the same batch), g += λ(w − x_k), inner step. {@code g} may be modified.
     */
    public void step(INDArray w, double lr, Supplier<INDArray> gradient) {
        anchor.assign(w);
        for (int j = 0; j < steps; j++) {
            INDArray g = gradient.get();
            if (j > 0 && lambda > 0) g.addi(scratch.assign(w).subi(anchor).muli(lambda));
            inner.step(w, g, lr);
        }
    }

    /** A single inner step from the gradient at x_k (where the proximal term vanishes): steps = 1. */
    @Override
    public void step(INDArray w, INDArray g, double lr) {
        inner.step(w, g, lr);
    }

    @Override
    public String name() { return "proximal"; }

    /** The inner optimizer's steps (Adam's bias correction counts them). */
    @Override
    public long steps() { return inner.steps(); }

    @Override
    public double noiseMomentum() { return inner.noiseMomentum(); }

    @Override
    public Map<String, INDArray> state() { return inner.state(); }

    @Override
    public void restoreSteps(long steps) { inner.restoreSteps(steps); }
}
