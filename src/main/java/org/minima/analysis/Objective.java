package org.minima.analysis;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A twice-differentiable function of a flat parameter vector, evaluated over a fixed data set.
 *
 * <p>Who owns memory: an objective owns its working memory and never modifies anything it was given. A call reads
 * {@code w} and {@code v} and writes only its output ({@code gradOut}, {@code out}); it leaves the caller's vectors,
 * the network or function it was built from, and the outputs of earlier calls bit for bit as they were, so no caller
 * copies defensively. Trial points are written into the objective's own storage (a {@code NetworkObjective} evaluates
 * in its own copy of the network). The only vectors whose contents change between calls are the objective's own
 * {@link #inPlacePoint} and {@link #inPlaceGradient}, which a caller may borrow for speed but never owns. The same
 * call at the same point gives the same bits. Implementations are not thread-safe unless they say so.
 */
public interface Objective {
    long dimension();

    /** f(w). Cost: one forward pass over the data. */
    double value(INDArray w);

    /** f(w), writing ∇f(w) into {@code gradOut}. Cost: one forward and one backward pass. */
    double valueAndGradient(INDArray w, INDArray gradOut);

    /** H(w)·v into {@code out}, exactly (Pearlmutter's R-operator). Cost: about two gradients. */
    void hessianVector(INDArray w, INDArray v, INDArray out);

    /**
     * Optional, for callers that evaluate many points: the objective's own vector that {@link #value},
     * {@link #valueAndGradient} and {@link #hessianVector} read in place when it is passed as {@code w}, or null.
     * Writing a point there saves a copy of n values a call. Owned by the objective: every call given another
     * {@code w} overwrites it, so it is a place to write a point, never a place to keep one.
     */
    default INDArray inPlacePoint() {
        return null;
    }

    /**
     * Likewise the objective's own vector {@link #valueAndGradient} computes ∇f in when it is passed as {@code gradOut},
     * or null; valid until the next call (any call, {@link #hessianVector} included, may overwrite it).
     */
    default INDArray inPlaceGradient() {
        return null;
    }
}
