package org.minima.nn;

/**
 * A layer that slides a k×k window with a stride and zero padding over [C, H, W] inputs (convolution, pooling):
 * the geometry both keep, output [outChannels, Ho, Wo] with Ho, Wo from {@link #window}.
 */
abstract class WindowLayer extends Layer {
    final int k, stride, pad, h, w, ho, wo;

    WindowLayer(int index, int[] in, int outChannels, int k, int stride, int pad) {
        super(index, in, new int[] {outChannels, window(in[1], k, stride, pad), window(in[2], k, stride, pad)});
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        this.h = in[1];
        this.w = in[2];
        this.ho = outShape[1];
        this.wo = outShape[2];
    }
}
