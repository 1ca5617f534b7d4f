package org.minima.analysis;

import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The baseline that PyHessian uses (Yao, Gholami, Keutzer & Mahoney 2020, {@code hessian.eigenvalues}):
 * power iteration for the eigenvalue of largest magnitude, then the next ones by deflation (each iterate is
 * orthogonalized against the eigenvectors already found). Kept to compare its cost with {@link Lanczos}.
 *
 * <p>Stopping: PyHessian's rule, a relative change of the Rayleigh quotient below {@code tolerance}
 * ({@code |λ_t − λ_{t−1}| / (|λ_{t−1}| + 1e-6)}, default 1e-3, at most 100 iterations), or, to compare with
 * Lanczos at equal accuracy, the residual ‖P(Hv − λv)‖ ≤ tolerance·|λ| of the deflated operator (P projects
 * out the eigenvectors found before; the true residual of a deflated eigenvalue cannot fall below about λ₁
 * times their error), which costs no product: Hv is the one the iteration computes anyway. The residuals
 * reported are the true ‖Hv − λv‖. One product per iteration.
 */
public final class PowerIteration {
    public enum Stop { RELATIVE_CHANGE, RESIDUAL }

    public record Options(int top, int maxIter, double tolerance, Stop stop, long seed) {
        public Options {
            if (top < 1) throw new IllegalArgumentException("top must be >= 1, got " + top);
            if (maxIter < 1) throw new IllegalArgumentException("maxIter must be >= 1, got " + maxIter);
            if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }

        /** PyHessian's defaults: 100 iterations, relative change 1e-3. */
        public static Options pyHessian(int top, long seed) {
            return new Options(top, 100, 1e-3, Stop.RELATIVE_CHANGE, seed);
        }
    }

    /** Eigenvalues in the order found (by decreasing magnitude), the residual of each at its last iterate, and products used. */
    public record Result(double[] eigenvalues, double[] residuals, int[] iterations, long hvps) {}

    private PowerIteration() {}

    public static Result run(HessianOperator h, Options o) {
        long n = h.dimension();
        DataType dtype = h.dataType();
        SplittableRandom rng = new SplittableRandom(o.seed());
        INDArray found = Nd4j.create(dtype, o.top(), n);   // deflation basis: top·n entries
        INDArray hv = Nd4j.create(dtype, n);
        double[] values = new double[o.top()];
        double[] residuals = new double[o.top()];
        int[] iterations = new int[o.top()];
        long start = h.products();
        for (int k = 0; k < o.top(); k++) {
            INDArray v = Krylov.gaussian(n, dtype, rng);
            double lambda = Double.NaN;
            double residual = Double.NaN;
            int it = 0;
            while (it < o.maxIter()) {
                Krylov.orthogonalize(found, k, v);
                v.divi(v.norm2Number());
                h.apply(v, hv);
                it++;
                double next = hv.mul(v).sumNumber().doubleValue();               // Rayleigh quotient vᵀHv
                INDArray r = hv.sub(v.mul(next));                                // Hv − λv: free, Hv is at hand
                residual = r.norm2Number().doubleValue();
                // stop on the residual of the deflated operator PHP (P projects out the vectors found): the
                // true one cannot fall below λ₁ times the error of those vectors. Cost: 2·k·n flops, one n copy.
                Krylov.orthogonalize(found, k, r);
                double deflated = r.norm2Number().doubleValue();
                double previous = lambda;
                lambda = next;
                h.status(String.format(Locale.ROOT, "power λ%d %.6g, res %.2g", k + 1, lambda, residual));
                boolean done = o.stop() == Stop.RESIDUAL
                        ? deflated <= o.tolerance() * Math.abs(lambda)
                        : !Double.isNaN(previous) && Math.abs(lambda - previous) / (Math.abs(previous) + 1e-6) < o.tolerance();
                if (done || it == o.maxIter()) break;
                v.assign(hv);
            }
            found.getRow(k).assign(v);
            values[k] = lambda;
            residuals[k] = residual;
            iterations[k] = it;
        }
        return new Result(values, residuals, iterations, h.products() - start);
    }
}
