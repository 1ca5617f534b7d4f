package org.minima.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.minima.nn.OffHeap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link Sgd} and {@link Adam} share: weight decay, L2 (d = g + λw) or decoupled (w ← (1 − ελ)w first), the
 * step count, named state buffers of the parameters' length and dtype (zero at the start; the checkpoint writes and
 * assigns them), and one fused pass per step over w, g and the state. Each element is computed in float64 and every
 * stored value rounded once to the parameters' dtype, so float32 and float64 runs follow the same formula.
 * A subclass supplies {@link #prepare} (its per-step constants), {@link #updateState} and {@link #direction} (its
 * formula, as loops over a block of elements).
 *
 * <p>The pass goes block by block ({@link #BLOCK} elements): w, g and the state are read (widened) into double
 * arrays, the formula runs as simple loops over them, which the JIT compiles to vector instructions (the square root
 * and the divisions), and the rounded values are written back. Every element goes through the same float64 operations in the same order as a scalar loop
 * would, so the bits do not depend on the blocking or on the thread count (each part of {@link org.minima.nn.Threads#split}
 * owns its elements). Why blocks: one scalar loop over the direct buffers ran at about 20 ns an element here (a
 * float32 F1 Adam step, 1.46M parameters: 33 ms of one thread's CPU), the blocked loops at about 5 ns (docs/benchmarks.md).
 * Cost of a step: one pass over w, g and the state; per part, (3 + states) double arrays of {@link #BLOCK} values
 * (40 KB for Adam).
 */
abstract class ElementwiseOptimizer implements Optimizer {
    /** Elements per block: the block's work arrays (8 KB each) stay in the core's L1/L2 cache between the loops. */
    static final int BLOCK = 1024;

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
     * The new state of elements 0..len−1 of a block from the decayed gradients {@code d}: {@code s[k][i]} holds state k's
     * stored value on entry and is given its new value, unrounded (the caller rounds it to the dtype, stores it and
     * puts the rounded value back into {@code s} before {@link #direction} reads it). {@code s} lists the buffers in the
     * order they were added. Called concurrently on different blocks.
     */
    abstract void updateState(double[][] s, double[] d, int len);

    /**
     * {@code change[i]}, subtracted from (the decoupled-shrunk) w_i and already scaled by the learning rate, from the
     * decayed gradients {@code d} and the new, rounded state {@code s}, for elements 0..len−1 of a block.
     */
    abstract void direction(double[][] s, double[] d, double[] change, int len);

    @Override
    public final void step(INDArray w, INDArray g, double lr) {
        FlatBuffers.requireFlat(w, "parameters");
        FlatBuffers.requireFlat(g, "gradient");
        if (w.length() != g.length()) throw new IllegalArgumentException("parameters and gradient differ in length");
        for (INDArray a : state.values()) {
            if (a.dataType() != w.dataType() || a.length() != w.length()) throw new IllegalArgumentException("optimizer state of " + a.length()
                    + " " + a.dataType() + " values for " + w.length() + " " + w.dataType() + " parameters");
        }
        if (g.dataType() != w.dataType()) throw new IllegalArgumentException("gradient " + g.dataType() + ", parameters " + w.dataType());
        long t = steps + 1;
        prepare(t, lr);
        double l2 = decoupled ? 0 : weightDecay;
        double shrink = decoupled ? 1 - lr * weightDecay : 1;
        boolean f32 = w.dataType() == DataType.FLOAT;
        long wa = OffHeap.address(w), ga = OffHeap.address(g);
        long[] sa = state.values().stream().mapToLong(OffHeap::address).toArray();
        org.minima.nn.Threads.split((int) w.length(), w.length(), (from, to) -> { // contiguous parts, one per thread
            double[] wd = new double[BLOCK], d = new double[BLOCK], change = new double[BLOCK];
            double[][] s = new double[sa.length][BLOCK];
            for (int at = from; at < to; at += BLOCK) {
                int len = Math.min(BLOCK, to - at);
                loadDecayed(f32, wa, ga, l2, at, len, wd, d);
                for (int k = 0; k < sa.length; k++) load(f32, sa[k], at, len, s[k]);
                updateState(s, d, len);
                for (int k = 0; k < sa.length; k++) store(f32, sa[k], at, len, s[k]);
                direction(s, d, change, len);
                storeStep(f32, wa, at, len, wd, shrink, change);
            }
        });
        java.lang.ref.Reference.reachabilityFence(w); // their memory is read and written through raw addresses above
        java.lang.ref.Reference.reachabilityFence(g);
        steps = t;
    }

    /** w[0..len) = the parameters [at, at + len) and d = g + l2·w, widened from the float32 ({@code f32}) or float64 vectors at wa, ga. */
    private static void loadDecayed(boolean f32, long wa, long ga, double l2, int at, int len, double[] w, double[] d) {
        if (f32) {
            for (int i = 0; i < len; i++) {
                double wi = OffHeap.getFloat(wa + 4L * (at + i));
                w[i] = wi;
                d[i] = OffHeap.getFloat(ga + 4L * (at + i)) + l2 * wi;
            }
        } else {
            for (int i = 0; i < len; i++) {
                double wi = OffHeap.getDouble(wa + 8L * (at + i));
                w[i] = wi;
                d[i] = OffHeap.getDouble(ga + 8L * (at + i)) + l2 * wi;
            }
        }
    }

    /** out[0..len) = the values [at, at + len) of the float32 ({@code f32}) or float64 vector at {@code address}, widened. */
    private static void load(boolean f32, long address, int at, int len, double[] out) {
        if (f32) {
            for (int i = 0; i < len; i++) out[i] = OffHeap.getFloat(address + 4L * (at + i));
        } else {
            for (int i = 0; i < len; i++) out[i] = OffHeap.getDouble(address + 8L * (at + i));
        }
    }

    /** Stores v[0..len) at [at, at + len) rounded to the vector's dtype, and leaves the stored (rounded) values in v. */
    private static void store(boolean f32, long address, int at, int len, double[] v) {
        if (f32) {
            for (int i = 0; i < len; i++) {
                float x = (float) v[i];
                OffHeap.putFloat(address + 4L * (at + i), x);
                v[i] = x;
            }
        } else {
            for (int i = 0; i < len; i++) OffHeap.putDouble(address + 8L * (at + i), v[i]);
        }
    }

    /** Stores w·shrink − change, rounded once, at [at, at + len) of the parameters at {@code wa}. */
    private static void storeStep(boolean f32, long wa, int at, int len, double[] w, double shrink, double[] change) {
        if (f32) {
            for (int i = 0; i < len; i++) OffHeap.putFloat(wa + 4L * (at + i), (float) (w[i] * shrink - change[i]));
        } else {
            for (int i = 0; i < len; i++) OffHeap.putDouble(wa + 8L * (at + i), w[i] * shrink - change[i]);
        }
    }
}
