package org.minima.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.nn.BatchNormMode;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@code minima hessian} computes and {@code reproduce} repeats per run, in one place: extreme eigenvalues by
 * {@link Lanczos}, the trace by {@link TraceEstimator}, the spectral density by {@link SpectralDensity}, all on one
 * {@link HessianOperator} so that the product count is the total, and the one JSON both write (docs/hessian.md).
 * Each analyzer gets its own seed, split from the one given, so that asking for the trace does not change the
 * eigenvalues. Loads nothing.
 */
public final class HessianAnalysis {
    /**
     * The settings; each default and meaning stand in {@link #defaults()} and nowhere else.
     *
     * @param top, bottom     eigenvalues wanted at each end (both 0: no Lanczos)
     * @param tolerance       Lanczos stops when every wanted pair has ‖Hv − λv‖ ≤ tolerance·|λ_max|
     * @param maxSteps        Lanczos' step limit
     * @param block           Lanczos' block size (finds multiplicities up to it)
     * @param vectors         whether to keep the eigenvectors
     * @param trace           trace method, or null for none
     * @param probes          products the trace may use
     * @param density         whether to estimate the spectral density (SLQ)
     * @param densityRuns     SLQ runs averaged
     * @param densitySteps    Lanczos steps per SLQ run
     * @param seed            the one seed
     * @param chunk           examples per forward/backward pass of a network's loss; bounds memory, not the result
     * @param bn              batch norm's convention for a network's loss ({@link BatchNormMode}: bn, bnBatch)
     */
    public record Options(int top, int bottom, double tolerance, int maxSteps, int block, boolean vectors,
                          TraceEstimator.Method trace, int probes, boolean density, int densityRuns, int densitySteps,
                          long seed, int chunk, BatchNormMode bn) {
        public Options {
            if (top < 0 || bottom < 0) throw new IllegalArgumentException("top and bottom must be >= 0, got " + top + ", " + bottom);
            if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
            if (maxSteps < 1 || block < 1) throw new IllegalArgumentException("maxSteps and block must be >= 1, got " + maxSteps + ", " + block);
            if (densityRuns < 1 || densitySteps < 2) throw new IllegalArgumentException("densityRuns >= 1 and densitySteps >= 2, got "
                    + densityRuns + ", " + densitySteps);
            if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
            if (bn == null) throw new IllegalArgumentException("bn must be given");
        }

        public static Options defaults() {
            return new Options(
                    1,      // top: λ_max alone
                    0,      // bottom: no smallest eigenvalues
                    1e-4,   // tolerance: relative residual, well below the spread of λ_max over seeds
                    100,    // maxSteps: Lanczos steps (each one Hessian-vector product per block column)
                    1,      // block
                    false,  // vectors: not kept
                    null,   // trace: not estimated
                    30,     // probes: Hessian-vector products for the trace
                    false,  // density: not estimated
                    10,     // densityRuns: SLQ runs averaged
                    80,     // densitySteps: Lanczos steps per SLQ run
                    1,      // seed
                    500,    // chunk: examples per pass (an R-op pass holds about twice a gradient's activations)
                    BatchNormMode.RUNNING); // bn: inference mode (running statistics)
        }

        public Options withTop(int v) { return new Options(v, bottom, tolerance, maxSteps, block, vectors, trace, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withBottom(int v) { return new Options(top, v, tolerance, maxSteps, block, vectors, trace, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withTolerance(double v) { return new Options(top, bottom, v, maxSteps, block, vectors, trace, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withMaxSteps(int v) { return new Options(top, bottom, tolerance, v, block, vectors, trace, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withBlock(int v) { return new Options(top, bottom, tolerance, maxSteps, v, vectors, trace, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withVectors(boolean v) { return new Options(top, bottom, tolerance, maxSteps, block, v, trace, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withTrace(TraceEstimator.Method v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, v, probes, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withProbes(int v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, v, density, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withDensity(boolean v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, probes, v, densityRuns, densitySteps, seed, chunk, bn); }
        public Options withDensityRuns(int v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, probes, density, v, densitySteps, seed, chunk, bn); }
        public Options withDensitySteps(int v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, probes, density, densityRuns, v, seed, chunk, bn); }
        public Options withSeed(long v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, probes, density, densityRuns, densitySteps, v, chunk, bn); }
        public Options withChunk(int v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, probes, density, densityRuns, densitySteps, seed, v, bn); }
        public Options withBatchNorm(BatchNormMode v) { return new Options(top, bottom, tolerance, maxSteps, block, vectors, trace, probes, density, densityRuns, densitySteps, seed, chunk, v); }

        /**
         * The most Hessian-vector products these analyses may take, for a progress bar's length: Lanczos'
         * steps × block plus the Ritz-vector checks, the trace's probes, and the SLQ runs' steps.
         */
        public long maxProducts() {
            return (top + bottom > 0 ? (long) maxSteps * block + top + bottom : 0) + (trace != null ? probes : 0)
                    + (density ? (long) densityRuns * densitySteps : 0);
        }
    }

    /** The analyzers' outputs on one operator (each null when not asked for) and the products they took together. */
    public record Result(Lanczos.Result spectrum, TraceEstimator.Estimate trace, SpectralDensity.Density density, long hvps) {}

    /** A network's analysis: f(w), the analyzers' outputs, and what the JSON says about how they were made. */
    public record Measurement(Options options, double loss, Result result, long parameters, int examples, String data,
                              DataType dtype, int threads) {
        /**
         * The JSON of {@code minima hessian} (docs/hessian.md): the loss, eigenvalues and residuals, the product count,
         * the trace and density when asked for, and where they came from. {@code model} names the model directory;
         * {@code seconds} is the caller's wall time.
         */
        public ObjectNode toJson(String model, double seconds) {
            ObjectNode out = Json.object();
            out.put("loss", loss);
            Lanczos.Result s = result.spectrum();
            array(out.putArray("eigenvalues"), s == null ? new double[0] : s.eigenvalues());
            array(out.putArray("residuals"), s == null ? new double[0] : s.residuals());
            if (options.bottom() > 0) {
                array(out.putArray("bottomEigenvalues"), s.bottomEigenvalues());
                array(out.putArray("bottomResiduals"), s.bottomResiduals());
            }
            out.put("hvps", result.hvps());
            if (s != null) {
                out.put("lanczosSteps", s.steps());
                out.put("lanczosRestarts", s.restarts());
                out.put("converged", s.converged());
                out.put("tolerance", options.tolerance());
            }
            if (result.trace() != null) {
                out.put("trace", result.trace().trace());
                out.put("traceStdErr", result.trace().stdErr());
                out.put("traceMethod", traceMethodName(options.trace()));
                out.put("probes", options.probes());
            }
            if (result.density() != null) {
                ObjectNode d = out.putObject("density");
                array(d.putArray("grid"), result.density().grid());
                array(d.putArray("values"), result.density().values());
                d.put("sigma", result.density().sigma());
                d.put("runs", options.densityRuns());
                d.put("steps", options.densitySteps());
            }
            out.put("parameters", parameters);
            out.put("examples", examples);
            out.put("dtype", SharpnessAnalysis.dtypeName(dtype));
            out.put("threads", threads);
            out.put("seconds", seconds);
            out.put("model", model);
            out.put("data", data);
            out.put("seed", options.seed());
            SharpnessAnalysis.putBatchNorm(out, options.bn());
            return out;
        }
    }

    private HessianAnalysis() {}

    /**
     * The analyses of the Hessian of the network's mean loss over {@code data} (batch norm in {@code options.bn()}'s
     * convention, chunks of {@code options.chunk()}, the network's data type) at its parameters, which are left as they were.
     * {@code listener} (may be null) hears every product. A non-finite loss is an IllegalStateException.
     */
    public static Measurement run(Network net, DataSet data, Options options, HessianOperator.Listener listener) {
        long wanted = (long) options.top() + options.bottom();
        if (wanted > net.parameterCount()) {
            // a P×P Hessian has P eigenvalues; asking for more is the user's mistake, not a memory shortage
            throw new InputException("top " + options.top() + " + bottom " + options.bottom() + " = " + wanted
                    + " eigenvalues asked for, more eigenvalues than parameters: the model has " + net.parameterCount());
        }
        NetworkObjective objective = new NetworkObjective(net, data, options.chunk(), options.bn());
        INDArray w = net.parameters(); // read only: the objective evaluates in its own copy of net
        double loss = objective.value(w);
        if (!Double.isFinite(loss)) throw new IllegalStateException("the loss on " + data.spec() + " is " + loss);
        HessianOperator h = new HessianOperator(objective, w);
        if (listener != null) h.setListener(listener);
        Result result = run(h, options);
        return new Measurement(options, loss, result, objective.dimension(), data.size(), data.spec(), net.dataType(), Threads.current());
    }

    /** The analyses {@code o} asks for, on any operator. */
    public static Result run(HessianOperator h, Options o) {
        long start = h.products();
        SplittableRandom seeds = new SplittableRandom(o.seed());
        long lanczosSeed = seeds.nextLong();
        long traceSeed = seeds.nextLong();
        long densitySeed = seeds.nextLong();
        Lanczos.Result spectrum = o.top() + o.bottom() == 0 ? null : Lanczos.run(h,
                new Lanczos.Options(o.top(), o.bottom(), o.tolerance(), o.maxSteps(), o.block(), lanczosSeed, o.vectors(), 0));
        TraceEstimator.Estimate trace = o.trace() == null ? null : TraceEstimator.estimate(h, o.trace(), o.probes(), traceSeed);
        SpectralDensity.Density density = !o.density() ? null : SpectralDensity.estimate(h,
                new SpectralDensity.Options(o.densityRuns(), o.densitySteps(), 2001, densitySeed, 0));
        return new Result(spectrum, trace, density, h.products() - start);
    }

    /** "hutchpp" or "hutchinson", as {@code --trace-method} and the JSON name them. */
    public static String traceMethodName(TraceEstimator.Method m) {
        return m == TraceEstimator.Method.HUTCHINSON ? "hutchinson" : "hutchpp";
    }

    private static void array(ArrayNode a, double[] values) {
        for (double v : values) a.add(v);
    }
}
