package org.minima.train;

/**
 * Keskar et al.'s "until the loss ceased to improve" (2017, §2.2), as a rule on one number per epoch: an epoch
 * improves when its loss is below (best − minDelta); the run stops after {@code patience} epochs in a row without
 * improvement. It keeps the best epoch (lowest loss among the improving ones), whose weights the trainer restores
 * at the end when {@link TrainConfig.Stop#keepBest()} is set. Pure bookkeeping (no network), so it is tested on
 * scripted loss sequences.
 */
public final class StopRule {
    private final TrainConfig.Stop stop;
    private double best;
    private int bestEpoch;
    private int bad;

    /** Continues from a checkpoint's memory (a fresh run: best = +∞, bestEpoch = 0, bad = 0). */
    public StopRule(TrainConfig.Stop stop, double best, int bestEpoch, int bad) {
        this.stop = stop;
        this.best = best;
        this.bestEpoch = bestEpoch;
        this.bad = bad;
    }

    /** Records epoch {@code epoch} (from 1) with loss {@code loss}; returns true when it is the new best. */
    public boolean record(int epoch, double loss) {
        if (loss < best - stop.minDelta()) {
            best = loss;
            bestEpoch = epoch;
            bad = 0;
            return true;
        }
        bad++;
        return false;
    }

    /** True when the rule is active and {@code patience} epochs in a row have not improved. */
    public boolean shouldStop() {
        return stop.active() && bad >= stop.patience();
    }

    public double best() { return best; }

    /** The epoch (from 1) of the best loss; 0 before any epoch. */
    public int bestEpoch() { return bestEpoch; }

    public int badEpochs() { return bad; }
}
