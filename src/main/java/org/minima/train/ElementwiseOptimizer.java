package org.minima.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link Sgd} and {@link Adam} share: weight decay, L2 (d = g + λw) or decoupled (w ← (1 − ελ)w first), the
 * step count, named state buffers of the parameters' length and dtype (zero at the start; the checkpoint writes and
 * assigns them), and one fused pass per step over w, g and the state. Each element is computed in float64 and every
 * stored value rounded once to the parameters' dtype, so float32 and float64 runs follow the same formula.
 * A subclass supplies only {@link #prepare} (its per-step constants) and {@link #direction} (its state update for
 * one element). Cost of a step: one pass over w, g and the state; no allocation beyond the buffer views.
 */
abstract class ElementwiseOptimizer implements Optimizer {
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<String, INDArray> state = new LinkedHashMap<>();
    private long steps;

    ElementwiseOptimizer(double weightDecay, boolean decoupled) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** Allocates a zero state buffer of n elements, saved and restored under {@code name}. */
    final INDArray addState(String name, long n, DataType dtype) {
        INDArray a = Nd4j.zeros(dtype, n);
        state.put(name, a);
        return a;
    }

    @Override
    public final long steps() { return steps; }

    @Override
    public final Map<String, INDArray> state() { return new LinkedHashMap<>(state); }

    @Override
    public final void restoreSteps(long steps) { this.steps = steps; }

    /** Sets the constants of step {@code t} (1 for the first) with learning rate {@code lr}. */
    abstract void prepare(long t, double lr);

    /**
     * Updates element {@code i} of the state from the decayed gradient {@code d} and returns the change
     * subtracted from (the decoupled-shrunk) w_i, already scaled by the learning rate. {@code state} holds views of
     * the buffers in the order they were added. Called concurrently for disjoint elements.
     */
    abstract double direction(Vec[] state, int i, double d);

    @Override
    public final void step(INDArray w, INDArray g, double lr) {
        FlatBuffers.requireFlat(w, "parameters");
        FlatBuffers.requireFlat(g, "gradient");
        if (w.length() != g.length()) throw new IllegalArgumentException("parameters and gradient differ in length");
        long t = steps + 1;
        prepare(t, lr);
        double l2 = decoupled ? 0 : weightDecay;
        double shrink = decoupled ? 1 - lr * weightDecay : 1;
        Vec wv = Vec.of(w), gv = Vec.of(g);
        Vec[] sv = state.values().stream().map(Vec::of).toArray(Vec[]::new);
        FlatBuffers.forRanges((int) w.length(), (from, to) -> {
            for (int i = from; i < to; i++) {
                double wi = wv.get(i);
                double d = gv.get(i) + l2 * wi;
                wv.put(i, wi * shrink - direction(sv, i, d));
            }
        });
        steps = t;
    }

    /**
     * One element-wise view of a float or double buffer: reads widen to double, writes round once. One final class
     * with a branch the CPU predicts (a run has one dtype), so the update loop has no virtual call per element.
     */
    static final class Vec {
        private final FloatBuffer floats; // null for a double buffer
        private final DoubleBuffer doubles;

        private Vec(FloatBuffer floats, DoubleBuffer doubles) {
            this.floats = floats;
            this.doubles = doubles;
        }

        static Vec of(INDArray a) {
            return a.dataType() == DataType.FLOAT ? new Vec(FlatBuffers.floats(a), null) : new Vec(null, FlatBuffers.doubles(a));
        }

        double get(int i) {
            return floats != null ? floats.get(i) : doubles.get(i);
        }

        /** Stores v rounded to the buffer's dtype and returns the stored value. */
        double put(int i, double v) {
            if (floats == null) {
                doubles.put(i, v);
                return v;
            }
            float f = (float) v;
            floats.put(i, f);
            return f;
        }
    }
}
