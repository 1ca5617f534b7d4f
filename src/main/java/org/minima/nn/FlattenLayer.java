package org.minima.nn;

/** [n, C, H, W] → [n, C·H·W]: the same row-major values, so a copy. */
final class FlattenLayer extends CopyRLayer {
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
}
