package org.minima.analysis;

/**
 * The line search of Moré & Thuente, "Line search algorithms with guaranteed sufficient decrease",
 * ACM TOMS 20 (1994) 286–307: finds a step {@code stp} along a descent direction satisfying the strong
 * Wolfe conditions
 * <pre>
 *   φ(stp) ≤ φ(0) + ftol·stp·φ'(0)        (sufficient decrease)
 *   |φ'(stp)| ≤ gtol·|φ'(0)|               (curvature)
 * </pre>
 * It is a state machine driven by its caller, who owns the function: {@link #start} gives the first trial step,
 * then each {@link #next} takes φ and φ' at the current trial step and answers whether to stop or where to
 * try next ({@link #step()}). All work is scalar: O(1) per call, no allocation.
 *
 * <p>Safeguarded interval updates follow §2–§4 of the paper (the "modified function" ψ while in stage 1,
 * cubic/quadratic/secant trial steps of §4 with the four cases). The constants are those L-BFGS-B uses
 * (Zhu, Byrd, Lu & Nocedal 1997): ftol 1e-3, gtol 0.9, xtol 0.1.
 */
final class MoreThuente {
    enum Status { SEARCHING, CONVERGED, WARNING }

    private static final double XTRAPL = 1.1;
    private static final double XTRAPU = 4.0;
    private static final double P5 = 0.5;
    private static final double P66 = 0.66;

    private final double ftol;
    private final double gtol;
    private final double xtol;

    private double stpmin;
    private double stpmax;
    private double stp;
    private boolean brackt;
    private int stage;
    private double finit;
    private double ginit;
    private double gtest;
    private double width;
    private double width1;
    // Interval end points: stx is the best step so far, sty the other end.
    private double stx;
    private double fx;
    private double gx;
    private double sty;
    private double fy;
    private double gy;
    private double stmin;
    private double stmax;
    private final double[] iv = new double[6]; // scratch interval [stx, fx, dx, sty, fy, dy] for cstep

    MoreThuente(double ftol, double gtol, double xtol) {
        this.ftol = ftol;
        this.gtol = gtol;
        this.xtol = xtol;
    }

    /**
     * Begins a search from φ(0) = {@code f0}, φ'(0) = {@code g0} &lt; 0, with first trial step {@code stp0} in
     * [{@code stpmin}, {@code stpmax}].
     */
    void start(double f0, double g0, double stp0, double stpmin, double stpmax) {
        if (!(g0 < 0)) throw new IllegalArgumentException("not a descent direction: φ'(0) = " + g0);
        if (!(stpmax >= stpmin && stpmin >= 0)) throw new IllegalArgumentException("bad step bounds " + stpmin + ", " + stpmax);
        this.stpmin = stpmin;
        this.stpmax = stpmax;
        this.stp = Math.min(Math.max(stp0, stpmin), stpmax);
        brackt = false;
        stage = 1;
        finit = f0;
        ginit = g0;
        gtest = ftol * g0;
        width = stpmax - stpmin;
        width1 = width / P5;
        stx = 0;
        fx = f0;
        gx = g0;
        sty = 0;
        fy = f0;
        gy = g0;
        stmin = 0;
        stmax = stp + XTRAPU * stp;
    }

    /** The step at which the caller evaluates φ next (or, after CONVERGED/WARNING, the step to keep). */
    double step() { return stp; }

    /** The sufficient-decrease (Armijo) test at step {@code s} with value {@code f}. */
    boolean sufficientDecrease(double s, double f) {
        return f <= finit + s * gtest;
    }

    /** Takes φ(stp) and φ'(stp) at the current trial step; returns what to do next. */
    Status next(double f, double g) {
        double ftest = finit + stp * gtest;
        if (stage == 1 && f <= ftest && g >= 0) stage = 2;

        // Tests for warnings (the paper's termination cases other than convergence).
        if (brackt && (stp <= stmin || stp >= stmax)) return Status.WARNING; // rounding errors prevent progress
        if (brackt && stmax - stmin <= xtol * stmax) return Status.WARNING; // interval width below xtol
        if (stp == stpmax && f <= ftest && g <= gtest) return Status.WARNING; // step at the upper bound stpmax
        if (stp == stpmin && (f > ftest || g >= gtest)) return Status.WARNING; // step at the lower bound stpmin

        // Strong Wolfe conditions hold.
        if (f <= ftest && Math.abs(g) <= gtol * (-ginit)) return Status.CONVERGED;

        if (stage == 1 && f <= fx && f > ftest) {
            // Stage 1 on the modified function ψ(α) = φ(α) − φ(0) − α·ftol·φ'(0) (§3 of the paper).
            double fm = f - stp * gtest;
            double fxm = fx - stx * gtest;
            double fym = fy - sty * gtest;
            double gm = g - gtest;
            double gxm = gx - gtest;
            double gym = gy - gtest;
            double[] s = fill(iv, stx, fxm, gxm, sty, fym, gym);
            stp = cstep(s, stp, fm, gm, stmin, stmax);
            stx = s[0];
            fx = s[1] + stx * gtest;
            gx = s[2] + gtest;
            sty = s[3];
            fy = s[4] + sty * gtest;
            gy = s[5] + gtest;
        } else {
            double[] s = fill(iv, stx, fx, gx, sty, fy, gy);
            stp = cstep(s, stp, f, g, stmin, stmax);
            stx = s[0];
            fx = s[1];
            gx = s[2];
            sty = s[3];
            fy = s[4];
            gy = s[5];
        }

        // Force a sufficient shrink of the interval of uncertainty (bisection if it did not shrink by 0.66).
        if (brackt) {
            if (Math.abs(sty - stx) >= P66 * width1) stp = stx + P5 * (sty - stx);
            width1 = width;
            width = Math.abs(sty - stx);
        }
        if (brackt) {
            stmin = Math.min(stx, sty);
            stmax = Math.max(stx, sty);
        } else {
            stmin = stp + XTRAPL * (stp - stx);
            stmax = stp + XTRAPU * (stp - stx);
        }
        stp = Math.max(stp, stpmin);
        stp = Math.min(stp, stpmax);
        // If no further progress is possible, fall back to the best step so far.
        if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= xtol * stmax)) stp = stx;
        return Status.SEARCHING;
    }

    /** {@code to} = [a, b, c, d, e, f]: the interval's six values, in and out of {@link #cstep} without allocating. */
    private static double[] fill(double[] to, double a, double b, double c, double d, double e, double f) {
        to[0] = a;
        to[1] = b;
        to[2] = c;
        to[3] = d;
        to[4] = e;
        to[5] = f;
        return to;
    }

    /**
     * One safeguarded step (§4 of the paper): updates the interval {@code s = [stx, fx, dx, sty, fy, dy]} with
     * the trial (stp, fp, dp) and returns the next trial step. The four cases: (1) higher value — the minimizer
     * is bracketed, take the cubic step or the mean of cubic and quadratic; (2) lower value with derivatives of
     * opposite sign — bracketed, cubic or secant step; (3) lower value, same sign, |derivative| decreasing —
     * cubic step if it points the right way, else the secant step, safeguarded; (4) lower value, same sign,
     * |derivative| not decreasing — cubic step within the bracket, or extrapolate to a bound.
     * The bounds {@code lo}, {@code hi} are the current interval [stmin, stmax], not the search's [stpmin, stpmax]:
     * before a bracket is found an extrapolation goes at most to stp + 4(stp − stx) (the paper's δ_max; MINPACK-2's
     * dcsrch passes stmin, stmax to dcstep, as L-BFGS-B 3.0 and scipy do). The caller then clips to [stpmin, stpmax].
     */
    private double cstep(double[] s, double stp, double fp, double dp, double lo, double hi) {
        double stx = s[0], fx = s[1], dx = s[2], sty = s[3], fy = s[4], dy = s[5];
        double sgnd = dp * Math.signum(dx);
        double stpf;
        if (fp > fx) {
            double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
            double sc = max3(Math.abs(theta), Math.abs(dx), Math.abs(dp));
            double gamma = sc * Math.sqrt(Math.max(0, (theta / sc) * (theta / sc) - (dx / sc) * (dp / sc)));
            if (stp < stx) gamma = -gamma;
            double p = (gamma - dx) + theta;
            double q = ((gamma - dx) + gamma) + dp;
            double r = p / q;
            double stpc = stx + r * (stp - stx);
            double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx);
            stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
            brackt = true;
        } else if (sgnd < 0) {
            double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
            double sc = max3(Math.abs(theta), Math.abs(dx), Math.abs(dp));
            double gamma = sc * Math.sqrt(Math.max(0, (theta / sc) * (theta / sc) - (dx / sc) * (dp / sc)));
            if (stp > stx) gamma = -gamma;
            double p = (gamma - dp) + theta;
            double q = ((gamma - dp) + gamma) + dx;
            double r = p / q;
            double stpc = stp + r * (stx - stp);
            double stpq = stp + (dp / (dp - dx)) * (stx - stp);
            stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
            brackt = true;
        } else if (Math.abs(dp) < Math.abs(dx)) {
            double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
            double sc = max3(Math.abs(theta), Math.abs(dx), Math.abs(dp));
            // The cubic may have no minimizer here (gamma = 0); then the step goes to a bound.
            double gamma = sc * Math.sqrt(Math.max(0, (theta / sc) * (theta / sc) - (dx / sc) * (dp / sc)));
            if (stp > stx) gamma = -gamma;
            double p = (gamma - dp) + theta;
            double q = (gamma + (dx - dp)) + gamma;
            double r = p / q;
            double stpc;
            if (r < 0 && gamma != 0) stpc = stp + r * (stx - stp);
            else if (stp > stx) stpc = hi;
            else stpc = lo;
            double stpq = stp + (dp / (dp - dx)) * (stx - stp);
            if (brackt) {
                stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
                if (stp > stx) stpf = Math.min(stp + P66 * (sty - stp), stpf);
                else stpf = Math.max(stp + P66 * (sty - stp), stpf);
            } else {
                stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
                stpf = Math.min(hi, stpf);
                stpf = Math.max(lo, stpf);
            }
        } else {
            if (brackt) {
                double theta = 3 * (fp - fy) / (sty - stp) + dy + dp;
                double sc = max3(Math.abs(theta), Math.abs(dy), Math.abs(dp));
                double gamma = sc * Math.sqrt(Math.max(0, (theta / sc) * (theta / sc) - (dy / sc) * (dp / sc)));
                if (stp > sty) gamma = -gamma;
                double p = (gamma - dp) + theta;
                double q = ((gamma - dp) + gamma) + dy;
                double r = p / q;
                stpf = stp + r * (sty - stp);
            } else if (stp > stx) {
                stpf = hi;
            } else {
                stpf = lo;
            }
        }
        // Update the interval that contains a step satisfying the conditions.
        if (fp > fx) {
            sty = stp;
            fy = fp;
            dy = dp;
        } else {
            if (sgnd < 0) {
                sty = stx;
                fy = fx;
                dy = dx;
            }
            stx = stp;
            fx = fp;
            dx = dp;
        }
        fill(s, stx, fx, dx, sty, fy, dy);
        return stpf;
    }

    private static double max3(double a, double b, double c) {
        return Math.max(a, Math.max(b, c));
    }
}
