package org.minima.nn;

/** [n, C, H, W] → [n, C·H·W]: the same row-major values, so a copy. */
final class FlattenLayer extends Layer {
    FlattenLayer(int index, int[] shape) {
        super(index, shape, new int[] {product(shape)});
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        copy(x, y, n);
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        if (dx != null) copy(dy, dx, n);
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        copy(rx, ry, n);
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        if (dx == null) return;
        copy(dy, dx, n);
        copy(rdy, rdx, n);
    }
}
