package org.minima.nn;

import java.util.SplittableRandom;

/** y = x·Wᵀ + b, W of shape [out, in] as PyTorch's {@code nn.Linear}. */
final class LinearLayer extends Layer {
    private final int in, out;
    private Arr w, b, gw, gb, vw, vb;

    LinearLayer(int index, int in, int out) {
        super(index, new int[] {in}, new int[] {out});
        this.in = in;
        this.out = out;
    }

    @Override
    void bindParameters(Arr params, Arr grads, Arr direction, long[] at) {
        w = Arr.view(params, at[0], out, in);
        b = Arr.view(params, at[1], out);
        gw = Arr.view(grads, at[0], out, in);
        gb = Arr.view(grads, at[1], out);
        vw = Arr.view(direction, at[0], out, in);
        vb = Arr.view(direction, at[1], out);
    }

    /** PyTorch's {@code nn.Linear.reset_parameters}: kaiming_uniform(a=√5) gives U(±1/√in), and the bias U(±1/√in). */
    @Override
    void initialize(SplittableRandom rng) {
        Inits.uniform(w, 1.0 / Math.sqrt(in), rng);
        Inits.uniform(b, 1.0 / Math.sqrt(in), rng);
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        long t = Profile.start();
        forwardWithoutBias(x, y);
        t = Profile.add("  linear: GEMM", t);
        addBias(y, b, n);
        Profile.add("  linear: bias", t);
    }

    /** y = x·Wᵀ: one GEMM [n×in]·[in×out] into the preallocated y, 2·n·in·out flops, no allocation. */
    void forwardWithoutBias(Arr x, Arr y) {
        Blas.gemm(x, false, w, true, y, 1.0, 0.0);
    }

    /** The bias as a Java array ({@code out} doubles). */
    double[] biasValues() {
        return values(b);
    }

    /** The {@code out} values of a bias-shaped vector (b or its direction) as a Java array. */
    private double[] values(Arr bias) {
        double[] bb = new double[out];
        for (int j = 0; j < out; j++) bb[j] = bias.get(j);
        return bb;
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        long t = Profile.start();
        addColumnSums(dy, n);
        t = Profile.add("  linear: bias", t);
        backwardWithoutBias(x, dy, dx);
        Profile.add("  linear: GEMM", t);
    }

    /** ∂L/∂W += dyᵀ·x and, when dx != null, ∂L/∂x = dy·W: two GEMMs of 2·n·in·out flops each. */
    void backwardWithoutBias(Arr x, Arr dy, Arr dx) {
        Blas.gemm(dy, true, x, false, gw, 1.0, 1.0);
        if (dx != null) Blas.gemm(dy, false, w, false, dx, 1.0, 0.0);
    }

    /** ∂L/∂b += the given column sums of dy. */
    void addBiasGradient(double[] columnSums) {
        for (int j = 0; j < out; j++) gb.add(j, columnSums[j]);
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        // R{y} = x·Vᵀ + R{x}·Wᵀ + v_b: one or two GEMMs.
        long t = Profile.start();
        Blas.gemm(x, false, vw, true, ry, 1.0, 0.0);
        if (rx != null) Blas.gemm(rx, false, w, true, ry, 1.0, 1.0);
        t = Profile.add("  linear: GEMM", t);
        addBias(ry, vb, n);
        Profile.add("  linear: bias", t);
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        // R{∂L/∂W} = R{dy}ᵀ·x + dyᵀ·R{x};  R{∂L/∂x} = R{dy}·W + dy·V;  ∂L/∂x = dy·W. Up to five GEMMs.
        long t = Profile.start();
        Blas.gemm(rdy, true, x, false, gw, 1.0, 1.0);
        if (rx != null) Blas.gemm(dy, true, rx, false, gw, 1.0, 1.0);
        t = Profile.add("  linear: GEMM", t);
        addColumnSums(rdy, n);
        t = Profile.add("  linear: bias", t);
        if (dx != null) {
            Blas.gemm(dy, false, w, false, dx, 1.0, 0.0);
            Blas.gemm(rdy, false, w, false, rdx, 1.0, 0.0);
            Blas.gemm(dy, false, vw, false, rdx, 1.0, 1.0);
            Profile.add("  linear: GEMM", t);
        }
    }

    private void addBias(Arr y, Arr bias, int n) {
        double[] bb = values(bias); // `out` doubles, read once so the loop below touches y only
        Parallel.range(n, (long) n * out, (r0, r1) -> {
            for (int r = r0, k = r0 * out; r < r1; r++) {
                for (int j = 0; j < out; j++, k++) y.set(k, y.get(k) + bb[j]);
            }
        });
    }

    /** Split by columns, so each sum adds its rows in order on one thread (the same bits for any thread count). */
    private void addColumnSums(Arr dy, int n) {
        double[] s = new double[out];
        Parallel.range(out, (long) n * out, (j0, j1) -> {
            for (int r = 0; r < n; r++) {
                for (int j = j0, k = r * out + j0; j < j1; j++, k++) s[j] += dy.get(k);
            }
        });
        addBiasGradient(s);
    }
}
