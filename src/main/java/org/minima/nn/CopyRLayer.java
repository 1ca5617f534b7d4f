package org.minima.nn;

/**
 * A layer whose R-passes copy the direction straight through: R{y} = R{x}, and ∂L/∂x, R{∂L/∂x} are ∂L/∂y, R{∂L/∂y}
 * (a reshape, or dropout as the analyzers run it). No parameters; cost one pass per copy.
 */
abstract class CopyRLayer extends Layer {
    CopyRLayer(int index, int[] inShape, int[] outShape) {
        super(index, inShape, outShape);
    }

    @Override
    final void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        copy(rx, ry, n);
    }

    @Override
    final void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        if (dx == null) return;
        copy(dy, dx, n);
        copy(rdy, rdx, n);
    }
}
