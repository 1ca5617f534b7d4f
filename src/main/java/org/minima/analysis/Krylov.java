package org.minima.analysis;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Vector kernels shared by the Hessian analyzers: seeded random vectors and Gram–Schmidt against the rows
 * of a basis held as one row-major {@code [capacity, n]} matrix (row {@code i} is basis vector {@code i}).
 */
final class Krylov {
    private Krylov() {}

    /** A vector of n independent standard normal entries from {@code rng}. Allocates n doubles on the heap once. */
    static INDArray gaussian(long n, DataType dtype, SplittableRandom rng) {
        double[] a = new double[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
        return Nd4j.createFromArray(a).castTo(dtype);
    }

    /** A vector of n independent ±1 entries (Rademacher) from {@code rng}. */
    static INDArray rademacher(long n, DataType dtype, SplittableRandom rng) {
        double[] a = new double[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextBoolean() ? 1.0 : -1.0;
        return Nd4j.createFromArray(a).castTo(dtype);
    }

    /** Rows {@code [0, m)} of {@code basis}: a view, no copy. */
    static INDArray rows(INDArray basis, int m) {
        return basis.get(NDArrayIndex.interval(0, m), NDArrayIndex.all());
    }

    /**
     * Removes from {@code x} (in place) its components along rows {@code [0, m)} of the orthonormal
     * {@code basis}, by classical Gram–Schmidt applied twice ("twice is enough": Giraud, Langou & Rozložník
     * 2005), and returns the coefficients removed, {@code basisᵀ-components} summed over both passes.
     * Cost: 4·m·n flops (two GEMVs per pass), an m-vector and nothing of length n allocated.
     */
    static double[] orthogonalize(INDArray basis, int m, INDArray x) {
        double[] h = new double[m];
        if (m == 0) return h;
        INDArray vm = rows(basis, m);
        INDArray col = x.reshape(x.length(), 1);
        for (int pass = 0; pass < 2; pass++) {
            INDArray c = Nd4j.create(x.dataType(), m, 1);
            Nd4j.gemm(vm, col, c, false, false, 1.0, 0.0);   // c = V·x: m·n flops
            Nd4j.gemm(vm, c, col, true, false, -1.0, 1.0);   // x -= Vᵀ·c in place: m·n flops
            for (int i = 0; i < m; i++) h[i] += c.getDouble(i, 0);
        }
        return h;
    }

    /** {@code out = Σ_i s[i]·basis[i]} over rows {@code [0, m)}. Cost: one GEMV, m·n flops. */
    static void combine(INDArray basis, int m, double[] s, INDArray out) {
        INDArray c = Nd4j.createFromArray(s).castTo(out.dataType()).reshape(m, 1);
        Nd4j.gemm(rows(basis, m), c, out.reshape(out.length(), 1), true, false, 1.0, 0.0);
    }
}
