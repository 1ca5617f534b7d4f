package org.minima.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.minima.nn.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Extreme eigenvalues of a symmetric operator by the Lanczos method with full reorthogonalization
 * (Golub & Van Loan, Matrix Computations 4th ed., §10.1; Paige 1971, 1980), thick-restarted when the
 * basis does not fit in memory (Wu & Simon 2000), with an optional block size for repeated eigenvalues
 * (block Lanczos, Golub & Van Loan §10.3.6).
 *
 * <p>All variants keep one relation, exact up to rounding, between the orthonormal basis {@code V}
 * ({@code n × m}, stored as rows), the small symmetric projected matrix {@code T = VᵀHV} and a residual block
 * {@code R} ({@code n × p}, orthogonal to {@code V}):
 * <pre>  H·V = V·T + R·Bᵀ </pre>
 * Plain Lanczos is {@code p = 1}, {@code B = e_m} and a tridiagonal {@code T}; after a thick restart
 * {@code T} is diagonal-plus-arrow. A Ritz pair {@code (θ, y = V·s)} of {@code T} then has the residual
 * {@code H·y − θ·y = R·(Bᵀs)}, whose norm is known without another product (Paige's |β_m·s_m| for
 * {@code p = 1}); it decides when to stop. The residuals reported are the true ones: each reported
 * Ritz vector is multiplied by H once more ({@code reported} extra products, counted in {@code hvps}).
 *
 * <p>Memory: the basis holds up to {@code steps·p} vectors of n entries (8 bytes each in float64; F1 on
 * 1.46 M parameters and 60 steps: 0.7 GB), plus {@code p} for R and one scratch. When that does not fit in
 * the memory budget the basis is capped and thick-restarted: the wanted Ritz vectors and as many neighbours
 * are kept, which converges more slowly but correctly. If not even {@code wanted + 2p} vectors fit, it
 * fails with a message that says how much memory it needs.
 */
public final class Lanczos {
    /**
     * @param top       how many of the largest eigenvalues
     * @param bottom    how many of the smallest (most negative) eigenvalues
     * @param tolerance stop when every wanted Ritz pair has ‖Hy − θy‖ ≤ tolerance · max|θ| (PyTorch
     *                  hessian-eigenthings' default is 1e-4)
     * @param maxSteps  at most this many block steps (each costs {@code block} products)
     * @param block     block size p: 1 is plain Lanczos; p finds eigenvalues of multiplicity up to p
     * @param seed      seeds the start vectors
     * @param vectors   whether to return the Ritz vectors
     * @param memoryBytes the most memory the basis may take; 0 means half of the free off-heap memory
     */
    public record Options(int top, int bottom, double tolerance, int maxSteps, int block, long seed,
                          boolean vectors, long memoryBytes) {
        public Options {
            if (top < 0 || bottom < 0 || top + bottom == 0) {
                throw new IllegalArgumentException("ask for at least one eigenvalue (top " + top + ", bottom " + bottom + ")");
            }
            if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
            if (maxSteps < 1) throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
            if (block < 1) throw new IllegalArgumentException("block must be >= 1, got " + block);
            if (memoryBytes < 0) throw new IllegalArgumentException("memoryBytes must be >= 0, got " + memoryBytes);
        }

        /** {@code top} largest eigenvalues, tolerance 1e-4, at most 100 steps, p = 1, automatic memory. */
        public static Options top(int k, long seed) {
            return new Options(k, 0, 1e-4, 100, 1, seed, false, 0);
        }
    }

    /**
     * Eigenvalues largest first and bottom eigenvalues smallest first, each with its true residual
     * ‖Hy − θy‖ (y of unit norm); the vectors when asked for (else empty lists).
     */
    public record Result(double[] eigenvalues, double[] residuals, double[] bottomEigenvalues, double[] bottomResiduals,
                         List<INDArray> vectors, List<INDArray> bottomVectors,
                         int steps, int restarts, int basisCapacity, long hvps, boolean converged) {}

    private Lanczos() {}

    public static Result run(HessianOperator h, Options o) {
        long n = h.dimension();
        DataType dtype = h.dataType();
        int p = o.block();
        int wanted = o.top() + o.bottom();
        int bytesPer = dtype.width();
        long startProducts = h.products();

        // Capacity of the basis: as many vectors as the steps need, capped by the memory budget, which must
        // also hold R (p vectors), a scratch vector and the temporary of a restart (the kept vectors).
        long need = (long) o.maxSteps() * p;
        long cap = Math.min(need, n);
        long budget = o.memoryBytes() > 0 ? o.memoryBytes() : Memory.freeBytes() / 2;
        long fits = budget / (n * bytesPer) - p - 1;   // basis vectors that fit beside R and the scratch
        if (fits < cap) {
            // a restarted basis needs room for the kept vectors twice (basis + restart temporary)
            cap = fits * 2 / 3;
        }
        int minimum = Math.min((int) Math.min(n, Integer.MAX_VALUE), wanted + 2 * p);
        if (cap < minimum) {
            throw new org.minima.io.InputException(String.format(Locale.ROOT,
                    "Lanczos needs at least %d vectors of %d parameters (%.2f GB) for %d eigenvalues, but only %.2f GB "
                            + "are free; give Java more memory (-Xmx, or -Dorg.bytedeco.javacpp.maxbytes)",
                    minimum + p + 1, n, (minimum + p + 1.0) * n * bytesPer / 1e9, wanted, budget / 1e9));
        }
        int capacity = (int) cap;
        INDArray basis = Nd4j.create(dtype, capacity, n);
        INDArray r = Nd4j.create(dtype, p, n);
        SplittableRandom rng = new SplittableRandom(o.seed());

        double[][] t = new double[capacity][capacity];
        double[][] b = new double[0][p];          // B: m × p
        int m = 0;
        for (int c = 0; c < p; c++) r.getRow(c).assign(Krylov.gaussian(n, dtype, rng));

        int steps = 0;
        int restarts = 0;
        boolean converged = false;
        Ritz ritz = null;
        while (true) {
            // 1. Orthonormalize R into the next p rows of the basis: R = Q·P, P upper triangular.
            double[][] pr = new double[p][p];
            for (int c = 0; c < p; c++) {
                INDArray q = basis.getRow(m + c);
                q.assign(r.getRow(c));
                double before = q.norm2Number().doubleValue();
                double[] coef = Krylov.orthogonalize(basis, m + c, q);
                for (int c2 = 0; c2 < c; c2++) pr[c2][c] = coef[m + c2];
                double norm = q.norm2Number().doubleValue();
                if (norm <= 1e-10 * before || norm == 0) {
                    // Breakdown: span(V) is invariant (or R rank-deficient). Continue in a fresh seeded random
                    // direction orthogonal to V; it couples to nothing (P column c is dropped, an error of
                    // at most 1e-10 relative). This is also how a repeated eigenvalue's further copies appear.
                    q.assign(Krylov.gaussian(n, dtype, rng));
                    Krylov.orthogonalize(basis, m + c, q);
                    norm = q.norm2Number().doubleValue();
                    q.divi(norm);
                    pr[c][c] = 0;
                } else {
                    q.divi(norm);
                    pr[c][c] = norm;
                }
            }
            // Coupling of the new block to the old basis: Qᵀ·H·V = Qᵀ·R·Bᵀ = P·Bᵀ.
            for (int c = 0; c < p; c++) {
                for (int i = 0; i < m; i++) {
                    double s = 0;
                    for (int c2 = 0; c2 < p; c2++) s += pr[c][c2] * b[i][c2];
                    t[m + c][i] = s;
                    t[i][m + c] = s;
                }
            }
            int mNew = m + p;
            // 2. Expand: R = H·Q (p products), orthogonalized against the whole basis; the coefficients
            //    against the new block are its diagonal block of T (symmetrized: they agree up to rounding).
            for (int c = 0; c < p; c++) {
                INDArray rc = r.getRow(c);
                h.apply(basis.getRow(m + c), rc);
                double[] coef = Krylov.orthogonalize(basis, mNew, rc);
                for (int c2 = 0; c2 < p; c2++) t[m + c2][m + c] = coef[m + c2];
            }
            for (int c = 0; c < p; c++) {
                for (int c2 = 0; c2 < c; c2++) {
                    double s = 0.5 * (t[m + c][m + c2] + t[m + c2][m + c]);
                    t[m + c][m + c2] = s;
                    t[m + c2][m + c] = s;
                }
            }
            b = new double[mNew][p];
            for (int c = 0; c < p; c++) b[m + c][c] = 1;
            m = mNew;
            steps++;

            // 3. Ritz pairs of T and their residual norms ‖R·Bᵀs‖ = sqrt(cᵀ(RRᵀ)c), c = Bᵀs. Cost: an m×m
            //    symmetric eigenproblem (Commons Math: Householder tridiagonalization + implicit QL) and p² dots.
            ritz = Ritz.of(t, m, b, gram(r));
            double scale = ritz.maxAbs();
            double tol = o.tolerance() * scale;
            int[] want = ritz.wanted(o.top(), o.bottom());
            double worst = 0;
            for (int i : want) worst = Math.max(worst, ritz.residual[i]);
            h.status(String.format(Locale.ROOT, "λ₁ %.6g, res %.2g", ritz.theta[0], ritz.residual[0]));
            if (m >= Math.min(wanted, n) && worst <= tol) {
                converged = true;
                break;
            }
            if (m >= n) { // the basis spans the space: T is H in another basis, exact
                converged = true;
                break;
            }
            if (steps >= o.maxSteps()) break;
            if (m + p > capacity) {
                // 4. Thick restart (Wu & Simon 2000): keep the wanted Ritz vectors and neighbours; the relation
                //    H·V = V·T + R·Bᵀ holds with V ← V·S_K, T ← Θ_K, B ← S_Kᵀ·B. Cost: k·m·n flops, k·n temporary.
                int[] keep = ritz.keep(o.top(), o.bottom(), Math.max(wanted + p, (capacity - p) / 2), capacity - p);
                int k = keep.length;
                INDArray kept = Nd4j.create(dtype, k, n);
                for (int a = 0; a < k; a++) Krylov.combine(basis, m, ritz.vector(keep[a]), kept.getRow(a));
                Krylov.rows(basis, k).assign(kept);
                double[][] bNew = new double[k][p];
                for (double[] row : t) Arrays.fill(row, 0);
                for (int a = 0; a < k; a++) {
                    t[a][a] = ritz.theta[keep[a]];
                    double[] s = ritz.vector(keep[a]);
                    for (int c = 0; c < p; c++) {
                        double sum = 0;
                        for (int i = 0; i < m; i++) sum += s[i] * b[i][c];
                        bNew[a][c] = sum;
                    }
                }
                b = bNew;
                m = k;
                restarts++;
            }
        }

        // 5. Report: Ritz vectors y = V·s and their true residuals ‖Hy − θy‖ (one product each).
        int[] topIdx = ritz.top(o.top());
        int[] bottomIdx = ritz.bottom(o.bottom());
        INDArray y = Nd4j.create(dtype, n);
        INDArray hy = Nd4j.create(dtype, n);
        double[] topVals = new double[topIdx.length];
        double[] topRes = new double[topIdx.length];
        double[] botVals = new double[bottomIdx.length];
        double[] botRes = new double[bottomIdx.length];
        List<INDArray> topVecs = new ArrayList<>();
        List<INDArray> botVecs = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            int[] idx = pass == 0 ? topIdx : bottomIdx;
            for (int a = 0; a < idx.length; a++) {
                double theta = ritz.theta[idx[a]];
                Krylov.combine(basis, m, ritz.vector(idx[a]), y);
                h.apply(y, hy);
                double res = hy.subi(y.mul(theta)).norm2Number().doubleValue();
                if (pass == 0) { topVals[a] = theta; topRes[a] = res; } else { botVals[a] = theta; botRes[a] = res; }
                if (o.vectors()) (pass == 0 ? topVecs : botVecs).add(y.dup());
            }
        }
        return new Result(topVals, topRes, botVals, botRes, topVecs, botVecs, steps, restarts, capacity,
                h.products() - startProducts, converged);
    }

    /** R·Rᵀ (p × p). Cost: p²·n flops. */
    private static double[][] gram(INDArray r) {
        INDArray g = r.mmul(r.transpose());
        int p = (int) r.rows();
        double[][] out = new double[p][p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) out[i][j] = g.getDouble(i, j);
        return out;
    }

    /** Eigenpairs of the projected matrix, sorted by value, largest first, with their residual norms. */
    private static final class Ritz {
        final double[] theta;
        final double[][] s;      // s[j] = eigenvector of T for theta[j], length m
        final double[] residual;

        private Ritz(double[] theta, double[][] s, double[] residual) {
            this.theta = theta;
            this.s = s;
            this.residual = residual;
        }

        static Ritz of(double[][] t, int m, double[][] b, double[][] gram) {
            double[][] tm = new double[m][m];
            for (int i = 0; i < m; i++) System.arraycopy(t[i], 0, tm[i], 0, m);
            EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(tm, false));
            double[] values = e.getRealEigenvalues();
            Integer[] order = new Integer[m];
            for (int i = 0; i < m; i++) order[i] = i;
            Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
            double[] theta = new double[m];
            double[][] s = new double[m][];
            double[] res = new double[m];
            int p = gram.length;
            for (int j = 0; j < m; j++) {
                theta[j] = values[order[j]];
                s[j] = e.getEigenvector(order[j]).toArray();
                double[] c = new double[p];
                for (int k = 0; k < p; k++) for (int i = 0; i < m; i++) c[k] += b[i][k] * s[j][i];
                double q = 0;
                for (int k = 0; k < p; k++) for (int l = 0; l < p; l++) q += c[k] * gram[k][l] * c[l];
                res[j] = Math.sqrt(Math.max(q, 0));
            }
            return new Ritz(theta, s, res);
        }

        double maxAbs() { return Math.max(Math.abs(theta[0]), Math.abs(theta[theta.length - 1])); }

        double[] vector(int j) { return s[j]; }

        int[] top(int k) {
            int[] idx = new int[Math.min(k, theta.length)];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            return idx;
        }

        int[] bottom(int k) {
            int[] idx = new int[Math.min(k, theta.length)];
            for (int i = 0; i < idx.length; i++) idx[i] = theta.length - 1 - i;
            return idx;
        }

        /** Indices of the wanted pairs (the top ones and the bottom ones; no index twice). */
        int[] wanted(int top, int bottom) {
            return keepIndices(Math.min(top, theta.length), Math.min(bottom, theta.length));
        }

        /** {@code size} indices to keep at a restart, at least the wanted, at most {@code max}, split between the ends. */
        int[] keep(int top, int bottom, int size, int max) {
            int k = Math.min(Math.min(size, max), theta.length);
            int extra = Math.max(0, k - top - bottom);
            int t = bottom == 0 ? top + extra : top + extra * top / (top + bottom);
            return keepIndices(t, k - t);
        }

        private int[] keepIndices(int t, int bo) {
            int m = theta.length;
            boolean[] in = new boolean[m];
            for (int i = 0; i < Math.min(t, m); i++) in[i] = true;
            for (int i = 0; i < Math.min(bo, m); i++) in[m - 1 - i] = true;
            return java.util.stream.IntStream.range(0, m).filter(i -> in[i]).toArray();
        }
    }
}
