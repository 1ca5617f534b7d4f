package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link Blas#gemm}, which splits a large product into blocks of C, one single-threaded OpenBLAS call per thread
 * (issue 15). A split changes which values OpenBLAS's blocking groups (so the last bits of a run on two or more threads
 * changed with it), but every value must still be the product to the rounding of a dot product of length k: here
 * |C − C_exact| ≤ γ·(Σ|α·a·b| + |c|) + u·|C_exact| per value, γ = (k + 1)·u/(1 − (k + 1)·u) (Higham, Accuracy and Stability, §3.1), against a reference
 * summed in double-double arithmetic (TwoSum, TwoProduct). Shapes cover a row split (m ≥ n), a column split, both
 * transposes, offsets into larger buffers (as the convolutions pass them), β = 1 onto values already in C (the gradients
 * accumulate), and products too small to split.
 */
class BlasTest {
    /** {m, n, k}: rows split, columns split, short last blocks with a long k, too small to split. */
    private static final int[][] SHAPES = {{300, 70, 129}, {64, 700, 97}, {97, 161, 700}, {20, 30, 40}};

    @AfterEach
    void restoreThreads() {
        Threads.configure(0);
    }

    @Test
    void splitProductsAgreeWithTheExactProductToTheRoundingOfADotProduct() {
        for (int threads = 1; threads <= 3; threads++) {
            Threads.configure(threads);
            for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                double u = dtype == DataType.FLOAT ? 0x1p-24 : 0x1p-53;
                for (int[] s : SHAPES) {
                    for (int t = 0; t < 4; t++) {
                        boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                        check(dtype, u, s[0], s[1], s[2], ta, tb, threads);
                    }
                }
            }
        }
    }

    private static void check(DataType dtype, double u, int m, int n, int k, boolean ta, boolean tb, int threads) {
        SplittableRandom r = new SplittableRandom(31L * m + 7L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        int aOff = 5, bOff = 3, cOff = 11; // inside larger buffers, as a convolution's per-example products are
        Arr a = Arr.zeros(dtype, aOff + (long) m * k), b = Arr.zeros(dtype, bOff + (long) k * n), c = Arr.zeros(dtype, cOff + (long) m * n + 4);
        for (int i = 0; i < a.length; i++) a.set(i, r.nextGaussian());
        for (int i = 0; i < b.length; i++) b.set(i, r.nextGaussian());
        for (int i = 0; i < c.length; i++) c.set(i, r.nextGaussian()); // β = 1 adds to these; the 4 past the end must stay
        double[] before = new double[(int) c.length], av = new double[(int) a.length], bv = new double[(int) b.length];
        for (int i = 0; i < before.length; i++) before[i] = c.get(i);
        for (int i = 0; i < av.length; i++) av[i] = a.get(i);
        for (int i = 0; i < bv.length; i++) bv[i] = b.get(i);
        double alpha = 0.5;
        Blas.gemm(ta, tb, m, n, k, alpha, a, aOff, b, bOff, 1.0, c, cOff);
        String what = dtype + " " + m + "x" + n + "x" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + ", " + threads + " threads";
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                // the exact α·Σ a_il b_lj + c_ij as a double-double (hi + lo), and Σ|α a b| + |c| for the bound
                double hi = 0, lo = 0, abs = Math.abs(before[cOff + i * n + j]);
                for (int l = 0; l < k; l++) {
                    double x = alpha * av[aOff + (ta ? l * m + i : i * k + l)]; // α = 0.5 times a float or double: exact
                    double y = bv[bOff + (tb ? j * k + l : l * n + j)];
                    double p = x * y, pe = Math.fma(x, y, -p); // TwoProduct
                    double sum = hi + p, bb = sum - hi, se = (hi - (sum - bb)) + (p - bb); // TwoSum
                    hi = sum;
                    lo += se + pe;
                    abs += Math.abs(p);
                }
                double cv = before[cOff + i * n + j];
                double sum = hi + cv, bb = sum - hi, se = (hi - (sum - bb)) + (cv - bb);
                double exact = sum + (lo + se);
                double got = c.get(cOff + i * n + j);
                // k products and k additions into the sum plus the one into c: γ_(k+1)·Σ|terms|, and one rounding of the result
                double bound = (k + 1) * u / (1 - (k + 1) * u) * abs + u * Math.abs(exact) + Double.MIN_NORMAL;
                assertTrue(Math.abs(got - exact) <= bound,
                        what + ": C[" + i + "][" + j + "] = " + got + ", exact " + exact + ", bound " + bound);
            }
        }
        for (int i = 0; i < cOff; i++) assertEquals(before[i], c.get(i), what + ": value before C changed");
        for (int i = cOff + m * n; i < c.length; i++) assertEquals(before[i], c.get(i), what + ": value after C changed");
    }

    @Test
    void theSameThreadCountGivesTheSameBits() {
        for (int threads = 1; threads <= 2; threads++) {
            Threads.configure(threads);
            Arr a = Arr.zeros(DataType.FLOAT, 512, 256), b = Arr.zeros(DataType.FLOAT, 256, 784);
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < a.length; i++) a.set(i, r.nextGaussian());
            for (int i = 0; i < b.length; i++) b.set(i, r.nextGaussian());
            Arr c1 = Arr.zeros(DataType.FLOAT, 512, 784), c2 = Arr.zeros(DataType.FLOAT, 512, 784);
            Blas.gemm(a, false, b, false, c1, 1.0, 0.0);
            Blas.gemm(a, false, b, false, c2, 1.0, 0.0);
            for (int i = 0; i < c1.length; i++) assertEquals(Float.floatToRawIntBits((float) c1.get(i)), Float.floatToRawIntBits((float) c2.get(i)), threads + " threads, value " + i);
        }
    }

    @Test
    void blocksAreAlignedAndCoverTheRange() {
        for (int size : new int[] {64, 65, 100, 256, 511, 784, 6000}) {
            for (int parts = 1; parts <= 4; parts++) {
                assertEquals(0, Blas.block(size, parts, 0));
                assertEquals(size, Blas.block(size, parts, parts));
                for (int p = 1; p < parts; p++) {
                    int at = Blas.block(size, parts, p);
                    assertTrue(at % Blas.SPLIT_ALIGN == 0 || at == size, size + " in " + parts + ": block " + p + " starts at " + at);
                    assertTrue(at >= Blas.block(size, parts, p - 1), size + " in " + parts + ": blocks out of order");
                }
            }
        }
    }
}
