package org.minima.analysis;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The random n×p matrix A of Keskar et al. 2017, Metric 2.1, and its pseudo-inverse applied to a vector.
 *
 * <p>Distribution (the paper does not state one): independent standard normal entries, each column then scaled to
 * unit Euclidean norm — each column is uniform on the unit sphere of ℝⁿ. For n ≫ p the columns are nearly
 * orthonormal (cond(A) ≈ (1 + √(p/n)) / (1 − √(p/n)), 1.02 for n = 1.46M, p = 100), so the box built from A⁺x is
 * well defined. Column j is drawn from its own stream
 * {@code new SplittableRandom(seed + (j + 1)·0x9E3779B97F4A7C15)}, so A depends on the seed alone, not on threads.
 *
 * <p>Memory: A is held as one n×p array of the model's data type, column-major (8·n·p bytes in float64: 1.2 GB for
 * F1 with p = 100).
 */
public final class RandomSubspace {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomSubspace() {}

    /** A: n×p, Gaussian entries, unit-norm columns, column-major, from {@code seed}. O(n·p) time. */
    public static INDArray matrix(long n, int p, long seed, DataType dtype) {
        if (p < 1) throw new IllegalArgumentException("subspace dimension must be >= 1, got " + p);
        int len = Math.toIntExact(n);
        INDArray a = Nd4j.create(dtype, new long[] {n, p}, 'f');
        double[] column = new double[len];
        float[] scratch = FlatVectors.scratchFor(dtype, len);
        for (int j = 0; j < p; j++) {
            SplittableRandom rnd = new SplittableRandom(seed + (j + 1) * GOLDEN);
            double ss = 0;
            for (int i = 0; i < len; i++) {
                double v = rnd.nextGaussian();
                column[i] = v;
                ss += v * v;
            }
            double inv = 1.0 / Math.sqrt(ss);
            for (int i = 0; i < len; i++) column[i] *= inv;
            FlatVectors.put(column, len, a, (long) j * n, scratch);
        }
        return a;
    }

    /**
     * A⁺x, the minimum-norm least-squares solution of Ay ≈ x, without any n×n matrix: from the p×p Gram matrix
     * G = AᵀA = VΛVᵀ (this is the SVD A = UΣVᵀ with Σ² = Λ), so
     * A⁺x = VΛ⁺VᵀAᵀx, followed by one step of iterative refinement on the residual r = x − Ay (y += G⁺Aᵀr), which
     * recovers the accuracy the normal equations lose when A is not well conditioned. Eigenvalues below
     * λ_max·n·ε — singular values the Gram matrix cannot resolve — count as zero (rank deficiency).
     * Cost: one GEMM AᵀA (n·p² flops) and three GEMVs; computed in float64 whatever A's type.
     */
    public static double[] pseudoInverseTimes(INDArray a, INDArray x) {
        long n = a.rows();
        int p = Math.toIntExact(a.columns());
        INDArray ad = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
        INDArray xd = (x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE)).reshape(n, 1);
        RealMatrix gram = new Array2DRowRealMatrix(Nd4j.gemm(ad, ad, true, false).toDoubleMatrix(), false);
        // SVD of the symmetric positive semi-definite G (G = VΛVᵀ): Commons Math's SVD keeps V orthogonal even
        // when eigenvalues cluster, as they do for nearly orthonormal columns (its EigenDecomposition may not).
        SingularValueDecomposition svd = new SingularValueDecomposition(gram);
        double[] lambda = svd.getSingularValues();
        double lmax = 0;
        for (double l : lambda) lmax = Math.max(lmax, l);
        double cut = lmax * Math.max(n, p) * Math.ulp(1.0);
        RealMatrix v = svd.getV();
        double[][] ginv = new double[p][p];
        for (int k = 0; k < p; k++) {
            if (!(lambda[k] > cut)) continue;
            double il = 1.0 / lambda[k];
            for (int i = 0; i < p; i++) {
                double vik = v.getEntry(i, k) * il;
                for (int j = 0; j < p; j++) ginv[i][j] += vik * v.getEntry(j, k);
            }
        }
        RealMatrix gplus = new Array2DRowRealMatrix(ginv, false);
        double[] y = gplus.operate(Nd4j.gemm(ad, xd, true, false).toDoubleVector());
        // Refinement: r = x − A y; y += G⁺ Aᵀ r.
        INDArray r = xd.dup();
        Nd4j.gemm(ad, Nd4j.createFromArray(y).reshape(p, 1), r, false, false, -1.0, 1.0);
        double[] dy = gplus.operate(Nd4j.gemm(ad, r, true, false).toDoubleVector());
        for (int i = 0; i < p; i++) y[i] += dy[i];
        return y;
    }
}
