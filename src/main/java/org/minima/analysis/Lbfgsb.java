package org.minima.analysis;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * L-BFGS-B: minimizes a smooth f over a box l ≤ x ≤ u, after Byrd, Lu, Nocedal & Zhu, "A limited memory
 * algorithm for bound constrained optimization", SIAM J. Sci. Comput. 16 (1995) 1190–1208, and Zhu, Byrd, Lu &
 * Nocedal, "Algorithm 778: L-BFGS-B", ACM TOMS 23 (1997) 550–560. Each iteration:
 * <ol>
 *   <li>the generalized Cauchy point x<sup>c</sup>: the first local minimizer of the quadratic model
 *       m(x) = f + gᵀ(x−x<sub>k</sub>) + ½(x−x<sub>k</sub>)ᵀB(x−x<sub>k</sub>) along the projected steepest
 *       descent path (Byrd et al. §4, Algorithm CP), walking the breakpoints in increasing order with a heap;</li>
 *   <li>subspace minimization of m over the variables free at x<sup>c</sup> (§5.1, the direct primal method),
 *       projected onto the box as in L-BFGS-B 3.0 (Morales & Nocedal 2011), or truncated to stay in it
 *       (1995) when the projection is not a descent direction;</li>
 *   <li>a Moré–Thuente line search along d = x̄ − x<sub>k</sub> for the strong Wolfe conditions, falling back to
 *       Armijo backtracking when it fails;</li>
 *   <li>the limited-memory update of the compact representation B = θI − W M Wᵀ, W = [Y θS],
 *       M = [[−D, Lᵀ], [L, θSᵀS]]⁻¹ (Byrd, Nocedal & Schnabel 1994, Theorem 2.3; Byrd et al. 1995 eq. 3.2–3.4),
 *       skipping pairs with sᵀy ≤ ε·(−gᵀs) so B stays positive definite.</li>
 * </ol>
 * Stops when the projected gradient's ∞-norm is ≤ pgtol, when the relative reduction
 * (f<sub>k</sub> − f<sub>k+1</sub>)/max(|f<sub>k</sub>|, |f<sub>k+1</sub>|, 1) ≤ factr·ε<sub>mach</sub>, or on the
 * iteration or evaluation budget (the tests and defaults of Zhu et al. 1997).
 *
 * <p>Memory: seven n-vectors, n flags and an int heap of n, allocated in the constructor, and the 2·m·n entries of S and Y,
 * each pair's slot allocated when first used and then reused; an iteration allocates only O(m²) small matrices. Work per iteration: O(m·n) streaming loops, plus
 * O(m²) per breakpoint passed in the Cauchy search (found in order by a heap, or by one sort when many are passed;
 * no search at all while no pair is stored, when the Cauchy point has a closed form) and O(m²·min(free, active)) for the reduced matrix WᵀZZᵀW.
 * One instance can run several minimizations (one at a time; not thread-safe).
 */
public final class Lbfgsb {

    /** A smooth function: returns f(x) and writes ∇f(x) into {@code g}. Must not keep {@code x} or {@code g}. */
    public interface Function {
        double valueAndGradient(double[] x, double[] g);
    }

    /**
     * Told after each completed iteration (a step accepted by the line search): its number, the evaluations so far,
     * and f and x there. {@code x} is the optimizer's own array, valid only during the call: read it, don't keep it.
     */
    public interface Listener {
        void iteration(int iteration, int evaluations, double f, double[] x);
    }

    /** Why a minimization stopped. */
    public enum Stop {
        /** ‖proj ∇f‖∞ ≤ pgtol: a KKT point to that tolerance. */
        PROJECTED_GRADIENT,
        /** The last step reduced f by a relative amount ≤ factr·ε. */
        RELATIVE_REDUCTION,
        MAX_ITERATIONS,
        MAX_EVALUATIONS,
        /** No acceptable step even along the projected steepest descent direction. */
        LINE_SEARCH_FAILED,
        /** f or ∇f was NaN or infinite at the starting point. */
        NOT_FINITE
    }

    /**
     * Settings (defaults as in Zhu et al. 1997 and scipy: m 10, pgtol 1e-5, factr 1e7, 15000 iterations and
     * evaluations).
     */
    public record Options(int memory, int maxIterations, int maxEvaluations, double pgtol, double factr) {
        public Options {
            if (memory < 1) throw new IllegalArgumentException("memory must be >= 1, got " + memory);
            if (maxIterations < 0) throw new IllegalArgumentException("maxIterations must be >= 0, got " + maxIterations);
            if (maxEvaluations < 1) throw new IllegalArgumentException("maxEvaluations must be >= 1, got " + maxEvaluations);
            if (!(pgtol >= 0)) throw new IllegalArgumentException("pgtol must be >= 0, got " + pgtol);
            if (!(factr >= 0)) throw new IllegalArgumentException("factr must be >= 0, got " + factr);
        }

        public static Options defaults() {
            return new Options(10, 15000, 15000, 1e-5, 1e7);
        }

        public Options withMaxIterations(int it) {
            return new Options(memory, it, maxEvaluations, pgtol, factr);
        }

        public Options withMaxEvaluations(int ev) {
            return new Options(memory, maxIterations, ev, pgtol, factr);
        }

        public Options withTolerances(double pgtol, double factr) {
            return new Options(memory, maxIterations, maxEvaluations, pgtol, factr);
        }

        public Options withMemory(int m) {
            return new Options(m, maxIterations, maxEvaluations, pgtol, factr);
        }
    }

    /** The outcome: the last accepted point (a copy), its value, ‖proj ∇f‖∞ there, counts, and why it stopped. */
    public record Result(double[] x, double f, double projectedGradientNorm, int iterations, int evaluations, Stop stop) {}

    private static final double EPS = Math.ulp(1.0); // machine epsilon, 2.2e-16
    private static final double FTOL = 1e-3;
    private static final double GTOL = 0.9;
    private static final double XTOL = 0.1;
    private static final int MAX_LINE_SEARCH_EVALUATIONS = 20; // as Zhu et al. 1997
    private static final int MAX_BACKTRACKS = 10;
    private static final double BIG_STEP = 1e10;
    private static final int BLOCK = 2048; // doubles of an n-vector kept in cache while the 2m columns of W pass

    private final int n;
    private final int m;
    private final Options options;

    // Fixed n-vectors.
    private final double[] x;
    private final double[] g;
    private final double[] xPrev;
    private final double[] gPrev;
    private final double[] d; // Cauchy direction, then the search direction x̄ − x
    private final double[] xc; // generalized Cauchy point, then x̄ after subspace minimization
    private final double[] r; // reduced gradient, then the subspace step du (shares memory with key)
    // Breakpoints: variable heap[j] reaches its bound at path time key[j]. A binary min-heap on key (keys kept
    // beside the indices, not looked up through them, so sifting reads contiguous memory), later possibly sorted.
    private final double[] key;
    private final int[] heap;
    private final boolean[] free;
    private int nFree; // how many are free, counted with them
    // Limited memory: physical slots; logical pair k (0 = oldest) lives in slot (head + k) % m.
    private final double[][] s;
    private final double[][] y;
    private int head;
    private int col;
    private double theta = 1;
    // Logical m×m inner products: sy[a][b] = s_aᵀy_b, ss[a][b] = s_aᵀs_b, yy[a][b] = y_aᵀy_b.
    private final double[][] sy;
    private final double[][] ss;
    private final double[][] yy;
    private double[][] middle; // M⁻¹ = [[−D, Lᵀ], [L, θSᵀS]], 2col × 2col
    private double[][] mMat; // M
    // Small scratch of length 2m.
    private final double[] p;
    private final double[] c;
    private final double[] wb;
    private final double[] mw;
    private final double[] mc;
    private final double[] q;

    private final MoreThuente lineSearch = new MoreThuente(FTOL, GTOL, XTOL);

    /**
     * Allocates the buffers for problems of dimension {@code n}: 7·n doubles, n ints and n booleans now, and the
     * 2·n doubles of a correction pair when the first pair is stored in its slot, so at most (2m + 7)·n doubles.
     * (Fresh memory is not free: its first touch costs page faults, about 1 s for F1's 327 MB on a 2-core VM.
     * When pairs are skipped by the curvature test, as when maximizing a non-convex loss, the slots stay unused.)
     */
    public Lbfgsb(int n, Options options) {
        if (n < 1) throw new IllegalArgumentException("dimension must be >= 1, got " + n);
        this.n = n;
        this.options = options;
        this.m = options.memory();
        x = new double[n];
        g = new double[n];
        xPrev = new double[n];
        gPrev = new double[n];
        d = new double[n];
        xc = new double[n];
        key = new double[n];
        r = key; // the breakpoint keys live only inside the Cauchy search, the step only after it
        heap = new int[n];
        free = new boolean[n];
        s = new double[m][]; // a slot's pair of n-vectors is allocated when the first pair is stored there
        y = new double[m][];
        sy = new double[m][m];
        ss = new double[m][m];
        yy = new double[m][m];
        p = new double[2 * m];
        c = new double[2 * m];
        wb = new double[2 * m];
        mw = new double[2 * m];
        mc = new double[2 * m];
        q = new double[2 * m];
    }

    public int dimension() {
        return n;
    }

    public Options options() {
        return options;
    }

    /**
     * Minimizes {@code fun} over the box from {@code x0} (projected into the box first). {@code lower}/{@code upper}
     * may be null (no bound) and may hold infinities. {@code listener} may be null.
     */
    public Result minimize(Function fun, double[] x0, double[] lower, double[] upper, Listener listener) {
        if (x0.length != n) throw new IllegalArgumentException("x0 has length " + x0.length + ", expected " + n);
        double[] lo = lower == null ? filled(Double.NEGATIVE_INFINITY) : lower;
        double[] hi = upper == null ? filled(Double.POSITIVE_INFINITY) : upper;
        if (lo.length != n || hi.length != n) throw new IllegalArgumentException("bounds must have length " + n);
        boolean constrained = false;
        boolean boxed = true;
        for (int i = 0; i < n; i++) {
            if (!(lo[i] <= hi[i])) throw new IllegalArgumentException("lower[" + i + "] = " + lo[i] + " > upper[" + i + "] = " + hi[i]);
            boolean fl = lo[i] > Double.NEGATIVE_INFINITY;
            boolean fu = hi[i] < Double.POSITIVE_INFINITY;
            constrained |= fl || fu;
            boxed &= fl && fu;
            x[i] = Math.min(Math.max(x0[i], lo[i]), hi[i]);
        }
        resetMemory();

        double f = fun.valueAndGradient(x, g);
        int evaluations = 1;
        if (!Double.isFinite(f) || !allFinite(g)) return result(f, Double.NaN, 0, evaluations, Stop.NOT_FINITE);
        double pgn = projectedGradientNorm(lo, hi);
        if (pgn <= options.pgtol()) return result(f, pgn, 0, evaluations, Stop.PROJECTED_GRADIENT);

        int iteration = 0;
        while (true) {
            if (iteration >= options.maxIterations()) return result(f, pgn, iteration, evaluations, Stop.MAX_ITERATIONS);
            if (evaluations >= options.maxEvaluations()) return result(f, pgn, iteration, evaluations, Stop.MAX_EVALUATIONS);

            cauchyPoint(lo, hi);
            subspaceMinimization(lo, hi);

            // Search direction d = x̄ − x, its slope and squared length, the largest feasible step along it, and the
            // copies of x and g the line search starts from: one O(n) pass (8 streams of n values).
            double gd = 0;
            double dd = 0;
            double smax = BIG_STEP;
            for (int i = 0; i < n; i++) {
                double xi = x[i], gi = g[i];
                double di = xc[i] - xi;
                d[i] = di;
                gd += gi * di;
                dd += di * di;
                xPrev[i] = xi;
                gPrev[i] = gi;
                if (di > 0) smax = Math.min(smax, (hi[i] - xi) / di); // +∞ bounds give +∞, leaving smax alone
                else if (di < 0) smax = Math.min(smax, (lo[i] - xi) / di);
            }
            if (dd == 0) return result(f, pgn, iteration, evaluations, Stop.PROJECTED_GRADIENT);
            if (!(gd < 0)) {
                // Not a descent direction (B lost its meaning): forget the memory and retry with B = I (Zhu et al. 1997).
                if (col > 0) {
                    resetMemory();
                    continue;
                }
                return result(f, pgn, iteration, evaluations, Stop.LINE_SEARCH_FAILED);
            }

            double fPrev = f;
            // The largest step along d that stays in the box (≥ 1, since x̄ = x + d is in it).
            double stpmax = iteration == 0 && constrained ? 1.0 : Math.max(smax, 1.0);
            double stp0 = iteration == 0 && !boxed ? Math.min(1.0 / Math.sqrt(dd), stpmax) : 1.0;

            int budget = options.maxEvaluations() - evaluations;
            double[] fOut = {f};
            int used = search(fun, lo, hi, fPrev, gd, stp0, stpmax, budget, fOut);
            evaluations += Math.abs(used);
            if (used < 0) {
                // Failed: restore the last accepted point.
                System.arraycopy(xPrev, 0, x, 0, n);
                System.arraycopy(gPrev, 0, g, 0, n);
                f = fPrev;
                if (evaluations >= options.maxEvaluations()) return result(f, pgn, iteration, evaluations, Stop.MAX_EVALUATIONS);
                if (col > 0) {
                    resetMemory();
                    continue;
                }
                return result(f, pgn, iteration, evaluations, Stop.LINE_SEARCH_FAILED);
            }
            f = fOut[0];
            iteration++;
            if (listener != null) listener.iteration(iteration, evaluations, f, x);

            pgn = projectedGradientNorm(lo, hi);
            if (pgn <= options.pgtol()) return result(f, pgn, iteration, evaluations, Stop.PROJECTED_GRADIENT);
            double scale = Math.max(Math.max(Math.abs(fPrev), Math.abs(f)), 1.0);
            if ((fPrev - f) / scale <= options.factr() * EPS) return result(f, pgn, iteration, evaluations, Stop.RELATIVE_REDUCTION);
            updateMemory();
        }
    }

    private Result result(double f, double pgn, int iterations, int evaluations, Stop stop) {
        return new Result(x.clone(), f, pgn, iterations, evaluations, stop);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generalized Cauchy point (Byrd et al. 1995, §4, Algorithm CP). O(n + m·n) to set up, O(log n + m²) per
    // breakpoint passed. Leaves x^c in xc, c = Wᵀ(x^c − x) in c, and marks the variables free at x^c.

    private void cauchyPoint(double[] lo, double[] hi) {
        if (col == 0) {
            cauchyPointScaledIdentity(lo, hi);
            return;
        }
        int nb = 0;
        int unbounded = 0; // variables moving along −g that never meet a bound
        double dd = 0;
        int w = 2 * col;
        // One blocked pass: the breakpoints and d = −g on the moving variables, and p = Wᵀd while each block of d is
        // in cache (reads x, g, l, u, S, Y once; writes x^c, d and the breakpoint list).
        Arrays.fill(p, 0, w, 0.0);
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int b1 = Math.min(n, b0 + BLOCK);
            for (int i = b0; i < b1; i++) {
                double gi = g[i];
                double ti;
                if (gi < 0) ti = hi[i] < Double.POSITIVE_INFINITY ? (x[i] - hi[i]) / gi : Double.POSITIVE_INFINITY;
                else if (gi > 0) ti = lo[i] > Double.NEGATIVE_INFINITY ? (x[i] - lo[i]) / gi : Double.POSITIVE_INFINITY;
                else ti = Double.POSITIVE_INFINITY;
                xc[i] = x[i];
                if (ti <= 0 || gi == 0) {
                    d[i] = 0;
                } else {
                    d[i] = -gi;
                    dd += gi * gi;
                    if (ti < Double.POSITIVE_INFINITY) {
                        heap[nb] = i;
                        key[nb++] = ti;
                    } else {
                        unbounded++;
                    }
                }
            }
            addWTransposeTimes(d, b0, b1, p);
        }
        for (int k = 0; k < col; k++) p[col + k] *= theta;
        Arrays.fill(c, 0, w, 0.0);
        if (dd == 0) {
            markFree(lo, hi);
            return;
        }
        double fp = -dd; // f' = gᵀd
        double fpp = theta * dd - quadM(p, w); // f'' = dᵀBd = θdᵀd − pᵀMp
        double fppOrg = fpp;
        double dtm = -fp / fpp;
        double tOld = 0;

        // Breakpoints in increasing order: from a heap (O(nb) to build, O(log nb) a pop) while few are passed; when
        // many are (more than nb/64), the rest are sorted once (O(r log r)) and walked in order, which is several
        // times cheaper than popping them one by one.
        for (int i = nb / 2 - 1; i >= 0; i--) siftDown(i, nb);
        int remaining = nb;
        int popLimit = Math.max(256, nb >> 6);
        boolean sorted = false;
        int next = 0; // position of the next breakpoint once sorted
        while (remaining > 0) {
            if (!sorted && nb - remaining >= popLimit) {
                sortByKey(0, remaining - 1);
                sorted = true;
                next = 0;
            }
            int pos = sorted ? next : 0;
            int b = heap[pos];
            double tb = key[pos];
            double dt = tb - tOld;
            if (dtm < dt) break; // the minimizer along the path lies before this breakpoint
            remaining--;
            if (sorted) {
                next++;
            } else {
                heap[0] = heap[remaining];
                key[0] = key[remaining];
                siftDown(0, remaining);
            }

            // Move to the breakpoint: variable b reaches its bound and leaves the path (eq. 4.6–4.10).
            double xb = d[b] > 0 ? hi[b] : lo[b];
            double zb = xb - x[b];
            xc[b] = xb;
            double gb = g[b];
            for (int j = 0; j < w; j++) c[j] += dt * p[j];
            for (int k = 0; k < col; k++) {
                int sl = slot(k);
                wb[k] = y[sl][b];
                wb[col + k] = theta * s[sl][b];
            }
            times(mMat, wb, mw, w);
            double wmc = dotSmall(mw, c, w);
            double wmp = dotSmall(mw, p, w);
            double wmw = dotSmall(mw, wb, w);
            fp += dt * fpp + gb * gb + theta * gb * zb - gb * wmc;
            fpp -= theta * gb * gb + 2 * gb * wmp + gb * gb * wmw;
            fpp = Math.max(EPS * fppOrg, fpp); // guard against loss of positivity by cancellation (Zhu et al. 1997)
            for (int j = 0; j < w; j++) p[j] += gb * wb[j];
            d[b] = 0;
            tOld = tb;
            dtm = remaining == 0 && unbounded == 0 ? 0 : -fp / fpp;
        }
        dtm = Math.max(dtm, 0);
        tOld += dtm;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (d[i] != 0) xc[i] = Math.min(Math.max(x[i] + tOld * d[i], lo[i]), hi[i]);
            boolean f = xc[i] > lo[i] && xc[i] < hi[i];
            free[i] = f;
            if (f) count++;
        }
        nFree = count;
        for (int j = 0; j < w; j++) c[j] += dtm * p[j];
    }

    /**
     * Algorithm CP when B = θI (no correction pairs stored: the first iteration, and after a reset). The model is
     * then separable: along the path x(t) = P(x − t·g), m'(t) = (θt − 1)·Σ g<sub>i</sub>² over the variables not yet
     * at a bound, which is negative before t = 1/θ and non-negative after. So the first local minimizer is at
     * t = 1/θ, or at the last breakpoint if every variable meets its bound before, and in both cases
     * x<sup>c</sup> = P(x − g/θ): the breakpoint walk's answer without its sort (which costs O(n log n), 0.25 s
     * for F1's 1.46M variables). c = Wᵀ(x<sup>c</sup> − x) is empty. O(n).
     */
    private void cauchyPointScaledIdentity(double[] lo, double[] hi) {
        double step = 1.0 / theta;
        for (int i = 0; i < n; i++) xc[i] = Math.min(Math.max(x[i] - step * g[i], lo[i]), hi[i]);
        markFree(lo, hi);
    }

    /** Marks the variables strictly inside the box at x^c as free and counts them. O(n). */
    private void markFree(double[] lo, double[] hi) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            boolean f = xc[i] > lo[i] && xc[i] < hi[i];
            free[i] = f;
            if (f) count++;
        }
        nFree = count;
    }

    private void siftDown(int i, int size) {
        int v = heap[i];
        double kv = key[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && key[child + 1] < key[child]) child++;
            if (key[child] >= kv) break;
            heap[i] = heap[child];
            key[i] = key[child];
            i = child;
        }
        heap[i] = v;
        key[i] = kv;
    }

    /**
     * Sorts positions lo..hi of (key, heap) by key: quicksort with median-of-three pivots, insertion sort below 24
     * elements, recursing into the smaller part (O(log n) stack). Deterministic; O(r log r) expected.
     */
    private void sortByKey(int lo, int hi) {
        while (hi - lo > 24) {
            int mid = (lo + hi) >>> 1;
            if (key[mid] < key[lo]) swap(mid, lo);
            if (key[hi] < key[lo]) swap(hi, lo);
            if (key[hi] < key[mid]) swap(hi, mid);
            double pivot = key[mid];
            int i = lo, j = hi;
            while (i <= j) {
                while (key[i] < pivot) i++;
                while (key[j] > pivot) j--;
                if (i <= j) {
                    swap(i, j);
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) {
                sortByKey(lo, j);
                lo = i;
            } else {
                sortByKey(i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            double kv = key[i];
            int v = heap[i];
            int j = i - 1;
            while (j >= lo && key[j] > kv) {
                key[j + 1] = key[j];
                heap[j + 1] = heap[j];
                j--;
            }
            key[j + 1] = kv;
            heap[j + 1] = v;
        }
    }

    private void swap(int i, int j) {
        double tk = key[i];
        key[i] = key[j];
        key[j] = tk;
        int tv = heap[i];
        heap[i] = heap[j];
        heap[j] = tv;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Subspace minimization, direct primal method (Byrd et al. 1995, §5.1). With Z the free columns of I and
    // V = ZᵀW, the reduced model Hessian is B̂ = θI − V M Vᵀ; by Sherman–Morrison–Woodbury
    //   B̂⁻¹ = (1/θ) I + (1/θ²) V K⁻¹ Vᵀ,   K = M⁻¹ − (1/θ) VᵀV   (2col × 2col, solved by LU).
    // The step du = −B̂⁻¹ r̂, r̂ = Zᵀ(g + θ(x^c − x) − W M c), is cut back to stay in the box. O(m·n).

    private void subspaceMinimization(double[] lo, double[] hi) {
        if (col == 0 || nFree == 0) return;
        int w = 2 * col;
        times(mMat, c, mc, w);

        // Pass 1, blocked: r̂ = Z(g + θ(x^c − x) − W·Mc), then q = Wᵀr̂ (= VᵀZᵀr̂, r̂ being zero off the free set) and
        // the rows of VᵀV = WᵀZZᵀW, while each block of r̂ is in cache. Reads g, x^c, x, the free flags, S and Y once.
        boolean overFree = nFree <= n - nFree;
        double[][] vtv = startReducedGram(overFree);
        int[] slots = new int[col];
        for (int k = 0; k < col; k++) slots[k] = slot(k);
        Arrays.fill(q, 0, w, 0.0);
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int b1 = Math.min(n, b0 + BLOCK);
            for (int i = b0; i < b1; i++) r[i] = g[i] + theta * (xc[i] - x[i]);
            addWTimes(-1.0, mc, r, b0, b1);
            for (int i = b0; i < b1; i++) if (!free[i]) r[i] = 0;
            addWTransposeTimes(r, b0, b1, q);
            addGramRows(vtv, overFree, slots, b0, b1);
        }
        for (int k = 0; k < col; k++) q[col + k] *= theta;
        for (int a = 0; a < w; a++) {
            for (int b = 0; b < a; b++) vtv[a][b] = vtv[b][a]; // the rows added only the upper triangle
        }

        double[][] kMat = new double[w][w];
        for (int a = 0; a < w; a++) for (int b = 0; b < w; b++) kMat[a][b] = middle[a][b] - vtv[a][b] / theta;
        double[] v;
        try {
            DecompositionSolver solver = new LUDecomposition(new Array2DRowRealMatrix(kMat, false)).getSolver();
            v = solver.solve(new org.apache.commons.math3.linear.ArrayRealVector(q, 0, w)).toArray();
        } catch (SingularMatrixException e) {
            return; // keep the Cauchy point: it alone guarantees descent
        }

        // Pass 2, blocked: du = −r/θ − (1/θ²) W v on the free variables, in place in r, and the slope from x of the
        // projected point P(x^c + du). Morales & Nocedal, "Remark on Algorithm 778", ACM TOMS 38 (2011) (L-BFGS-B
        // 3.0, as in scipy): keep that projection unless it is an ascent direction from x, in which case take the
        // 1995 step, x^c + α*·du with the largest α* ≤ 1 that stays in the box.
        double it = 1.0 / theta;
        double slope = 0;
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int b1 = Math.min(n, b0 + BLOCK);
            for (int i = b0; i < b1; i++) r[i] *= -it;
            addWTimes(-it * it, v, r, b0, b1);
            for (int i = b0; i < b1; i++) {
                double xi = free[i] ? Math.min(Math.max(xc[i] + r[i], lo[i]), hi[i]) : xc[i];
                slope += (xi - x[i]) * g[i];
            }
        }
        if (slope <= 0) {
            for (int i = 0; i < n; i++) {
                if (free[i]) xc[i] = Math.min(Math.max(xc[i] + r[i], lo[i]), hi[i]);
            }
            return;
        }
        double alpha = 1.0;
        for (int i = 0; i < n; i++) {
            if (!free[i]) continue;
            double du = r[i];
            if (du > 0 && hi[i] < Double.POSITIVE_INFINITY) alpha = Math.min(alpha, (hi[i] - xc[i]) / du);
            else if (du < 0 && lo[i] > Double.NEGATIVE_INFINITY) alpha = Math.min(alpha, (lo[i] - xc[i]) / du);
        }
        alpha = Math.max(alpha, 0);
        for (int i = 0; i < n; i++) {
            if (free[i]) xc[i] = Math.min(Math.max(xc[i] + alpha * r[i], lo[i]), hi[i]);
        }
    }

    /**
     * The start of VᵀV = WᵀZZᵀW, the Gram matrix of W's rows over the free variables, which {@link #addGramRows}
     * completes: zero when summing over the free variables, or WᵀW (from the stored inner products) when
     * subtracting the active variables' rows, whichever set is smaller: O(m²·min(free, active)) in all.
     */
    private double[][] startReducedGram(boolean overFree) {
        int w = 2 * col;
        double[][] out = new double[w][w];
        if (!overFree) {
            double t2 = theta * theta;
            for (int a = 0; a < col; a++) {
                for (int b = 0; b < col; b++) {
                    out[a][b] = yy[a][b];
                    out[a][col + b] = theta * sy[b][a]; // y_aᵀ s_b
                    out[col + a][b] = theta * sy[a][b]; // s_aᵀ y_b
                    out[col + a][col + b] = t2 * ss[a][b];
                }
            }
        }
        return out;
    }

    /** Adds (over the free set) or subtracts (over the active set) the rows of W in [b0, b1) into the upper triangle. */
    private void addGramRows(double[][] out, boolean overFree, int[] slots, int b0, int b1) {
        int w = 2 * col;
        double sign = overFree ? 1 : -1;
        double[] row = wb;
        for (int i = b0; i < b1; i++) {
            if (free[i] != overFree) continue;
            for (int k = 0; k < col; k++) {
                row[k] = y[slots[k]][i];
                row[col + k] = theta * s[slots[k]][i];
            }
            for (int a = 0; a < w; a++) {
                double ra = sign * row[a];
                double[] oa = out[a];
                for (int b = a; b < w; b++) oa[b] += ra * row[b];
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Line search along d from xPrev: Moré–Thuente for the strong Wolfe conditions (at most 20 evaluations),
    // then Armijo backtracking (halving) if it fails. Returns the evaluations used, negated on failure.

    private int search(Function fun, double[] lo, double[] hi, double f0, double gd0, double stp0, double stpmax,
            int budget, double[] fOut) {
        lineSearch.start(f0, gd0, stp0, 0, stpmax);
        int used = 0;
        double stp = lineSearch.step();
        double lastStp = stp;
        while (true) {
            if (used >= budget) return -used;
            double f = evaluateAt(fun, stp, lo, hi);
            used++;
            lastStp = stp;
            if (!Double.isFinite(f) || !allFinite(g)) break;
            double gd = dot(g, d);
            MoreThuente.Status status = lineSearch.next(f, gd);
            if (status == MoreThuente.Status.CONVERGED) {
                fOut[0] = f;
                return used;
            }
            if (status == MoreThuente.Status.WARNING || used >= MAX_LINE_SEARCH_EVALUATIONS) {
                if (lineSearch.sufficientDecrease(stp, f) && f < f0) {
                    fOut[0] = f;
                    return used;
                }
                break;
            }
            stp = lineSearch.step();
        }
        // Backtracking: halve the step until sufficient decrease (Nocedal & Wright 2006, Algorithm 3.1).
        double s = Math.min(lastStp, stp0) / 2;
        for (int k = 0; k < MAX_BACKTRACKS && used < budget && s > 0; k++, s /= 2) {
            double f = evaluateAt(fun, s, lo, hi);
            used++;
            if (Double.isFinite(f) && allFinite(g) && lineSearch.sufficientDecrease(s, f) && f < f0) {
                fOut[0] = f;
                return used;
            }
        }
        return -used;
    }

    /** x = xPrev + stp·d (exactly x̄ at stp = 1), kept in the box; then f and g there. O(n) plus the evaluation. */
    private double evaluateAt(Function fun, double stp, double[] lo, double[] hi) {
        if (stp == 1.0) {
            System.arraycopy(xc, 0, x, 0, n);
        } else {
            for (int i = 0; i < n; i++) x[i] = Math.min(Math.max(xPrev[i] + stp * d[i], lo[i]), hi[i]);
        }
        return fun.valueAndGradient(x, g);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Limited-memory update (Byrd et al. 1995, §3): append s = x − xPrev, y = g − gPrev, dropping the oldest pair
    // when m are stored; update SᵀY, SᵀS, YᵀY by one row and column (4·col dot products, O(m·n)) and refactor M.

    private void updateMemory() {
        double sTy = 0;
        double yTy = 0;
        double descent = 0; // −g_kᵀs > 0
        for (int i = 0; i < n; i++) {
            double si = x[i] - xPrev[i];
            double yi = g[i] - gPrev[i];
            sTy += si * yi;
            yTy += yi * yi;
            descent -= gPrev[i] * si;
        }
        // Curvature test of Algorithm 778: skip the pair unless sᵀy > ε·(−g_kᵀs), keeping B positive definite.
        if (!(sTy > EPS * descent) || !(yTy > 0)) return;

        int slotNew;
        if (col < m) {
            slotNew = (head + col) % m;
            col++;
        } else {
            slotNew = head; // overwrite the oldest
            head = (head + 1) % m;
            for (int a = 0; a < m - 1; a++) {
                for (int b = 0; b < m - 1; b++) {
                    sy[a][b] = sy[a + 1][b + 1];
                    ss[a][b] = ss[a + 1][b + 1];
                    yy[a][b] = yy[a + 1][b + 1];
                }
            }
        }
        if (s[slotNew] == null) {
            s[slotNew] = new double[n];
            y[slotNew] = new double[n];
        }
        double[] sn = s[slotNew];
        double[] yn = y[slotNew];
        for (int i = 0; i < n; i++) {
            sn[i] = x[i] - xPrev[i];
            yn[i] = g[i] - gPrev[i];
        }
        int last = col - 1;
        for (int a = 0; a < last; a++) {
            int sl = slot(a);
            double[] sa = s[sl];
            double[] ya = y[sl];
            double snya = 0, saYn = 0, snsa = 0, ynya = 0;
            for (int i = 0; i < n; i++) {
                snya += sn[i] * ya[i];
                saYn += sa[i] * yn[i];
                snsa += sn[i] * sa[i];
                ynya += yn[i] * ya[i];
            }
            sy[last][a] = snya;
            sy[a][last] = saYn;
            ss[last][a] = snsa;
            ss[a][last] = snsa;
            yy[last][a] = ynya;
            yy[a][last] = ynya;
        }
        sy[last][last] = sTy;
        ss[last][last] = dot(sn, sn);
        yy[last][last] = yTy;
        theta = yTy / sTy;
        if (!formM()) resetMemory();
    }

    /** M⁻¹ = [[−D, Lᵀ], [L, θSᵀS]] with D = diag(sᵢᵀyᵢ), L the strictly lower part of SᵀY; M by LU. O(m³). */
    private boolean formM() {
        int w = 2 * col;
        middle = new double[w][w];
        for (int a = 0; a < col; a++) {
            middle[a][a] = -sy[a][a];
            for (int b = 0; b < col; b++) {
                if (a > b) {
                    middle[col + a][b] = sy[a][b]; // L
                    middle[b][col + a] = sy[a][b]; // Lᵀ
                }
                middle[col + a][col + b] = theta * ss[a][b];
            }
        }
        try {
            mMat = new LUDecomposition(new Array2DRowRealMatrix(middle, true)).getSolver().getInverse().getData();
            return true;
        } catch (SingularMatrixException e) {
            return false;
        }
    }

    private void resetMemory() {
        col = 0;
        head = 0;
        theta = 1;
        middle = new double[0][0];
        mMat = new double[0][0];
    }

    private int slot(int logical) {
        return (head + logical) % m;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** ‖proj ∇f‖∞ with proj g_i = clamp(x_i − g_i, l_i, u_i) − x_i (Zhu et al. 1997). O(n). */
    private double projectedGradientNorm(double[] lo, double[] hi) {
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double pg = Math.min(Math.max(x[i] - g[i], lo[i]), hi[i]) - x[i];
            norm = Math.max(norm, Math.abs(pg));
        }
        return norm;
    }

    private double[] filled(double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) if (!Double.isFinite(v)) return false;
        return true;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }

    /**
     * out += [Y; S]ᵀv over the rows [b0, b1) (the S half not yet scaled by θ): a block's share of Wᵀv, summed while
     * the block of v is in cache, so Wᵀv costs one streaming pass over S and Y (2·col·n multiply-adds) and one over v.
     */
    private void addWTransposeTimes(double[] v, int b0, int b1, double[] out) {
        for (int k = 0; k < col; k++) {
            int sl = slot(k);
            double[] yk = y[sl];
            double[] sk = s[sl];
            double ay = 0;
            double as = 0;
            for (int i = b0; i < b1; i++) {
                double vi = v[i];
                ay += yk[i] * vi;
                as += sk[i] * vi;
            }
            out[k] += ay;
            out[col + k] += as;
        }
    }

    /** target[b0, b1) += α·(W·u) = α·(Y·u_Y + θ·S·u_S) on those rows: one pass over them in S, Y and target. */
    private void addWTimes(double alpha, double[] u, double[] target, int b0, int b1) {
        for (int k = 0; k < col; k++) {
            int sl = slot(k);
            double[] yk = y[sl];
            double[] sk = s[sl];
            double cy = alpha * u[k];
            double cs = alpha * theta * u[col + k];
            for (int i = b0; i < b1; i++) target[i] += cy * yk[i] + cs * sk[i];
        }
    }

    private static double dotSmall(double[] a, double[] b, int len) {
        double sum = 0;
        for (int i = 0; i < len; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void times(double[][] mat, double[] v, double[] out, int len) {
        for (int a = 0; a < len; a++) {
            double sum = 0;
            double[] row = mat[a];
            for (int b = 0; b < len; b++) sum += row[b] * v[b];
            out[a] = sum;
        }
    }

    /** uᵀ M u for the current M, using {@code mw} as scratch. O(m²). */
    private double quadM(double[] u, int len) {
        times(mMat, u, mw, len);
        return dotSmall(u, mw, len);
    }
}
