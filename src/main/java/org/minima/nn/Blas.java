package org.minima.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GEMM straight into OpenBLAS (the same library ND4J uses). Calling {@code cblas_?gemm} directly costs about a
 * microsecond per call, where {@code Nd4j.gemm} builds an op and costs 100+ µs; that matters for the many small products
 * of convolutions and small tests. OpenBLAS runs on one thread ({@link Threads}); a product large enough to pay for a
 * hand-off is split here into one block of C per thread. All matrices are row-major and contiguous.
 */
public final class Blas {
    private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
    private static final int NO_TRANS = openblas_nolapack.CblasNoTrans, TRANS = openblas_nolapack.CblasTrans;

    static {
        Threads.init();
    }

    private Blas() {}

    /**
     * C = α·A·op(B) + β·C for fresh (offset 0) row-major float32 or float64 arrays, as the networks' products are made:
     * for the GEMM benchmark ({@code minima bench --only gemm}), so its peak is the one the network code sees.
     * Cost: 2·m·n·k flops on {@link Threads#current()} threads.
     */
    public static void gemm(INDArray a, INDArray b, boolean tb, INDArray c, double alpha, double beta) {
        gemm(Arr.of(a), false, Arr.of(b), tb, Arr.of(c), alpha, beta);
    }

    /** C = α·op(A)·op(B) + β·C for whole matrices; op = transpose when the flag is set. Cost: 2·m·n·k flops. */
    static void gemm(Arr a, boolean ta, Arr b, boolean tb, Arr c, double alpha, double beta) {
        int m = c.rows(), n = c.cols(), k = ta ? a.rows() : a.cols();
        if ((ta ? a.cols() : a.rows()) != m || (tb ? b.rows() : b.cols()) != n || (tb ? b.cols() : b.rows()) != k) {
            throw new IllegalArgumentException("gemm shapes: A " + a.rows() + "x" + a.cols() + (ta ? "ᵀ" : "") + ", B " + b.rows() + "x"
                    + b.cols() + (tb ? "ᵀ" : "") + ", C " + m + "x" + n);
        }
        gemm(ta, tb, m, n, k, alpha, a, 0, b, 0, beta, c, 0);
    }

    /**
     * C[m×n] (at offset cOff, row stride n) = α·op(A)[m×k]·op(B)[k×n] + β·C, A and B starting at their
     * offsets with the row strides of contiguous matrices (op(A) = Aᵀ: A is k×m).
     */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, Arr a, int aOff, Arr b, int bOff,
            double beta, Arr c, int cOff) {
        int lda = ta ? m : k, ldb = tb ? k : n;
        int parts = Parallel.parts(Math.max(m, n) / SPLIT_ALIGN, (long) m * n * k / SPLIT_WORK_PER_VALUE);
        if (parts <= 1) {
            call(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, n);
            return;
        }
        // Split C into row blocks (m ≥ n) or column blocks, one per thread, each a single-threaded OpenBLAS call. Every
        // value of C is still a dot product over all of k, but OpenBLAS's blocking depends on a call's shape, so 1–5% of
        // the values differ in the last bit from the whole product (BlasTest bounds them; docs/nn.md "GEMMs"). The split
        // depends only on the shape and the thread count, so a given thread count gives fixed bits.
        boolean rows = m >= n;
        int size = rows ? m : n;
        Parallel.parts(parts, p -> {
            int from = block(size, parts, p), to = block(size, parts, p + 1);
            if (from == to) return;
            if (rows) { // rows [from, to) of C and of op(A)
                call(ta, tb, to - from, n, k, alpha, a, aOff + (ta ? from : from * k), lda, b, bOff, ldb, beta, c, cOff + from * n, n);
            } else { // columns [from, to) of C and of op(B)
                call(ta, tb, m, to - from, k, alpha, a, aOff, lda, b, bOff + (tb ? from * k : from), ldb, beta, c, cOff + from, n);
            }
        });
    }

    /** Rows (or columns) of a product a thread must own before splitting pays; block edges fall on multiples of it. */
    static final int SPLIT_ALIGN = 32;
    /**
     * A split pays from about 2^20 multiply-adds (≈ 30 µs on one core, against about 1 µs for a hand-off to the crew); the work
     * passed to {@link Parallel#parts(int, long)} is m·n·k over this, so that its {@link Parallel#MIN_WORK} threshold
     * (2^15) lands there.
     */
    static final long SPLIT_WORK_PER_VALUE = 32;

    /** Start of block p of [0, size) in parts blocks, on a multiple of {@link #SPLIT_ALIGN} (the last ends at size). */
    static int block(int size, int parts, int p) {
        if (p >= parts) return size;
        int units = (size + SPLIT_ALIGN - 1) / SPLIT_ALIGN;
        return Math.min(size, (int) ((long) units * p / parts) * SPLIT_ALIGN);
    }

    /** One cblas_?gemm call, row-major, leading dimensions given. Cost: 2·m·n·k flops on the calling thread. */
    private static void call(boolean ta, boolean tb, int m, int n, int k, double alpha, Arr a, int aOff, int lda, Arr b, int bOff,
            int ldb, double beta, Arr c, int cOff, int ldc) {
        if (a.nio() instanceof DoubleBuffer ad) {
            openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, alpha,
                    at(ad, aOff), lda, at((DoubleBuffer) b.nio(), bOff), ldb, beta, at((DoubleBuffer) c.nio(), cOff), ldc);
        } else {
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, (float) alpha,
                    at((FloatBuffer) a.nio(), aOff), lda, at((FloatBuffer) b.nio(), bOff), ldb, (float) beta, at((FloatBuffer) c.nio(), cOff), ldc);
        }
    }

    // JavaCPP passes a direct buffer's address plus its position.
    private static DoubleBuffer at(DoubleBuffer b, int off) {
        return off == 0 ? b : (DoubleBuffer) b.duplicate().position(off);
    }

    private static FloatBuffer at(FloatBuffer b, int off) {
        return off == 0 ? b : (FloatBuffer) b.duplicate().position(off);
    }

}
