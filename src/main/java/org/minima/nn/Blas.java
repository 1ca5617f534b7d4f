package org.minima.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM straight into OpenBLAS (the same library ND4J uses, so {@link Threads} applies). Calling
 * {@code cblas_?gemm} directly costs about a microsecond per call, where {@code Nd4j.gemm} builds an
 * op and costs 100+ µs; that matters for the many small products of convolutions and small tests.
 * All matrices are row-major and contiguous.
 */
final class Blas {
    private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
    private static final int NO_TRANS = openblas_nolapack.CblasNoTrans, TRANS = openblas_nolapack.CblasTrans;

    private Blas() {}

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
        if (a.nio() instanceof DoubleBuffer ad) {
            openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, alpha,
                    at(ad, aOff), lda, at((DoubleBuffer) b.nio(), bOff), ldb, beta, at((DoubleBuffer) c.nio(), cOff), n);
        } else {
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, (float) alpha,
                    at((FloatBuffer) a.nio(), aOff), lda, at((FloatBuffer) b.nio(), bOff), ldb, (float) beta, at((FloatBuffer) c.nio(), cOff), n);
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
