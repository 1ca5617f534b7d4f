package org.minima.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keskar's ε-sharpness, Metric 2.1 of Keskar, Mudigere, Nocedal, Smelyanskiy & Tang, "On large-batch training for
 * deep learning: generalization gap and sharp minima", ICLR 2017:
 * <pre>
 *   φ(ε, A) = 100 · (max_{y ∈ C_ε} f(x + Ay) − f(x)) / (1 + f(x)),
 *   C_ε = { z ∈ ℝᵖ : |zᵢ| ≤ ε(|(A⁺x)ᵢ| + 1) },
 * </pre>
 * with A = I (full space, A⁺x = x) or a random n×p matrix ({@link RandomSubspace}). The maximum is found inexactly,
 * as in the paper, by L-BFGS-B minimizing −f over the box ({@link Lbfgsb}, default 10 iterations), started at the
 * box centre y = 0 and then at {@code restarts} points drawn uniformly in the box; the largest f seen at any
 * evaluation (all evaluations lie in the box) is kept. f(x) is the first evaluation of the centre start.
 *
 * <p>Memory in the full space: L-BFGS-B's (at most (2m + 7)·n doubles, see {@link Lbfgsb}) plus four n-vectors
 * here (x, the bounds, the start); the evaluation point and gradient are the objective's own when it has them
 * ({@link Objective#inPlacePoint}). In a subspace, A (n·p entries) and O(m·p).
 */
public final class Sharpness {

    /** One L-BFGS-B start: the largest f it found, its iterations and evaluations, and why it stopped. */
    public record Start(double maxLoss, int iterations, int evaluations, Lbfgsb.Stop stop) {}

    /**
     * The outcome: f(x) ({@code loss}), the largest f found over all starts, φ in percent, the best start's
     * iterations and evaluations, and every start (centre first).
     */
    public record Result(double loss, double maxLoss, double sharpness, int iterations, int evaluations, List<Start> starts) {}

    /** Progress of a measurement, for a progress bar. Called on the computing thread. */
    public interface Progress {
        /** Start {@code index} (0 = centre) of {@code count} begins; at most {@code maxIter} iterations. */
        default void startBegins(int index, int count, int maxIter) {}

        /** After each evaluation: the start's iterations and evaluations so far and φ of the best point so far. */
        default void evaluated(int iterations, int evaluations, double sharpness) {}

        default void startEnds(int index, Start start) {}
    }

    private Sharpness() {}

    /** φ from a loss and a maximal loss, in percent. */
    public static double phi(double loss, double maxLoss) {
        return 100.0 * (maxLoss - loss) / (1.0 + loss);
    }

    /**
     * Measures φ at {@code x} (a contiguous float64 or float32 vector of length {@code f.dimension()}; the
     * objective is evaluated at vectors of that data type). {@code progress} may be null.
     */
    public static Result measure(Objective f, INDArray x, SharpnessOptions options, Progress progress) {
        return measure(f, x, options, null, progress);
    }

    /** As {@link #measure(Objective, INDArray, SharpnessOptions, Progress)}, with a given subspace matrix A (tests). */
    static Result measure(Objective f, INDArray x, SharpnessOptions options, INDArray givenA, Progress progress) {
        Progress pr = progress == null ? new Progress() {} : progress;
        long n = f.dimension();
        if (x.length() != n) throw new IllegalArgumentException("x has length " + x.length() + ", the objective " + n);
        DataType dtype = x.dataType();
        SplittableRandom seeds = new SplittableRandom(options.seed());
        long matrixSeed = seeds.nextLong();
        long startSeed = seeds.nextLong();

        // The box centre's coordinates c (x itself, or A⁺x) and the objective h over box coordinates.
        Objective h;
        double[] origin;
        double[] centre;
        if (options.subspace() == null) {
            h = f;
            origin = FlatVectors.toDoubles(x);
            centre = origin;
        } else {
            INDArray a = givenA != null ? givenA : RandomSubspace.matrix(n, options.subspace(), matrixSeed, dtype);
            h = new SubspaceObjective(f, x, a); // copies x
            origin = null;
            centre = RandomSubspace.pseudoInverseTimes(a, x);
        }
        int dim = Math.toIntExact(h.dimension());
        double[] upper = new double[dim];
        double[] lower = new double[dim];
        for (int i = 0; i < dim; i++) {
            upper[i] = options.eps() * (Math.abs(centre[i]) + 1.0);
            lower[i] = -upper[i];
        }

        Lbfgsb optimizer = new Lbfgsb(dim, Lbfgsb.Options.defaults().withMaxIterations(options.maxIter()));
        Ascent ascent = new Ascent(h, origin, dtype, dim, pr);
        List<Start> starts = new ArrayList<>();
        int count = options.restarts() + 1;
        double[] z0 = new double[dim];
        SplittableRandom rnd = new SplittableRandom(startSeed);
        double loss = Double.NaN;
        int best = 0;
        for (int s = 0; s < count; s++) {
            if (s > 0) {
                for (int i = 0; i < dim; i++) z0[i] = upper[i] > 0 ? rnd.nextDouble(lower[i], upper[i]) : 0.0;
            }
            pr.startBegins(s, count, options.maxIter());
            ascent.begin(loss);
            Lbfgsb.Result res = optimizer.minimize(ascent, z0, lower, upper, (it, ev, fv, xv) -> ascent.iterations = it);
            if (s == 0) loss = ascent.first;
            Start start = new Start(ascent.max, res.iterations(), res.evaluations(), res.stop());
            starts.add(start);
            if (start.maxLoss() > starts.get(best).maxLoss()) best = s;
            pr.startEnds(s, start);
        }
        Start b = starts.get(best);
        return new Result(loss, b.maxLoss(), phi(loss, b.maxLoss()), b.iterations(), b.evaluations(), List.copyOf(starts));
    }

    /**
     * z ↦ −h(origin + z) and its gradient, for L-BFGS-B to minimize; remembers the largest h seen. Per evaluation
     * two O(n) passes with fixed buffers (no allocation): origin + z into the point, and −∇h out of the gradient,
     * written and read in place in the objective's own vectors when it has them ({@link Objective#inPlacePoint}).
     */
    private static final class Ascent implements Lbfgsb.Function {
        private final Objective h;
        private final double[] origin;
        private final int dim;
        private final Progress progress;
        private final INDArray w;
        private final INDArray grad;
        private final float[] scratch;
        double first;
        double max;
        double loss;
        int evaluations;
        int iterations;

        Ascent(Objective h, double[] origin, DataType dtype, int dim, Progress progress) {
            this.h = h;
            this.origin = origin;
            this.dim = dim;
            this.progress = progress;
            this.w = usable(h.inPlacePoint(), dtype, dim) ? h.inPlacePoint() : FlatVectors.vector(dtype, dim);
            this.grad = usable(h.inPlaceGradient(), dtype, dim) ? h.inPlaceGradient() : FlatVectors.vector(dtype, dim);
            this.scratch = FlatVectors.scratchFor(dtype, dim);
        }

        private static boolean usable(INDArray v, DataType dtype, int dim) {
            return v != null && v.dataType() == dtype && v.length() == dim && v.rank() == 1 && v.elementWiseStride() == 1;
        }

        void begin(double lossOrNaN) {
            loss = lossOrNaN;
            first = Double.NaN;
            max = Double.NEGATIVE_INFINITY;
            evaluations = 0;
            iterations = 0;
        }

        @Override
        public double valueAndGradient(double[] z, double[] g) {
            if (origin != null) FlatVectors.putSum(origin, z, dim, w);
            else FlatVectors.put(z, dim, w, 0, scratch);
            double v = h.valueAndGradient(w, grad);
            FlatVectors.getNegated(grad, g, dim);
            evaluations++;
            if (evaluations == 1) first = v;
            if (Double.isNaN(loss)) loss = first;
            if (v > max) max = v;
            progress.evaluated(iterations, evaluations, phi(loss, max));
            return -v;
        }
    }
}
