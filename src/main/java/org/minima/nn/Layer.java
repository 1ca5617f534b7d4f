package org.minima.nn;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One layer of a {@link Network}. Activations are row-major {@code [n, features]} arrays (an image
 * example is its {@code C×H×W} values, NCHW as PyTorch), so a layer sees its input and output as
 * matrices with {@code n} rows.
 *
 * <p>Besides forward and backward, each layer has Pearlmutter's R-operator (Pearlmutter 1994, "Fast
 * exact multiplication by the Hessian", §3–4): {@code R{·} = ∂/∂r (·)(θ + r·v)} at r = 0. The
 * R-forward pass carries {@code R{x}} alongside {@code x}; the R-backward pass carries
 * {@code R{∂L/∂x}} alongside {@code ∂L/∂x}, and {@code R{∂L/∂θ}} is {@code H·v}. R-passes are
 * defined in inference mode only (the mode the analyzers use; see docs/nn.md).
 *
 * <p>Parameter gradients (and their R-versions) are always <em>added</em> into the gradient views,
 * so a caller sums over chunks of data without extra buffers. Input gradients are overwritten.
 * A {@code null} R-input means "identically zero" (the data do not depend on θ).
 */
abstract class Layer {
    enum Mode { TRAINING, INFERENCE }

    /** A named tensor of this layer (PyTorch name suffix, PyTorch shape, its view in the flat vector). */
    record Named(String name, long[] shape, Arr view) {}

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

    static int product(int[] s) {
        int p = 1;
        for (int d : s) p *= d;
        return p;
    }

    /** A short name of the layer's type, for {@link Profile}'s phases ("LinearLayer" → "linear"). */
    final String kind() {
        String c = getClass().getSimpleName();
        return c.substring(0, c.length() - "Layer".length()).toLowerCase(java.util.Locale.ROOT);
    }

    /** Number of trainable values (weight then bias), the length of this layer's slice of the flat vector. */
    int parameterCount() { return 0; }

    /** Number of non-trainable values (batch-norm running statistics). */
    int bufferCount() { return 0; }

    /** Makes this layer's tensors views into the network's flat parameter, gradient and direction vectors. */
    void bindParameters(Arr params, Arr grads, Arr direction, long offset) {}

    /** Makes this layer's running statistics views into the network's flat buffer vector. */
    void bindBuffers(Arr buffers, long offset) {}

    /** Trainable tensors, then buffers, in the contract's order. */
    List<Named> tensors() { return List.of(); }

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

    /** R{y} = ∂f/∂x·R{x} + ∂f/∂θ·v (inference mode); {@code rx == null} means R{x} = 0. */
    abstract void rForward(Arr x, Arr rx, Arr y, Arr ry, int n);

    /**
     * Inference mode: adds R{∂L/∂θ} (= rows of H·v) into the gradient views; when {@code dx != null},
     * writes ∂L/∂x into dx and R{∂L/∂x} into rdx.
     */
    abstract void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n);

    /** Copies n rows of this layer's input width from {@code from} (zeros when null) into {@code to}. Cost: one pass. */
    final void copy(Arr from, Arr to, int n) {
        int m = n * inFeatures;
        for (int k = 0; k < m; k++) to.set(k, from == null ? 0.0 : from.get(k));
    }
}
