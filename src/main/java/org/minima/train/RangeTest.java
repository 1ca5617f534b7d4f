package org.minima.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.Json;
import org.minima.nn.BatchResult;
import org.minima.nn.Network;

/**
 * The learning-rate range test (exploration-based, LRBench++; Smith, WACV 2017, §3.3 "How can one estimate
 * reasonable minimum and maximum boundary values?"; fastai's lr_find): a short run from the config's starting
 * point whose rate grows exponentially from {@code minLr} to {@code maxLr} over {@code steps} mini-batches,
 * recording each batch's training loss. It stops early when the smoothed loss exceeds {@code divergeFactor}
 * times its best. The suggested rate is where the smoothed loss falls fastest against log(rate), looked for
 * before the loss minimum (fastai's "steep" suggestion); the rate at the minimum ÷ 10 is reported beside it.
 * Cost: {@code steps} training steps of the config's first-epoch batch size; nothing is saved.
 */
public final class RangeTest {
    /** The sweep. Each default stands here and nowhere else. */
    public record Options(
            double minLr,          // first rate; default 1e-6
            double maxLr,          // last rate; default 10
            int steps,             // mini-batches (one rate each); default 100
            double smoothing,      // β of the bias-corrected moving average of the loss; default 0.9 (a window of ~10 of 100 steps)
            double divergeFactor) { // stop when the smoothed loss exceeds this × its best; default 4
        public Options {
            if (!(minLr > 0 && maxLr > minLr)) throw new IllegalArgumentException("need 0 < minLr < maxLr, got " + minLr + ", " + maxLr);
            if (steps < 3) throw new IllegalArgumentException("steps must be >= 3, got " + steps);
            if (!(smoothing >= 0 && smoothing < 1)) throw new IllegalArgumentException("smoothing must be in [0, 1), got " + smoothing);
            if (!(divergeFactor > 1)) throw new IllegalArgumentException("divergeFactor must be > 1, got " + divergeFactor);
        }

        public static Options defaults() { return new Options(1e-6, 10, 100, 0.9, 4); }

        public Options withRange(double min, double max) { return new Options(min, max, steps, smoothing, divergeFactor); }

        public Options withSteps(int s) { return new Options(minLr, maxLr, s, smoothing, divergeFactor); }

        /** The rate of step i of the sweep: minLr·(maxLr/minLr)^(i/(steps−1)). */
        public double rate(int i) { return minLr * Math.pow(maxLr / minLr, (double) i / (steps - 1)); }
    }

    /** The curve (up to where it stopped) and the suggestions. */
    public record Result(double[] rates, double[] losses, double[] smoothed, double suggested, double minimumOverTen, String stop) {
        public ObjectNode toJson(double seconds) {
            ObjectNode o = Json.object();
            o.put("suggestedLr", suggested);
            o.put("minimumLossLrOver10", minimumOverTen);
            o.put("steps", rates.length);
            o.put("stop", stop);
            o.put("seconds", seconds);
            ArrayNode curve = o.putArray("curve");
            for (int i = 0; i < rates.length; i++) curve.addObject().put("lr", rates[i]).put("loss", losses[i]).put("smoothedLoss", smoothed[i]);
            return o;
        }

        /** rate,loss,smoothedLoss lines with a header. */
        public String csv() {
            StringBuilder sb = new StringBuilder("lr,loss,smoothedLoss\n");
            for (int i = 0; i < rates.length; i++) sb.append(rates[i]).append(',').append(losses[i]).append(',').append(smoothed[i]).append('\n');
            return sb.toString();
        }
    }

    private RangeTest() {}

    /** Builds the config's network (initialized from its seed, or its {@code init}) and data, and sweeps. */
    public static Result run(TrainConfig cfg, Options o) {
        DataSet train = DataSets.load(cfg.trainData(), cfg.trainExamples());
        Network net = Network.create(TrainRun.modelSpec(cfg.model(), "model"), TrainRun.dataType(cfg.dtype()));
        TrainRun.initialize(cfg, net);
        return run(cfg, net, train, o);
    }

    /** Sweeps from the network's current weights (which it changes). */
    public static Result run(TrainConfig cfg, Network net, DataSet train, Options o) {
        int n = train.size();
        int b = cfg.batch().resolve(n, "batch").size(0);
        Optimizer opt = cfg.optimizer().create(net.parameterCount(), net.dataType());
        int[] order = new int[n];
        double[] rates = new double[o.steps()], losses = new double[o.steps()];
        int pass = 0, lo = n, done = 0;
        String stop = "maxLr reached";
        double avg = 0, best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < o.steps(); i++) {
            if (lo >= n) { // a new pass over the data in a new order, as the trainer's epochs
                Trainer.shuffle(order, cfg.seed(), pass++);
                lo = 0;
            }
            int hi = Math.min(n, lo + b);
            double lr = o.rate(i);
            BatchResult r = net.trainStep(train, order, lo, hi, Trainer.mix(cfg.seed(), i, 0xD50L), null);
            lo = hi;
            rates[i] = lr;
            losses[i] = r.loss();
            done = i + 1;
            if (!Double.isFinite(r.loss())) {
                stop = "loss became " + r.loss();
                break;
            }
            opt.step(net.parameters(), net.gradient(), lr);
            avg = o.smoothing() * avg + (1 - o.smoothing()) * r.loss();
            double smooth = avg / (1 - Math.pow(o.smoothing(), i + 1));
            best = Math.min(best, smooth);
            if (smooth > o.divergeFactor() * best) {
                stop = "smoothed loss above " + o.divergeFactor() + " × its best";
                break;
            }
        }
        return analyse(java.util.Arrays.copyOf(rates, done), java.util.Arrays.copyOf(losses, done), o.smoothing(), stop);
    }

    /**
     * The suggestions from a recorded curve: the loss smoothed (bias-corrected EMA with β = {@code smoothing}),
     * then the rate of the steepest fall of the smoothed loss against log(rate) (central differences, one-sided
     * at the ends) among the points before its minimum, skipping the first tenth of the sweep, where the
     * average has seen too few batches (fastai skips 10 of 100), and the rate at the minimum ÷ 10. Non-finite
     * losses (a divergence) end the curve.
     */
    public static Result analyse(double[] rates, double[] losses, double smoothing, String stop) {
        int m = 0;
        while (m < losses.length && Double.isFinite(losses[m])) m++;
        double[] smoothed = new double[losses.length];
        double avg = 0;
        for (int i = 0; i < losses.length; i++) {
            avg = smoothing * avg + (1 - smoothing) * losses[i];
            smoothed[i] = i < m ? avg / (1 - Math.pow(smoothing, i + 1)) : Double.NaN;
        }
        if (m < 2) return new Result(rates, losses, smoothed, Double.NaN, Double.NaN, stop + "; too few finite losses to suggest a rate");
        int argmin = 0;
        for (int i = 1; i < m; i++) if (smoothed[i] < smoothed[argmin]) argmin = i;
        double slopeMin = Double.POSITIVE_INFINITY;
        int skip = Math.min(rates.length / 10, argmin);
        int steepest = skip;
        for (int i = skip; i <= Math.max(argmin, 1) && i < m; i++) {
            int a = Math.max(i - 1, 0), c = Math.min(i + 1, m - 1);
            double slope = (smoothed[c] - smoothed[a]) / (Math.log(rates[c]) - Math.log(rates[a]));
            if (slope < slopeMin) {
                slopeMin = slope;
                steepest = i;
            }
        }
        return new Result(rates, losses, smoothed, rates[steepest], rates[argmin] / 10, stop);
    }
}
