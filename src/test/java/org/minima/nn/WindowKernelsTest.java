package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The window kernels' fast paths (issue 15) against naive loops written here, bit for bit: im2col (the memory-copy
 * path for stride 1 and same padding, and the general walk), col2im (float32 sums of two floats without widening) and
 * max pooling in float32 (first maximum on ties, −0 and +0 equal). Values are drawn with many ties and signed zeros.
 */
class WindowKernelsTest {
    /** {cin, h, w, k, stride, pad}: same padding (5×5 and 3×3, stride 1: the copy path), then the general walk. */
    private static final int[][] GEOMETRIES = {{3, 9, 7, 5, 1, 2}, {2, 6, 6, 3, 1, 1}, {2, 7, 6, 3, 1, 0}, {2, 7, 6, 3, 2, 1}, {1, 4, 5, 5, 1, 2}};

    @AfterEach
    void restoreThreads() {
        Threads.configure(0);
    }

    private static double value(SplittableRandom r) {
        int kind = r.nextInt(6);
        return kind == 0 ? 0.0 : kind == 1 ? -0.0 : kind == 2 ? 1.5 : r.nextGaussian();
    }

    private static int[] shape(int[] g) {
        int ho = (g[1] + 2 * g[5] - g[3]) / g[4] + 1, wo = (g[2] + 2 * g[5] - g[3]) / g[4] + 1;
        return new int[] {ho, wo};
    }

    @Test
    void im2colAndCol2imMatchNaiveLoopsBitForBitInBothPrecisions() {
        for (int threads = 1; threads <= 2; threads++) {
            Threads.configure(threads);
            for (int[] g : GEOMETRIES) {
                for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                    int cin = g[0], h = g[1], w = g[2], k = g[3], s = g[4], p = g[5], n = 3;
                    Conv2dLayer conv = new Conv2dLayer(0, new int[] {cin, h, w}, 2, k, s, p, new Scratch(dtype));
                    int ho = shape(g)[0], wo = shape(g)[1], hw = ho * wo, ckk = cin * k * k, in = cin * h * w;
                    SplittableRandom r = new SplittableRandom(g[0] * 31 + g[3]);
                    Arr x = Arr.zeros(dtype, n, in);
                    for (int i = 0; i < x.length; i++) x.set(i, value(r));
                    String what = dtype + " " + java.util.Arrays.toString(g) + ", " + threads + " threads";
                    for (int e0 = 0; e0 < n; e0++) { // one example at a time (as a layer with group 1 unrolls them)
                        Arr col = Arr.zeros(dtype, ckk, hw);
                        for (int i = 0; i < col.length; i++) col.set(i, 7.0); // every value must be written
                        conv.im2col(x, e0, 1, col);
                        for (int c = 0; c < cin; c++) {
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    for (int oh = 0; oh < ho; oh++) {
                                        for (int ow = 0; ow < wo; ow++) {
                                            int ih = oh * s - p + a, iw = ow * s - p + b;
                                            double want = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0.0 : x.get(e0 * in + (c * h + ih) * w + iw);
                                            double got = col.get(((c * k + a) * k + b) * hw + oh * wo + ow);
                                            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + " im2col");
                                        }
                                    }
                                }
                            }
                        }
                        // col2im: dx = the adjoint, each sum in the walk's order (c, a, b, oh, ow), rounded to the dtype per addition
                        for (int i = 0; i < col.length; i++) col.set(i, value(r));
                        Arr dx = Arr.zeros(dtype, n, in);
                        for (int i = 0; i < dx.length; i++) dx.set(i, 9.0); // the example's rows are overwritten, the others kept
                        conv.col2im(col, dx, e0, 1);
                        double[] want = new double[in];
                        for (int c = 0; c < cin; c++) {
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    for (int oh = 0; oh < ho; oh++) {
                                        for (int ow = 0; ow < wo; ow++) {
                                            int ih = oh * s - p + a, iw = ow * s - p + b;
                                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                            int q = (c * h + ih) * w + iw;
                                            double sum = want[q] + col.get(((c * k + a) * k + b) * hw + oh * wo + ow);
                                            want[q] = dtype == DataType.FLOAT ? (float) sum : sum;
                                        }
                                    }
                                }
                            }
                        }
                        for (int i = 0; i < n * in; i++) {
                            double expect = i / in == e0 ? want[i % in] : 9.0;
                            assertEquals(Double.doubleToRawLongBits(expect), Double.doubleToRawLongBits(dx.get(i)), what + " col2im at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void float32MaxPoolingTakesTheFirstMaximumAndRoutesTheGradientThere() {
        // {channels, h, w, k, stride, pad}: C1's 3/2 with padding 1, and a window without padding
        for (int[] g : new int[][] {{3, 8, 8, 3, 2, 1}, {2, 7, 5, 2, 2, 0}}) {
            int ch = g[0], h = g[1], w = g[2], k = g[3], s = g[4], p = g[5], n = 4;
            MaxPool2dLayer pool = new MaxPool2dLayer(0, new int[] {ch, h, w}, k, s, p);
            pool.allocate(n);
            int ho = shape(new int[] {ch, h, w, k, s, p})[0], wo = shape(new int[] {ch, h, w, k, s, p})[1], in = ch * h * w, out = ch * ho * wo;
            SplittableRandom r = new SplittableRandom(5);
            Arr x = Arr.zeros(DataType.FLOAT, n, in), y = Arr.zeros(DataType.FLOAT, n, out);
            Arr dy = Arr.zeros(DataType.FLOAT, n, out), dx = Arr.zeros(DataType.FLOAT, n, in);
            for (int i = 0; i < x.length; i++) x.set(i, value(r));
            for (int i = 0; i < dy.length; i++) dy.set(i, r.nextGaussian());
            pool.forward(x, y, n, Layer.Mode.TRAINING, 0);
            pool.backward(x, y, dy, dx, n, Layer.Mode.TRAINING);
            double[] want = new double[n * in];
            for (int e = 0; e < n; e++) {
                for (int c = 0; c < ch; c++) {
                    for (int oh = 0; oh < ho; oh++) {
                        for (int ow = 0; ow < wo; ow++) {
                            float best = 0;
                            int arg = -1;
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    int ih = oh * s - p + a, iw = ow * s - p + b;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    int q = e * in + (c * h + ih) * w + iw;
                                    float v = (float) x.get(q);
                                    if (arg < 0 || v > best) {
                                        best = v;
                                        arg = q;
                                    }
                                }
                            }
                            int o = e * out + (c * ho + oh) * wo + ow;
                            assertEquals(Float.floatToRawIntBits(best), Float.floatToRawIntBits((float) y.get(o)), "max at " + o);
                            want[arg] = (float) (want[arg] + dy.get(o));
                        }
                    }
                }
            }
            for (int i = 0; i < want.length; i++) {
                assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(dx.get(i)), "gradient at " + i);
            }
        }
    }
}
