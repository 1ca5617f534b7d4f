package org.minima.nn;

import java.util.SplittableRandom;

/**
 * 2-D convolution (cross-correlation, as PyTorch's {@code nn.Conv2d}), NCHW, square kernel, stride and
 * zero padding; weight {@code [out, in, k, k]}, which is the matrix W₂ = {@code [out, in·k·k]} in memory.
 *
 * <p>Computed as im2col + GEMM (Chellapilla, Puri &amp; Simard 2006): a group of g examples is unrolled
 * into col = {@code [in·k·k, g·Ho·Wo]} (each column one receptive field), so the convolution is one
 * GEMM W₂·col, ∂L/∂W₂ += dY·colᵀ, and ∂L/∂col = W₂ᵀ·dY is folded back (col2im). g is chosen so that
 * g·Ho·Wo ≥ 256 columns (small feature maps would give thin, slow GEMMs), within a memory cap.
 * Cost per example: 2·out·in·k²·Ho·Wo flops per GEMM, plus the unrolling (k² copies of the input).
 * The R-operator passes are the same products with V₂ and R{x} (Pearlmutter 1994), as for a linear layer.
 *
 * <p>Forward and backward run data-parallel when they can ({@link Parallel#parts}): the groups of examples are cut
 * into one contiguous part per thread, each part unrolled into its own work arrays with single-threaded GEMMs (the
 * per-example products are too small for OpenBLAS's threads to pay: C1 ran at about 115 examples per CPU-second on
 * one thread but far below twice that on two). Output and input-gradient rows are each written by one part; the
 * weight and bias gradients of part 0 go straight into the gradient, those of parts 1, 2, ... into their own
 * buffers, added after in that order. So for a given thread count the bits are fixed; another count adds the
 * examples' contributions in another grouping (as a GEMM's own threads would), which changes the last bits.
 */
final class Conv2dLayer extends WindowLayer {
    private final int cin, cout, hw, ckk, group;
    private Arr weight, bias, gbias, vbias, w2, gw2, vw2;
    /** The network's shared work arrays, five per part: col and ∂col [ckk, g·hw], two output blocks [cout, g·hw], a gradient. */
    private final Scratch scratch;
    /** work[p] = {col, ∂col, outA, outB, gradient [cout·ckk + cout] of parts p ≥ 1}; the R-passes use work[0]. */
    private Arr[][] work = new Arr[0][];
    private Arr col, dcol, outA, outB;

    Conv2dLayer(int index, int[] in, int cout, int k, int stride, int pad, Scratch scratch) {
        super(index, in, cout, k, stride, pad);
        this.cin = in[0];
        this.cout = cout;
        this.hw = ho * wo;
        this.ckk = cin * k * k;
        int g = Math.max(1, (256 + hw - 1) / hw);
        while (g > 1 && (long) ckk * g * hw > (1 << 20)) g--; // col ≤ 1M values (8 MB in float64)
        this.group = g;
        this.scratch = scratch;
    }

    /** Takes the shared work arrays of part 0 (they may have grown for another layer since this one last ran). */
    private void take() {
        take(1);
    }

    /** Takes the shared work arrays of {@code parts} parts (on the calling thread, before any part runs). */
    private void take(int parts) {
        long c = (long) ckk * group * hw, o = (long) cout * group * hw;
        if (work.length < parts) work = new Arr[parts][];
        for (int p = 0; p < parts; p++) {
            int s = 5 * p;
            work[p] = new Arr[] {scratch.get(s, c), scratch.get(s + 1, c), scratch.get(s + 2, o), scratch.get(s + 3, o),
                    p == 0 ? null : scratch.get(s + 4, (long) cout * ckk + cout)};
        }
        col = work[0][0];
        dcol = work[0][1];
        outA = work[0][2];
        outB = work[0][3];
    }

    /** How many parts a pass over n examples runs in (1 inside code that runs its own threads, or for small n). */
    private int parts(int n) {
        return Parallel.parts((n + group - 1) / group, (long) n * ckk * hw);
    }

    @Override
    void bindParameters(Arr params, Arr grads, Arr direction, long[] at) {
        weight = Arr.view(params, at[0], cout, cin, k, k);
        w2 = Arr.view(params, at[0], cout, ckk);
        gw2 = Arr.view(grads, at[0], cout, ckk);
        vw2 = Arr.view(direction, at[0], cout, ckk);
        bias = Arr.view(params, at[1], cout);
        gbias = Arr.view(grads, at[1], cout);
        vbias = Arr.view(direction, at[1], cout);
    }

    /** PyTorch's {@code nn.Conv2d.reset_parameters}: weight and bias ~ U(±1/√fan_in), fan_in = in·k·k. */
    @Override
    void initialize(SplittableRandom rng) {
        double b = 1.0 / Math.sqrt(ckk);
        Inits.uniform(weight, b, rng);
        Inits.uniform(bias, b, rng);
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        int parts = parts(n), groups = (n + group - 1) / group;
        take(parts);
        Parallel.parts(parts, p -> {
            Arr pcol = work[p][0], pout = work[p][2];
            for (int q = groups * p / parts, end = groups * (p + 1) / parts; q < end; q++) {
                int r0 = q * group, g = Math.min(group, n - r0), gh = g * hw;
                long t = Profile.start();
                im2col(x, r0, g, pcol);
                t = Profile.add("  conv: im2col", t);
                if (g == 1) Blas.gemm(false, false, cout, gh, ckk, 1.0, w2, 0, pcol, 0, 0.0, y, r0 * outFeatures);
                else Blas.gemm(false, false, cout, gh, ckk, 1.0, w2, 0, pcol, 0, 0.0, pout, 0);
                t = Profile.add("  conv: GEMM", t);
                finishOut(pout, y, r0, g, bias);
                Profile.add("  conv: bias and reorder", t);
            }
        });
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        int parts = parts(n), groups = (n + group - 1) / group, wc = cout * ckk;
        take(parts);
        Parallel.parts(parts, p -> {
            Arr pcol = work[p][0], pdcol = work[p][1], pout = work[p][2], pg = work[p][4];
            Arr gw = p == 0 ? gw2 : pg, gb = p == 0 ? gbias : pg;
            int gbOff = p == 0 ? 0 : wc;
            if (p > 0) pg.zero();
            for (int q = groups * p / parts, end = groups * (p + 1) / parts; q < end; q++) {
                int r0 = q * group, g = Math.min(group, n - r0), gh = g * hw;
                long t = Profile.start();
                Arr d = gather(dy, r0, g, pout);
                int dOff = g == 1 ? r0 * outFeatures : 0;
                addRowSums(dy, r0, g, gb, gbOff);
                t = Profile.add("  conv: bias and reorder", t);
                im2col(x, r0, g, pcol);
                t = Profile.add("  conv: im2col", t);
                Blas.gemm(false, true, cout, ckk, gh, 1.0, d, dOff, pcol, 0, 1.0, gw, 0);
                t = Profile.add("  conv: GEMM", t);
                if (dx != null) {
                    Blas.gemm(true, false, ckk, gh, cout, 1.0, w2, 0, d, dOff, 0.0, pdcol, 0);
                    t = Profile.add("  conv: GEMM", t);
                    col2im(pdcol, dx, r0, g);
                    Profile.add("  conv: col2im", t);
                }
            }
        });
        for (int p = 1; p < parts; p++) { // the parts' sums, in a fixed order
            Arr pg = work[p][4];
            for (int i = 0; i < wc; i++) gw2.add(i, pg.get(i));
            for (int o = 0; o < cout; o++) gbias.add(o, pg.get(wc + o));
        }
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        take();
        for (int r0 = 0; r0 < n; r0 += group) {
            int g = Math.min(group, n - r0), gh = g * hw;
            Arr out = g == 1 ? ry : outA;
            int oOff = g == 1 ? r0 * outFeatures : 0;
            im2col(x, r0, g, col);
            Blas.gemm(false, false, cout, gh, ckk, 1.0, vw2, 0, col, 0, 0.0, out, oOff);
            if (rx != null) {
                im2col(rx, r0, g, col);
                Blas.gemm(false, false, cout, gh, ckk, 1.0, w2, 0, col, 0, 1.0, out, oOff);
            }
            finishOut(outA, ry, r0, g, vbias);
        }
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        take();
        for (int r0 = 0; r0 < n; r0 += group) {
            int g = Math.min(group, n - r0), gh = g * hw;
            int off = g == 1 ? r0 * outFeatures : 0;
            Arr d = gather(dy, r0, g, outA);
            Arr rd = gather(rdy, r0, g, outB);
            addRowSums(rdy, r0, g, gbias, 0);
            // R{∂L/∂W₂} = R{dY}·colᵀ + dY·R{col}ᵀ
            im2col(x, r0, g, col);
            Blas.gemm(false, true, cout, ckk, gh, 1.0, rd, off, col, 0, 1.0, gw2, 0);
            if (rx != null) {
                im2col(rx, r0, g, col);
                Blas.gemm(false, true, cout, ckk, gh, 1.0, d, off, col, 0, 1.0, gw2, 0);
            }
            if (dx != null) {
                Blas.gemm(true, false, ckk, gh, cout, 1.0, w2, 0, d, off, 0.0, dcol, 0);
                col2im(dcol, dx, r0, g);
                // R{∂L/∂col} = W₂ᵀ·R{dY} + V₂ᵀ·dY
                Blas.gemm(true, false, ckk, gh, cout, 1.0, w2, 0, rd, off, 0.0, dcol, 0);
                Blas.gemm(true, false, ckk, gh, cout, 1.0, vw2, 0, d, off, 1.0, dcol, 0);
                col2im(dcol, rdx, r0, g);
            }
        }
    }

    /** Adds the bias, and for a group moves the scratch block [cout, g·hw] (example-major columns) to NCHW rows. */
    private void finishOut(Arr scratch, Arr y, int r0, int g, Arr b) {
        int gh = g * hw;
        Parallel.range(cout, (long) g * outFeatures, (o0, o1) -> finishOut(scratch, y, r0, g, b, gh, o0, o1));
    }

    /** {@link #finishOut} for the channels [o0, o1). */
    private void finishOut(Arr scratch, Arr y, int r0, int g, Arr b, int gh, int o0, int o1) {
        boolean f = y.f32() && scratch.f32() && b.f32(); // a float plus a float bias: the float sum is the same bits
        for (int e = 0; e < g; e++) {
            int base = (r0 + e) * outFeatures;
            for (int o = o0; o < o1; o++) {
                double bo = b.get(o);
                int yi = base + o * hw;
                if (f) {
                    float bf = b.getFloat(o);
                    if (g == 1) {
                        for (int p = 0; p < hw; p++) y.setFloat(yi + p, y.getFloat(yi + p) + bf);
                    } else {
                        int si = o * gh + e * hw;
                        for (int p = 0; p < hw; p++) y.setFloat(yi + p, scratch.getFloat(si + p) + bf);
                    }
                } else if (g == 1) {
                    for (int p = 0; p < hw; p++) y.set(yi + p, y.get(yi + p) + bo);
                } else {
                    int si = o * gh + e * hw;
                    for (int p = 0; p < hw; p++) y.set(yi + p, scratch.get(si + p) + bo);
                }
            }
        }
    }

    /** The group's rows of dy as [cout, g·hw]: dy itself for one example (at offset r0·outFeatures), else the scratch block. */
    private Arr gather(Arr dy, int r0, int g, Arr scratch) {
        if (g == 1) return dy;
        int gh = g * hw;
        Parallel.range(cout, (long) g * outFeatures, (o0, o1) -> {
            for (int e = 0; e < g; e++) {
                int base = (r0 + e) * outFeatures;
                for (int o = o0; o < o1; o++) {
                    int yi = base + o * hw, si = o * gh + e * hw;
                    if (scratch.f32() && dy.f32()) {
                        for (int p = 0; p < hw; p++) scratch.setFloat(si + p, dy.getFloat(yi + p));
                    } else {
                        for (int p = 0; p < hw; p++) scratch.set(si + p, dy.get(yi + p));
                    }
                }
            }
        });
        return scratch;
    }

    /** ∂L/∂b (or its R-version) += per-channel sums of the group's dy. */
    private void addRowSums(Arr dy, int r0, int g, Arr into, int intoOff) {
        Parallel.range(cout, (long) g * outFeatures, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                double s = 0;
                for (int e = 0; e < g; e++) {
                    int yi = (r0 + e) * outFeatures + o * hw;
                    for (int p = 0; p < hw; p++) s += dy.get(yi + p);
                }
                into.add(intoOff + o, s);
            }
        });
    }

    /** col[(c·k + i)·k + j][e·hw + oh·wo + ow] = x_e[c][oh·s − pad + i][ow·s − pad + j], 0 in the padding. */
    void im2col(Arr x, int r0, int g, Arr col) {
        if (stride == 1 && ho == h && wo == w) {
            Parallel.range(cin, (long) ckk * g * hw, (c0, c1) -> im2colSame(x, col, r0, g, c0, c1));
            return;
        }
        Parallel.range(cin, (long) ckk * g * hw, (c0, c1) -> unroll(x, col, r0, g, c0, c1, false));
    }

    /**
     * im2col for stride 1 and "same" padding (output as large as the input, C1's convolutions): a row of col for kernel
     * offset (i, j) is the input plane shifted by (i − pad)·w + (j − pad), so its inside is one memory copy, after which
     * the padding (the rows above and below, and the columns that the shift wrapped around to the neighbouring row) is
     * zeroed. The same values as {@link #unroll}; cost about one memcpy of col instead of a loop over its values.
     */
    private void im2colSame(Arr x, Arr col, int r0, int g, int c0, int c1) {
        int gh = g * hw;
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < k; i++) {
                int oh0 = Math.max(0, pad - i), oh1 = Math.max(oh0, Math.min(ho, h + pad - i)); // rows with ih inside
                for (int j = 0; j < k; j++) {
                    int row = ((c * k + i) * k + j) * gh;
                    int lo = validFrom(j), hi = validTo(j);
                    for (int e = 0; e < g; e++) {
                        int ci = row + e * hw;
                        if (oh0 == oh1 || lo == hi) {
                            col.zero(ci, hw);
                            continue;
                        }
                        int xb = (r0 + e) * inFeatures + c * h * w;
                        int a = oh0 * wo + lo, b = (oh1 - 1) * wo + hi; // first and one past the last value inside
                        Arr.copy(x, xb + (oh0 + i - pad) * w + lo + j - pad, col, ci + a, b - a);
                        col.zero(ci, a);
                        col.zero(ci + b, hw - b);
                        for (int oh = oh0; oh + 1 < oh1; oh++) col.zero(ci + oh * wo + hi, wo - hi + lo); // wrapped columns
                    }
                }
            }
        }
    }

    /**
     * The shared walk of im2col and col2im over the input channels [c0, c1) (the rows of col they own), kernel offsets and the g examples' output rows:
     * forward ({@code back} false) col[ci + ow] = x[xr + ow·stride], 0 in the padding; back, x[xr + ow·stride] +=
     * col[ci + ow] over the inside only. The branch on {@code back} is per output row, not per value.
     */
    private void unroll(Arr x, Arr col, int r0, int g, int c0, int c1, boolean back) {
        int gh = g * hw;
        // float32: copies, and sums of two floats, without widening (the same bits; Arr#getFloat): 3-4× faster here
        boolean f = x.f32() && col.f32();
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    int row = ((c * k + i) * k + j) * gh;
                    int lo = validFrom(j), hi = validTo(j);
                    for (int e = 0; e < g; e++) {
                        int xb = (r0 + e) * inFeatures + c * h * w;
                        int ci = row + e * hw;
                        for (int oh = 0; oh < ho; oh++, ci += wo) {
                            int ih = oh * stride - pad + i;
                            boolean inside = ih >= 0 && ih < h;
                            int xr = xb + ih * w - pad + j;
                            if (back) {
                                if (inside && f) {
                                    for (int ow = lo; ow < hi; ow++) {
                                        int xi = xr + ow * stride;
                                        x.setFloat(xi, x.getFloat(xi) + col.getFloat(ci + ow));
                                    }
                                } else if (inside) {
                                    for (int ow = lo; ow < hi; ow++) x.add(xr + ow * stride, col.get(ci + ow));
                                }
                                continue;
                            }
                            if (!inside) {
                                for (int ow = 0; ow < wo; ow++) col.set(ci + ow, 0.0);
                                continue;
                            }
                            // the padding columns, then the inside without a test per value
                            for (int ow = 0; ow < lo; ow++) col.set(ci + ow, 0.0);
                            for (int ow = hi; ow < wo; ow++) col.set(ci + ow, 0.0);
                            if (f) {
                                for (int ow = lo; ow < hi; ow++) col.setFloat(ci + ow, x.getFloat(xr + ow * stride));
                            } else {
                                for (int ow = lo; ow < hi; ow++) col.set(ci + ow, x.get(xr + ow * stride));
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first output column ow whose input column ow·stride − pad + j is inside the image (≥ 0). */
    private int validFrom(int j) {
        return Math.min(wo, Math.max(0, -Math.floorDiv(j - pad, stride)));
    }

    /** One past the last output column whose input column is inside the image (&lt; w); at least {@link #validFrom}. */
    private int validTo(int j) {
        return Math.max(validFrom(j), Math.min(wo, Math.floorDiv(w - 1 + pad - j, stride) + 1));
    }

    /** The adjoint of im2col: dx rows r0..r0+g are overwritten with the sums of their receptive-field entries. */
    void col2im(Arr dc, Arr dx, int r0, int g) {
        Parallel.range(cin, (long) ckk * g * hw, (c0, c1) -> col2im(dc, dx, r0, g, c0, c1));
    }

    /**
     * {@link #col2im} for the input channels [c0, c1): those values of dx receive only from their own rows of col, in the
     * same order as one thread would add them.
     */
    private void col2im(Arr dc, Arr dx, int r0, int g, int c0, int c1) {
        for (int e = 0; e < g; e++) {
            int base = (r0 + e) * inFeatures;
            for (int q = base + c0 * h * w, end = base + c1 * h * w; q < end; q++) dx.set(q, 0.0);
        }
        unroll(dx, dc, r0, g, c0, c1, true);
    }
}
