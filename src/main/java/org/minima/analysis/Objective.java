package org.minima.analysis;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A twice-differentiable function of a flat parameter vector, evaluated over a fixed data set. */
public interface Objective {
    long dimension();

    /** f(w). Cost: one forward pass over the data. */
    double value(INDArray w);

    /** f(w), writing ∇f(w) into {@code gradOut}. Cost: one forward and one backward pass. */
    double valueAndGradient(INDArray w, INDArray gradOut);

    /** H(w)·v into {@code out}, exactly (Pearlmutter's R-operator). Cost: about two gradients. */
    void hessianVector(INDArray w, INDArray v, INDArray out);

    /**
     * Optional, for callers that evaluate many points: the vector that {@link #value} and {@link #valueAndGradient}
     * read in place when it is passed as {@code w} (a network's own parameters), or null. Writing a point there
     * saves a copy of n values a call. Its contents change with every call given another {@code w}.
     */
    default INDArray inPlacePoint() {
        return null;
    }

    /** Likewise the vector {@link #valueAndGradient} computes ∇f in when it is passed as {@code gradOut}, or null. */
    default INDArray inPlaceGradient() {
        return null;
    }
}
