package org.minima.train;

import java.util.List;

/**
 * A learning-rate policy: the rate as a function of training time t, measured in epochs and evaluated
 * before every step at the fractional epoch t = epoch + (examples seen this epoch)/(training-set size).
 * Measuring in epochs keeps a policy the same when the batch size changes (Smith et al. 2018).
 *
 * <p>Formulas from LRBench (Wu et al., IEEE BigData 2019, Table of policies), with k0 the base rate,
 * k1 the second bound, γ a decay, p a power and l a length in epochs; the others cite their papers.
 * {@code docs/training.md} lists every policy with its parameters.
 */
public sealed interface LrPolicy {
    /** The learning rate at time t ≥ 0 (epochs). */
    double rate(double t);

    /**
     * Called by the trainer after each epoch with that epoch's inference-mode training and test loss (NaN
     * without a test set). Only state-based policies ({@link ReduceOnPlateau}) use it; the others ignore it.
     */
    default void epochEnded(double trainLoss, double testLoss) {}

    /** Forgets what {@link #epochEnded} was told: the trainer calls it before it replays a run's history. */
    default void restart() {}

    /** FIX: k0. */
    record Fixed(double k0) implements LrPolicy {
        public double rate(double t) { return k0; }
    }

    /** STEP: k0 · γ^⌊t/l⌋. */
    record Step(double k0, double gamma, double l) implements LrPolicy {
        public double rate(double t) { return k0 * Math.pow(gamma, Math.floor(t / l)); }
    }

    /** NSTEP: k0 · γ^i, i = the number of milestones ≤ t. */
    record MultiStep(double k0, double gamma, List<Double> milestones) implements LrPolicy {
        public MultiStep { milestones = List.copyOf(milestones); }

        public double rate(double t) {
            int i = 0;
            for (double b : milestones) if (t >= b) i++;
            return k0 * Math.pow(gamma, i);
        }
    }

    /** EXP: k0 · γ^t. */
    record Exponential(double k0, double gamma) implements LrPolicy {
        public double rate(double t) { return k0 * Math.pow(gamma, t); }
    }

    /** INV: k0 · (1 + γt)^(−p). */
    record Inverse(double k0, double gamma, double p) implements LrPolicy {
        public double rate(double t) { return k0 * Math.pow(1 + gamma * t, -p); }
    }

    /** POLY: (k1 − k0)(1 − t/l)^p + k0, from k1 at t = 0 down to k0 at t = l, then k0. */
    record Polynomial(double k1, double k0, double p, double l) implements LrPolicy {
        public double rate(double t) { return t >= l ? k0 : (k1 - k0) * Math.pow(1 - t / l, p) + k0; }
    }

    /** SIG: k0 / (1 + e^(−γ(t − l))). */
    record Sigmoid(double k0, double gamma, double l) implements LrPolicy {
        public double rate(double t) { return k0 / (1 + Math.exp(-gamma * (t - l))); }
    }

    /** How a cyclic policy's amplitude shrinks: not at all, halving every cycle (÷2^⌊t/2l⌋), or ×γ^t. */
    enum Decay { NONE, HALVE, EXP }

    /**
     * TRI, TRI2, TRIEXP (Smith, WACV 2017): (k1 − k0)·(2/π)|asin(sin(πt/2l))|·decay + k0, rising from k0
     * to k1 over l epochs and back over the next l.
     */
    record Triangular(double k0, double k1, double l, Decay decay, double gamma) implements LrPolicy {
        public double rate(double t) {
            double tri = 2 / Math.PI * Math.abs(Math.asin(Math.sin(Math.PI * t / (2 * l))));
            return (k1 - k0) * tri * amplitude(decay, gamma, t, l) + k0;
        }
    }

    /** SIN, SIN2, SINEXP: (k1 − k0)·|sin(πt/2l)|·decay + k0. */
    record Sine(double k0, double k1, double l, Decay decay, double gamma) implements LrPolicy {
        public double rate(double t) {
            return (k1 - k0) * Math.abs(Math.sin(Math.PI * t / (2 * l))) * amplitude(decay, gamma, t, l) + k0;
        }
    }

    private static double amplitude(Decay decay, double gamma, double t, double l) {
        return switch (decay) {
            case NONE -> 1;
            case HALVE -> 1 / Math.pow(2, Math.floor(t / (2 * l)));
            case EXP -> Math.pow(gamma, t);
        };
    }

    /** COS (cosine annealing): (k1 − k0)·½(1 + cos(πt/l)) + k0, from k1 down to k0 at t = l, then k0. */
    record Cosine(double k1, double k0, double l) implements LrPolicy {
        public double rate(double t) { return t >= l ? k0 : (k1 - k0) * 0.5 * (1 + Math.cos(Math.PI * t / l)) + k0; }
    }

    /**
     * Cosine annealing with warm restarts (SGDR, Loshchilov &amp; Hutter, ICLR 2017, eq. 5):
     * k0 + ½(k1 − k0)(1 + cos(π·T_cur/T_i)), the i-th period T_i = T0·mult^i, T_cur the time since the
     * last restart. At each restart the rate jumps back to k1.
     */
    record CosineRestarts(double k1, double k0, double period, double mult) implements LrPolicy {
        public double rate(double t) {
            double ti = period, start = 0;
            while (t >= start + ti) { // at most log(t/T0)/log(mult) rounds, or t/T0 with mult = 1
                start += ti;
                ti *= mult;
            }
            return k0 + 0.5 * (k1 - k0) * (1 + Math.cos(Math.PI * (t - start) / ti));
        }
    }

    /**
     * One-cycle (Smith &amp; Topin 2018, "Super-convergence"; the cosine form of PyTorch's OneCycleLR):
     * from k1/div up to k1 over the first pctStart·l epochs, then down to k1/(div·finalDiv) at t = l,
     * both phases by cosine annealing; after l it stays at the final rate.
     */
    record OneCycle(double k1, double l, double pctStart, double div, double finalDiv) implements LrPolicy {
        public double rate(double t) {
            double initial = k1 / div, fin = initial / finalDiv, up = pctStart * l;
            if (t >= l) return fin;
            if (t < up) return cosineFrom(initial, k1, t / up);
            return cosineFrom(k1, fin, (t - up) / (l - up));
        }

        private static double cosineFrom(double a, double b, double fraction) {
            return b + (a - b) * 0.5 * (1 + Math.cos(Math.PI * fraction));
        }
    }

    /**
     * Linear warm-up in front of any policy (Goyal et al. 2017, §2.2 "gradual warmup"): from {@code from}
     * to inner(0) over w epochs, then inner(t − w).
     */
    record Warmup(double w, double from, LrPolicy inner) implements LrPolicy {
        public double rate(double t) { return t < w ? from + (inner.rate(0) - from) * t / w : inner.rate(t - w); }

        @Override public void epochEnded(double trainLoss, double testLoss) { inner.epochEnded(trainLoss, testLoss); }

        @Override public void restart() { inner.restart(); }
    }

    /**
     * Reduce on plateau (state-based, LRBench++; PyTorch's ReduceLROnPlateau in mode "min", threshold mode
     * "rel"): the rate starts at k0 and is multiplied by γ (not below {@code min}) after an epoch that is the
     * (patience+1)-th in a row whose monitored loss did not fall below best·(1 − threshold); after a cut,
     * {@code cooldown} epochs count as not bad. A cut takes effect from the next epoch. {@code monitorTest}
     * watches the test loss instead of the training loss. The state is the run's: {@link #restart()} and a
     * replay of the history restore it on resume.
     */
    final class ReduceOnPlateau implements LrPolicy {
        private final double k0, gamma, min, threshold;
        private final int patience, cooldown;
        private final boolean monitorTest;
        private double current, best;
        private int bad, cooling;

        public ReduceOnPlateau(double k0, double gamma, int patience, double threshold, int cooldown, double min, boolean monitorTest) {
            this.k0 = k0;
            this.gamma = gamma;
            this.patience = patience;
            this.threshold = threshold;
            this.cooldown = cooldown;
            this.min = min;
            this.monitorTest = monitorTest;
            restart();
        }

        public double rate(double t) { return current; }

        @Override
        public void restart() {
            current = k0;
            best = Double.POSITIVE_INFINITY;
            bad = 0;
            cooling = 0;
        }

        @Override
        public void epochEnded(double trainLoss, double testLoss) {
            double loss = monitorTest ? testLoss : trainLoss;
            if (loss < best * (1 - threshold)) {
                best = loss;
                bad = 0;
            } else {
                bad++;
            }
            if (cooling > 0) {
                cooling--;
                bad = 0;
            }
            if (bad > patience) {
                current = Math.max(current * gamma, min);
                cooling = cooldown;
                bad = 0;
            }
        }

        @Override
        public String toString() {
            return "ReduceOnPlateau[k0=" + k0 + ", gamma=" + gamma + ", patience=" + patience + ", threshold=" + threshold
                    + ", cooldown=" + cooldown + ", min=" + min + ", monitor=" + (monitorTest ? "test" : "train") + "]";
        }
    }

    /**
     * Policies over consecutive ranges of epochs: piece i covers [start_i, until_i) and sees its own
     * time t − start_i, so every piece starts at its own t = 0. The last piece runs to the end.
     */
    record Piecewise(List<Double> untils, List<LrPolicy> pieces) implements LrPolicy {
        public Piecewise {
            untils = List.copyOf(untils);
            pieces = List.copyOf(pieces);
            if (untils.size() != pieces.size() - 1) throw new IllegalArgumentException("need one 'until' per piece but the last");
        }

        public double rate(double t) {
            double start = 0;
            for (int i = 0; i < untils.size(); i++) {
                if (t < untils.get(i)) return pieces.get(i).rate(t - start);
                start = untils.get(i);
            }
            return pieces.get(pieces.size() - 1).rate(t - start);
        }

        /** A state-based piece watches the losses from the start of the run, not of its piece. */
        @Override public void epochEnded(double trainLoss, double testLoss) { pieces.forEach(p -> p.epochEnded(trainLoss, testLoss)); }

        @Override public void restart() { pieces.forEach(LrPolicy::restart); }
    }
}
