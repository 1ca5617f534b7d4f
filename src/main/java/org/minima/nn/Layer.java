package org.minima.nn;

import java.util.SplittableRandom;

/**
 * One layer of a {@link Network}. Activations are row-major {@code [n, features]} arrays (an image
 * example is its {@code C×H×W} values, NCHW as PyTorch), so a layer sees its input and output as
 * matrices with {@code n} rows.
 *
 * <p>Besides forward and backward, each layer has Pearlmutter's R-operator (Pearlmutter 1994, "Fast
 * exact multiplication by the Hessian", §3–4): {@code R{·} = ∂/∂r (·)(θ + r·v)} at r = 0. The
 * R-forward pass carries {@code R{x}} alongside {@code x}; the R-backward pass carries
 * {@code R{∂L/∂x}} alongside {@code ∂L/∂x}, and {@code R{∂L/∂θ}} is {@code H·v}. R-passes follow the
 * mode of the forward pass before them: INFERENCE or BATCH (the analyzers' two conventions; see docs/nn.md).
 *
 * <p>Parameter gradients (and their R-versions) are always <em>added</em> into the gradient views,
 * so a caller sums over chunks of data without extra buffers. Input gradients are overwritten.
 * A {@code null} R-input means "identically zero" (the data do not depend on θ).
 */
abstract class Layer {
    /**
     * TRAINING: batch statistics (running averages updated), dropout on. INFERENCE: running statistics, dropout off.
     * BATCH: batch statistics with the running averages untouched, dropout off (the analyzers' batch convention,
     * {@link BatchNormMode}).
     */
    enum Mode { TRAINING, INFERENCE, BATCH }

    /** Position in the model (for tensor names {@code layers.<index>.weight}). */
    final int index;
    /** Shapes of one example: {@code [F]} or {@code [C, H, W]}. */
    final int[] inShape, outShape;
    final int inFeatures, outFeatures;

    Layer(int index, int[] inShape, int[] outShape) {
        this.index = index;
        this.inShape = inShape.clone();
        this.outShape = outShape.clone();
        this.inFeatures = product(inShape);
        this.outFeatures = product(outShape);
    }

    /**
     * Output size of a k-window with stride s and padding p over n (PyTorch's floor mode), in long: n + 2p may pass
     * 2^31 although the result fits (Architecture has checked the spec, with the same formula).
     */
    static int window(int n, int k, int s, int p) {
        return (int) (((long) n + 2L * p - k) / s + 1);
    }

    static int product(int[] s) {
        int p = 1;
        for (int d : s) p *= d;
        return p;
    }

    /**
     * Makes this layer's tensors views into the network's flat parameter, gradient and direction vectors:
     * {@code at[k]} is the offset of its k-th trainable tensor as its {@code ModelSpec} entry lists them
     * (weight, then bias), placed by {@code Architecture}.
     */
    void bindParameters(Arr params, Arr grads, Arr direction, long[] at) {}

    /** A short name of the layer's type, for {@link Profile}'s phases ("LinearLayer" → "linear"). */
    final String kind() {
        String c = getClass().getSimpleName();
        return c.substring(0, c.length() - "Layer".length()).toLowerCase(java.util.Locale.ROOT);
    }

    /** Makes this layer's running statistics views into the flat buffer vector, {@code at[k]} the k-th one's offset. */
    void bindBuffers(Arr buffers, long[] at) {}

    /** PyTorch's default initialization, drawing from {@code rng} in tensor order. */
    void initialize(SplittableRandom rng) {}

    /** Sizes per-batch caches for up to {@code rows} examples (called when the batch capacity grows). */
    void allocate(int rows) {}

    /** y = f(x) for the first n rows. {@code seed}: dropout's mask seed in training mode. */
    abstract void forward(Arr x, Arr y, int n, Mode mode, long seed);

    /**
     * Given dy = ∂L/∂y, adds ∂L/∂θ into the gradient views and, when {@code dx != null}, writes ∂L/∂x.
     * Must follow the {@link #forward} of the same batch and mode.
     */
    abstract void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode);

    /** R{y} = ∂f/∂x·R{x} + ∂f/∂θ·v (in the mode of the last forward pass); {@code rx == null} means R{x} = 0. */
    abstract void rForward(Arr x, Arr rx, Arr y, Arr ry, int n);

    /**
     * In the mode of the last forward pass: adds R{∂L/∂θ} (= rows of H·v) into the gradient views; when {@code dx != null},
     * writes ∂L/∂x into dx and R{∂L/∂x} into rdx.
     */
    abstract void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n);

    /** Copies n rows of this layer's input width from {@code from} (zeros when null) into {@code to}. Cost: one pass. */
    final void copy(Arr from, Arr to, int n) {
        int m = n * inFeatures;
        for (int k = 0; k < m; k++) to.set(k, from == null ? 0.0 : from.get(k));
    }
}
