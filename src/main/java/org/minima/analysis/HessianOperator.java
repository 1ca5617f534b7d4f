package org.minima.analysis;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Hessian of an {@link Objective} at a fixed point {@code w}, as a linear operator {@code v ↦ H(w)·v}.
 * It counts the products it computes (the unit of cost of every Hessian analyzer: one product costs about
 * two gradients over the data) and passes the analyzers' progress on to a listener.
 */
public final class HessianOperator {
    /** Told after each product: how many so far, and what the running analyzer currently knows. */
    @FunctionalInterface
    public interface Listener {
        void update(long products, String status);
    }

    private final Objective objective;
    private final INDArray w;
    private long products;
    private Listener listener = (p, s) -> {};
    private String status = "";

    public HessianOperator(Objective objective, INDArray w) {
        if (w.length() != objective.dimension()) {
            throw new IllegalArgumentException("point has " + w.length() + " entries, objective has dimension " + objective.dimension());
        }
        this.objective = objective;
        this.w = w;
    }

    public long dimension() { return objective.dimension(); }

    /** The data type of the vectors the operator takes and returns (that of the point). */
    public DataType dataType() { return w.dataType(); }

    /** {@code out = H(w)·v}, exactly. Cost: one Hessian-vector product of the objective. */
    public void apply(INDArray v, INDArray out) {
        objective.hessianVector(w, v, out);
        products++;
        listener.update(products, status);
    }

    /** Hessian-vector products computed so far. */
    public long products() { return products; }

    public void setListener(Listener listener) { this.listener = listener == null ? (p, s) -> {} : listener; }

    /** What the running analyzer currently knows (e.g. the top Ritz value and its residual), for progress output. */
    void status(String s) { this.status = s; }
}
