package org.minima.analysis;

import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic estimates of tr(H) from Hessian-vector products, each with a standard error.
 * <ul>
 * <li>Hutchinson (1989): tr(H) = E[zᵀHz] for Rademacher z; the mean of N probes, standard error
 *     sd/√N. Exact for a diagonal H (zᵢ² = 1). N products.</li>
 * <li>Hutch++ (Meyer, Musco, Musco & Woodruff 2021, Algorithm 1): with S, G Rademacher sketches,
 *     Q = orth(H·S), tr(H) ≈ tr(QᵀHQ) + tr(Gᵀ(I−QQᵀ)H(I−QQᵀ)G)/|G|. The low-rank part is exact; the
 *     Hutchinson part runs on the deflated matrix, so the variance falls with the few large eigenvalues
 *     removed. N products: N/3 for H·S, N/3 for H·Q, the rest for G. Standard error: sd/√|G| of the
 *     deflated probes (the low-rank part has no variance given Q). Memory: N/3 vectors of n.</li>
 * </ul>
 */
public final class TraceEstimator {
    public enum Method { HUTCHINSON, HUTCH_PLUS_PLUS }

    public record Estimate(Method method, double trace, double stdErr, int probes, long hvps) {}

    private TraceEstimator() {}

    public static Estimate estimate(HessianOperator h, Method method, int probes, long seed) {
        return method == Method.HUTCHINSON ? hutchinson(h, probes, seed) : hutchPlusPlus(h, probes, seed);
    }

    public static Estimate hutchinson(HessianOperator h, int probes, long seed) {
        if (probes < 2) throw new IllegalArgumentException("Hutchinson needs at least 2 probes for a standard error, got " + probes);
        long start = h.products();
        SplittableRandom rng = new SplittableRandom(seed);
        INDArray hz = Nd4j.create(h.dataType(), h.dimension());
        double[] samples = new double[probes];
        for (int i = 0; i < probes; i++) {
            INDArray z = Krylov.rademacher(h.dimension(), h.dataType(), rng);
            h.apply(z, hz);
            samples[i] = hz.mul(z).sumNumber().doubleValue();
            h.status(String.format(Locale.ROOT, "trace %.6g", mean(samples, i + 1)));
        }
        return new Estimate(Method.HUTCHINSON, mean(samples, probes), stdErr(samples, probes), probes, h.products() - start);
    }

    public static Estimate hutchPlusPlus(HessianOperator h, int probes, long seed) {
        if (probes < 4) throw new IllegalArgumentException("Hutch++ needs at least 4 products (sketch, range, 2 probes), got " + probes);
        long start = h.products();
        long n = h.dimension();
        DataType dtype = h.dataType();
        SplittableRandom rng = new SplittableRandom(seed);
        int s = Math.max(1, probes / 3);
        int g = probes - 2 * s;
        INDArray q = Nd4j.create(dtype, s, n);
        INDArray hx = Nd4j.create(dtype, n);
        // Q = orth(H·S): Gram–Schmidt twice; a column that vanishes (H of rank < s) is dropped.
        int rank = 0;
        for (int i = 0; i < s; i++) {
            INDArray z = Krylov.rademacher(n, dtype, rng);
            INDArray row = q.getRow(rank);
            h.apply(z, row);
            double before = row.norm2Number().doubleValue();
            Krylov.orthogonalize(q, rank, row);
            double norm = row.norm2Number().doubleValue();
            if (norm > 1e-10 * before && norm > 0) {
                row.divi(norm);
                rank++;
            } else {
                row.assign(0);
            }
        }
        double lowRank = 0;
        for (int i = 0; i < rank; i++) {
            h.apply(q.getRow(i), hx);
            lowRank += hx.mul(q.getRow(i)).sumNumber().doubleValue();
        }
        // the products budgeted for H·Q that a rank deficiency saved go to the deflated probes
        g += s - rank;
        double[] samples = new double[g];
        for (int i = 0; i < g; i++) {
            INDArray z = Krylov.rademacher(n, dtype, rng);
            Krylov.orthogonalize(q, rank, z);            // (I − QQᵀ)z
            h.apply(z, hx);
            samples[i] = hx.mul(z).sumNumber().doubleValue();
            h.status(String.format(Locale.ROOT, "trace %.6g", lowRank + mean(samples, i + 1)));
        }
        double se = g >= 2 ? stdErr(samples, g) : Double.NaN;
        return new Estimate(Method.HUTCH_PLUS_PLUS, lowRank + mean(samples, g), se, probes, h.products() - start);
    }

    private static double mean(double[] x, int k) {
        double s = 0;
        for (int i = 0; i < k; i++) s += x[i];
        return s / k;
    }

    private static double stdErr(double[] x, int k) {
        double m = mean(x, k);
        double ss = 0;
        for (int i = 0; i < k; i++) ss += (x[i] - m) * (x[i] - m);
        return Math.sqrt(ss / (k - 1) / k);
    }
}
