package org.minima.analysis;

import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.minima.nn.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Hessian's spectral density φ(t) = (1/n)·Σⱼ δ(t − λⱼ) by stochastic Lanczos quadrature (Ghorbani,
 * Krishnan & Xiao 2019, §3; Lin, Saad & Yang 2016, §3.2; Golub & Meurant 1994): for a random unit vector v,
 * vᵀ g(H) v ≈ Σᵢ τᵢ g(θᵢ), a Gauss quadrature whose nodes θᵢ are the eigenvalues of the m-step Lanczos
 * tridiagonal T and whose weights τᵢ are the squared first components of T's eigenvectors (they sum to 1).
 * Each node is smoothed by a Gaussian of width σ and the runs are averaged; the result integrates to 1.
 *
 * <p>Smoothing width: σ = (λ_max − λ_min)/500 over the extreme nodes of all runs (the grid spacing is then
 * σ/4, so the trapezoid integral is exact to far below 1e-6). Grid: 2001 points from λ_min − 5σ to
 * λ_max + 5σ. Cost: runs·steps products; memory: steps vectors of n for the full reorthogonalization
 * (Ghorbani et al. reorthogonalize too). When those do not fit, it runs the plain three-term recurrence
 * (3 vectors): the quadrature stays accurate without reorthogonalization (Meurant & Strakoš 2006, §4;
 * lost orthogonality only adds ghost copies of converged nodes, whose weights split the true weight).
 */
public final class SpectralDensity {
    public record Options(int runs, int steps, int gridPoints, long seed, long memoryBytes) {
        public Options {
            if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
            if (steps < 2) throw new IllegalArgumentException("steps must be >= 2, got " + steps);
            if (gridPoints < 3) throw new IllegalArgumentException("gridPoints must be >= 3, got " + gridPoints);
        }

        /** PyTorch hessian-eigenthings' defaults: 10 runs of 80 steps; 2001 grid points. */
        public static Options defaults(long seed) { return new Options(10, 80, 2001, seed, 0); }
    }

    /** The smoothed density on a grid, the quadrature it came from, and its cost. */
    public record Density(double[] grid, double[] values, double sigma, double[][] nodes, double[][] weights,
                          boolean reorthogonalized, long hvps) {}

    private SpectralDensity() {}

    public static Density estimate(HessianOperator h, Options o) {
        long start = h.products();
        long n = h.dimension();
        DataType dtype = h.dataType();
        int steps = (int) Math.min(o.steps(), n);
        long budget = o.memoryBytes() > 0 ? o.memoryBytes() : Memory.freeBytes() / 2;
        boolean reorth = (steps + 2L) * n * dtype.width() <= budget;
        SplittableRandom rng = new SplittableRandom(o.seed());
        double[][] nodes = new double[o.runs()][];
        double[][] weights = new double[o.runs()][];
        INDArray basis = Nd4j.create(dtype, reorth ? steps : 3, n);
        INDArray w = Nd4j.create(dtype, n);
        for (int run = 0; run < o.runs(); run++) {
            // start: a normalized Rademacher vector, as Ghorbani et al. and PyHessian
            INDArray v0 = Krylov.rademacher(n, dtype, rng);
            v0.divi(Math.sqrt(n));
            double[] alpha = new double[steps];
            double[] beta = new double[steps];
            int m = lanczos(h, v0, steps, reorth, basis, w, alpha, beta);
            EigenDecomposition e = new EigenDecomposition(java.util.Arrays.copyOf(alpha, m), java.util.Arrays.copyOf(beta, m - 1));
            nodes[run] = e.getRealEigenvalues();
            weights[run] = new double[m];
            for (int i = 0; i < m; i++) {
                double u0 = e.getEigenvector(i).getEntry(0);
                weights[run][i] = u0 * u0;
            }
            h.status(String.format(Locale.ROOT, "density run %d/%d", run + 1, o.runs()));
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] run : nodes) for (double x : run) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        double sigma = (hi - lo) / 500;
        if (!(sigma > 0)) sigma = Math.max(Math.abs(hi), 1.0) * 1e-3;
        double[] grid = new double[o.gridPoints()];
        double[] values = new double[o.gridPoints()];
        double a = lo - 5 * sigma;
        double step = (hi + 5 * sigma - a) / (o.gridPoints() - 1);
        double norm = 1.0 / (o.runs() * sigma * Math.sqrt(2 * Math.PI));
        for (int g = 0; g < grid.length; g++) {
            double t = a + g * step;
            grid[g] = t;
            double s = 0;
            for (int run = 0; run < nodes.length; run++) {
                for (int i = 0; i < nodes[run].length; i++) {
                    double z = (t - nodes[run][i]) / sigma;
                    s += weights[run][i] * Math.exp(-0.5 * z * z);
                }
            }
            values[g] = s * norm;
        }
        return new Density(grid, values, sigma, nodes, weights, reorth, h.products() - start);
    }

    /**
     * Lanczos tridiagonal (Golub & Van Loan §10.1.2) of {@code steps} steps from the unit vector {@code v0}:
     * α on the diagonal, β below it. With {@code reorth}, every new vector is orthogonalized against all the
     * previous ones (rows of {@code basis}); without, only the three-term recurrence (rows 0–2 reused).
     * Returns how many steps were taken (fewer when the Krylov space became invariant). One product a step.
     */
    static int lanczos(HessianOperator h, INDArray v0, int steps, boolean reorth, INDArray basis, INDArray w,
                       double[] alpha, double[] beta) {
        basis.getRow(0).assign(v0);
        double scale = 0;
        for (int j = 0; j < steps; j++) {
            INDArray q = basis.getRow(reorth ? j : j % 3);
            h.apply(q, w);
            if (reorth) {
                double[] c = Krylov.orthogonalize(basis, j + 1, w);
                alpha[j] = c[j];
            } else {
                alpha[j] = w.mul(q).sumNumber().doubleValue();
                w.subi(q.mul(alpha[j]));
                if (j > 0) w.subi(basis.getRow((j - 1) % 3).mul(beta[j - 1]));
            }
            scale = Math.max(scale, Math.abs(alpha[j]) + (j > 0 ? beta[j - 1] : 0));
            if (j == steps - 1) return steps;
            double b = w.norm2Number().doubleValue();
            if (b <= 1e-12 * scale) return j + 1;   // invariant Krylov space: T is exact on it
            beta[j] = b;
            basis.getRow(reorth ? j + 1 : (j + 1) % 3).assign(w.div(b));
        }
        return steps;
    }
}
