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
}
