package org.minima.analysis;

import java.util.SplittableRandom;

/**
 * What {@code minima hessian} computes, in one place: extreme eigenvalues by {@link Lanczos}, the trace by
 * {@link TraceEstimator}, the spectral density by {@link SpectralDensity}, all on one {@link HessianOperator}
 * so that the product count is the total. Each analyzer gets its own seed, split from the one given, so
 * that asking for the trace does not change the eigenvalues.
 */
public final class HessianAnalysis {
    /**
     * @param top, bottom     eigenvalues wanted at each end (both 0: no Lanczos)
     * @param tolerance       Lanczos' relative residual tolerance
     * @param maxSteps        Lanczos' step limit
     * @param block           Lanczos' block size
     * @param vectors         whether to keep the eigenvectors
     * @param trace           trace method, or null for none
     * @param probes          products the trace may use
     * @param densityRuns     SLQ runs (0: no density)
     * @param densitySteps    Lanczos steps per SLQ run
     * @param seed            the one seed
     */
    public record Options(int top, int bottom, double tolerance, int maxSteps, int block, boolean vectors,
                          TraceEstimator.Method trace, int probes, int densityRuns, int densitySteps, long seed) {
        /**
         * The most Hessian-vector products these analyses may take, for a progress bar's length: Lanczos'
         * steps × block plus the Ritz-vector checks, the trace's probes, and the SLQ runs' steps.
         */
        public long maxProducts() {
            return (top + bottom > 0 ? (long) maxSteps * block + top + bottom : 0) + (trace != null ? probes : 0)
                    + (long) densityRuns * densitySteps;
        }
    }

    public record Result(Lanczos.Result spectrum, TraceEstimator.Estimate trace, SpectralDensity.Density density, long hvps) {}

    private HessianAnalysis() {}

    public static Result run(HessianOperator h, Options o) {
        long start = h.products();
        SplittableRandom seeds = new SplittableRandom(o.seed());
        long lanczosSeed = seeds.nextLong();
        long traceSeed = seeds.nextLong();
        long densitySeed = seeds.nextLong();
        Lanczos.Result spectrum = o.top() + o.bottom() == 0 ? null : Lanczos.run(h,
                new Lanczos.Options(o.top(), o.bottom(), o.tolerance(), o.maxSteps(), o.block(), lanczosSeed, o.vectors(), 0));
        TraceEstimator.Estimate trace = o.trace() == null ? null : TraceEstimator.estimate(h, o.trace(), o.probes(), traceSeed);
        SpectralDensity.Density density = o.densityRuns() == 0 ? null : SpectralDensity.estimate(h,
                new SpectralDensity.Options(o.densityRuns(), o.densitySteps(), 2001, densitySeed, 0));
        return new Result(spectrum, trace, density, h.products() - start);
    }
}
