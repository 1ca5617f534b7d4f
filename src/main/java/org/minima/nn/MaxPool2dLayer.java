package org.minima.nn;

/**
 * Max pooling over k×k windows with a stride and padding (PyTorch's {@code nn.MaxPool2d}, floor mode;
 * padded positions count as −∞, so they are never the maximum). The forward pass remembers each
 * window's arg-max (the first one on ties), and every derivative routes through it: y = x[argmax],
 * R{y} = R{x}[argmax], and ∂L/∂x (and its R-version) is ∂L/∂y scattered back to the arg-max.
 */
final class MaxPool2dLayer extends WindowLayer {
    private final int channels;
    /** For each output value of the last forward pass, the index of its input value within the example. */
    private int[] argmax = new int[0];

    MaxPool2dLayer(int index, int[] in, int k, int stride, int pad) {
        super(index, in, in[0], k, stride, pad);
        this.channels = in[0];
    }

    @Override
    void allocate(int rows) {
        argmax = new int[rows * outFeatures];
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        Parallel.range(n, (long) n * inFeatures, (r0, r1) -> forward(x, y, r0, r1));
    }

    /** Examples [r0, r1): each window's maximum into y and its position into argmax. */
    private void forward(Arr x, Arr y, int r0, int r1) {
        if (x.f32() && y.f32()) {
            forwardFloat(x, y, r0, r1);
            return;
        }
        int q = r0 * outFeatures;
        for (int r = r0; r < r1; r++) {
            int xb = r * inFeatures;
            for (int c = 0; c < channels; c++) {
                int cb = c * h * w;
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++, q++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int i = 0; i < k; i++) {
                            int ih = oh * stride - pad + i;
                            if (ih < 0 || ih >= h) continue;
                            for (int j = 0; j < k; j++) {
                                int iw = ow * stride - pad + j;
                                if (iw < 0 || iw >= w) continue;
                                int idx = cb + ih * w + iw;
                                double v = x.get(xb + idx);
                                if (v > best || arg < 0) {
                                    best = v;
                                    arg = idx;
                                }
                            }
                        }
                        argmax[q] = arg;
                        y.set(q, best);
                    }
                }
            }
        }
    }

    /**
     * {@link #forward(Arr, Arr, int, int)} for float32 (the same comparisons and copies on the floats as stored: the same
     * bits): the window's rows and columns inside the image are found once per output row and column instead of tested
     * per value.
     */
    private void forwardFloat(Arr x, Arr y, int r0, int r1) {
        int q = r0 * outFeatures;
        for (int r = r0; r < r1; r++) {
            int xb = r * inFeatures;
            for (int c = 0; c < channels; c++) {
                int cb = xb + c * h * w;
                for (int oh = 0; oh < ho; oh++) {
                    int i0 = Math.max(0, oh * stride - pad), i1 = Math.min(h, oh * stride - pad + k);
                    for (int ow = 0; ow < wo; ow++, q++) {
                        int j0 = Math.max(0, ow * stride - pad), j1 = Math.min(w, ow * stride - pad + k);
                        int arg = cb + i0 * w + j0; // the first value is taken whatever it is (as arg < 0 above)
                        float best = x.getFloat(arg);
                        for (int ih = i0; ih < i1; ih++) {
                            for (int iw = j0, idx = cb + ih * w + j0; iw < j1; iw++, idx++) {
                                float v = x.getFloat(idx);
                                boolean more = v > best; // selects rather than branches (the maxima are not predictable)
                                best = more ? v : best;
                                arg = more ? idx : arg;
                            }
                        }
                        argmax[q] = arg - xb;
                        y.setFloat(q, best);
                    }
                }
            }
        }
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        if (dx != null) scatter(dy, dx, n);
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        int m = n * outFeatures;
        for (int q = 0; q < m; q++) ry.set(q, rx == null ? 0.0 : rx.get((q / outFeatures) * inFeatures + argmax[q]));
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        if (dx == null) return;
        scatter(dy, dx, n);
        scatter(rdy, rdx, n);
    }

    /** into = d scattered back to each window's arg-max (summed where windows overlap). Examples split over the threads. */
    private void scatter(Arr d, Arr into, int n) {
        Parallel.range(n, (long) n * inFeatures, (r0, r1) -> {
            for (int i = r0 * inFeatures, end = r1 * inFeatures; i < end; i++) into.set(i, 0.0);
            for (int r = r0, q = r0 * outFeatures; r < r1; r++) {
                int xb = r * inFeatures;
                if (d.f32() && into.f32()) { // one float sum per value: the same bits as the double one rounded
                    for (int o = 0; o < outFeatures; o++, q++) {
                        int i = xb + argmax[q];
                        into.setFloat(i, into.getFloat(i) + d.getFloat(q));
                    }
                } else {
                    for (int o = 0; o < outFeatures; o++, q++) into.add(xb + argmax[q], d.get(q));
                }
            }
        });
    }
}
