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
 * box centre y = 0 (or, with {@link SharpnessOptions.StartAt#CORNER}, at the corner c + sign(∇f(c))·bound a
 * first-order model says is worst) and then at {@code restarts} points drawn uniformly in the box; the largest f
 * seen at any evaluation (all evaluations lie in the box) is kept. f(x) and ∇f(x) are evaluated once first, for
 * the loss, the corner and the diagnostics (see {@link Result}).
 *
 * <p>Memory in the full space: L-BFGS-B's (at most (2m + 7)·n doubles, see {@link Lbfgsb}) plus four n-vectors
 * here (x, the bounds, the start); the evaluation point and gradient are the objective's own when it has them
 * ({@link Objective#inPlacePoint}), and the maximizer found so far (n). In a subspace, O(n + p²) and A's own: held
 * (n·p doubles) when it fits a quarter of the heap, else a block per thread, regenerated on every pass ({@link RandomSubspace}).
 */
public final class Sharpness {

    /**
     * One L-BFGS-B start: where it began ("centre", "corner" or "random"), the largest f it found, its iterations
     * and evaluations, why it stopped, and how far into the box its maximizer z went: the largest and the mean of
     * |zᵢ|/boundᵢ ({@code boxMax}, {@code boxMean}; 0 at the centre, 1 on a face).
     */
    public record Start(String at, double maxLoss, int iterations, int evaluations, Lbfgsb.Stop stop, double boxMax, double boxMean) {}

    /**
     * The outcome: f(x) ({@code loss}), the largest f found over all starts, φ in percent, the best start's
     * iterations and evaluations, every start (the chosen first start, then the random ones) and which is best.
     * Diagnostics at the centre: ‖∇h‖ ({@code gradientNorm}; h = f in the full space, the subspace objective
     * otherwise, whose gradient is Aᵀ∇f) and {@code firstOrder} = 100·Σᵢ|∇hᵢ|·boundᵢ/(1 + f), the φ a linear
     * model of f would give (boundᵢ = ε(|cᵢ| + 1)). {@code meanColumnNorm}: A's, NaN in the full space.
     */
    public record Result(double loss, double maxLoss, double sharpness, int iterations, int evaluations, List<Start> starts, int best,
                         double gradientNorm, double firstOrder, double meanColumnNorm) {
        public Start bestStart() {
            return starts.get(best);
        }

        /** The maximizer stayed within 1 % of the box on every coordinate (L-BFGS-B may not have left the centre). */
        public boolean stayedNearCentre() {
            return bestStart().boxMax() < NEAR_CENTRE;
        }
    }

    /** The fraction of the box below which the maximizer counts as not having left the centre. */
    public static final double NEAR_CENTRE = 0.01;

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
    static Result measure(Objective f, INDArray x, SharpnessOptions options, RandomSubspace givenA, Progress progress) {
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
        double columnNorm = Double.NaN;
        if (options.subspace() == null) {
            h = f;
            origin = FlatVectors.toDoubles(x);
            centre = origin;
        } else {
            RandomSubspace a = givenA != null ? givenA : RandomSubspace.generated(n, options.subspace(), matrixSeed, options.subspaceMatrix());
            h = new SubspaceObjective(f, x, a); // copies x
            origin = null;
            centre = a.pseudoInverseTimes(x);
            columnNorm = a.meanColumnNorm();
        }
        int dim = Math.toIntExact(h.dimension());
        double[] upper = new double[dim];
        double[] lower = new double[dim];
        for (int i = 0; i < dim; i++) {
            upper[i] = options.eps() * (Math.abs(centre[i]) + 1.0);
            lower[i] = -upper[i];
        }

        // f and ∇h at the centre, once: the loss, the diagnostics, the corner, and the centre start's first evaluation.
        Ascent ascent = new Ascent(h, origin, dtype, dim, pr, upper);
        double loss = ascent.evaluateCentre();
        double[] g = ascent.centreGradient;
        double gg = 0, linear = 0;
        for (int i = 0; i < dim; i++) {
            gg += g[i] * g[i];
            linear += Math.abs(g[i]) * upper[i];
        }

        Lbfgsb optimizer = new Lbfgsb(dim, Lbfgsb.Options.defaults().withMaxIterations(options.maxIter()));
        List<Start> starts = new ArrayList<>();
        int count = options.restarts() + 1;
        double[] z0 = new double[dim];
        SplittableRandom rnd = new SplittableRandom(startSeed);
        int best = 0;
        for (int s = 0; s < count; s++) {
            String at;
            if (s > 0) {
                at = "random";
                for (int i = 0; i < dim; i++) z0[i] = upper[i] > 0 ? rnd.nextDouble(lower[i], upper[i]) : 0.0;
            } else if (options.start() == SharpnessOptions.StartAt.CORNER) {
                at = "corner"; // ascent direction +∇h: the first-order worst corner, on the box by construction
                for (int i = 0; i < dim; i++) z0[i] = Math.signum(g[i]) * upper[i];
            } else {
                at = "centre";
            }
            pr.startBegins(s, count, options.maxIter());
            ascent.begin(loss);
            Lbfgsb.Result res = optimizer.minimize(ascent, z0, lower, upper, (it, ev, fv, xv) -> ascent.iterations = it);
            Start start = new Start(at, ascent.max, res.iterations(), res.evaluations(), res.stop(), ascent.boxMax(), ascent.boxMean());
            starts.add(start);
            if (start.maxLoss() > starts.get(best).maxLoss()) best = s;
            pr.startEnds(s, start);
        }
        Start b = starts.get(best);
        return new Result(loss, b.maxLoss(), phi(loss, b.maxLoss()), b.iterations(), b.evaluations(), List.copyOf(starts), best,
                Math.sqrt(gg), 100.0 * linear / (1.0 + loss), columnNorm);
    }

    /**
     * z ↦ −h(origin + z) and its gradient, for L-BFGS-B to minimize; remembers the largest h seen and where (for
     * the box diagnostics). Per evaluation two O(n) passes with fixed buffers (no allocation but none): origin + z
     * into the point, and −∇h out of the gradient, written and read in place in the objective's own vectors when it
     * has them ({@link Objective#inPlacePoint}); a new maximum copies z (O(n)). The centre's value and gradient are
     * computed once ({@link #evaluateCentre}) and served again when a start's first evaluation is at the centre.
     */
    private static final class Ascent implements Lbfgsb.Function {
        private final Objective h;
        private final double[] origin;
        private final int dim;
        private final Progress progress;
        private final INDArray w;
        private final INDArray grad;
        private final float[] scratch;
        private final double[] upper;
        private final double[] argmax;
        private double centreValue = Double.NaN;
        /** ∇h at the centre (not negated), once {@link #evaluateCentre} ran. */
        double[] centreGradient;
        double max;
        double loss;
        int evaluations;
        int iterations;

        Ascent(Objective h, double[] origin, DataType dtype, int dim, Progress progress, double[] upper) {
            this.h = h;
            this.origin = origin;
            this.dim = dim;
            this.progress = progress;
            this.w = usable(h.inPlacePoint(), dtype, dim) ? h.inPlacePoint() : FlatVectors.vector(dtype, dim);
            this.grad = usable(h.inPlaceGradient(), dtype, dim) ? h.inPlaceGradient() : FlatVectors.vector(dtype, dim);
            this.scratch = FlatVectors.scratchFor(dtype, dim);
            this.upper = upper;
            this.argmax = new double[dim];
        }

        /** h and ∇h at z = 0; returns h(0), keeps ∇h in {@link #centreGradient}. */
        double evaluateCentre() {
            double[] z = new double[dim];
            double[] negated = new double[dim];
            centreValue = -compute(z, negated);
            centreGradient = new double[dim];
            for (int i = 0; i < dim; i++) centreGradient[i] = -negated[i];
            return centreValue;
        }

        double boxMax() {
            double m = 0;
            for (int i = 0; i < dim; i++) m = Math.max(m, Math.abs(argmax[i]) / upper[i]);
            return m;
        }

        double boxMean() {
            double s = 0;
            for (int i = 0; i < dim; i++) s += Math.abs(argmax[i]) / upper[i];
            return s / dim;
        }

        private static boolean usable(INDArray v, DataType dtype, int dim) {
            return v != null && v.dataType() == dtype && v.length() == dim && v.rank() == 1 && v.elementWiseStride() == 1;
        }

        void begin(double centreLoss) {
            loss = centreLoss;
            max = Double.NEGATIVE_INFINITY;
            evaluations = 0;
            iterations = 0;
        }

        @Override
        public double valueAndGradient(double[] z, double[] g) {
            double v;
            if (evaluations == 0 && centreGradient != null && isZero(z)) {
                v = centreValue;
                for (int i = 0; i < dim; i++) g[i] = -centreGradient[i];
            } else {
                v = -compute(z, g);
            }
            evaluations++;
            if (v > max) {
                max = v;
                System.arraycopy(z, 0, argmax, 0, dim);
            }
            progress.evaluated(iterations, evaluations, phi(loss, max));
            return -v;
        }

        private double compute(double[] z, double[] negatedGradient) {
            if (origin != null) FlatVectors.putSum(origin, z, dim, w);
            else FlatVectors.put(z, dim, w, 0, scratch);
            double v = h.valueAndGradient(w, grad);
            FlatVectors.getNegated(grad, negatedGradient, dim);
            return -v;
        }

        private static boolean isZero(double[] z) {
            for (double zi : z) if (zi != 0) return false;
            return true;
        }
    }
}
