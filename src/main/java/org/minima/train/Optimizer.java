package org.minima.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A first-order optimizer that updates a flat parameter vector in place. Implementations keep their
 * state (velocity, moments) in buffers allocated once, of the parameters' length and dtype, and
 * allocate nothing per step: one fused pass over the parameters, the gradient and the state.
 */
public interface Optimizer {
    /** The config name: {@code sgd} or {@code adam}. */
    String name();

    /**
     * One update of {@code w} in place, from the gradient {@code g} of the mean batch loss at {@code w},
     * with learning rate {@code lr}. {@code g} is not modified. Cost: one pass over w, g and the state.
     */
    void step(INDArray w, INDArray g, double lr);

    /** Number of steps taken so far (Adam's bias correction uses it). */
    long steps();

    /**
     * The momentum coefficient m of Smith et al.'s noise scale g = εN/(B(1−m)): SGD's momentum, 0
     * without momentum, and for Adam β₁ (an SGD-equivalent reading; see docs/training.md).
     */
    double noiseMomentum();

    /** State buffers by name (views of the live buffers: write them for a checkpoint, or assign into them). */
    Map<String, INDArray> state();

    /** Restores the step count after the state buffers were assigned from a checkpoint. */
    void restoreSteps(long steps);
}
