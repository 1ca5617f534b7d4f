package org.minima.nn;

/** y = max(x, 0). Its derivative is the mask [x &gt; 0] (0 at x = 0, as PyTorch). */
final class ReluLayer extends Layer {
    ReluLayer(int index, int[] shape) {
        super(index, shape, shape);
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        int m = n * inFeatures;
        for (int k = 0; k < m; k++) {
            double v = x.get(k);
            y.set(k, v > 0 ? v : 0.0);
        }
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        if (dx != null) mask(x, dy, dx, n);
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        mask(x, rx, ry, n); // R{y} = [x > 0]·R{x}
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        if (dx == null) return;
        mask(x, dy, dx, n);
        mask(x, rdy, rdx, n); // the mask is piecewise constant, so R{[x>0]} = 0
    }

    private void mask(Arr x, Arr in, Arr out, int n) {
        int m = n * inFeatures;
        if (in == null) {
            for (int k = 0; k < m; k++) out.set(k, 0.0);
            return;
        }
        for (int k = 0; k < m; k++) out.set(k, x.get(k) > 0 ? in.get(k) : 0.0);
    }
}
