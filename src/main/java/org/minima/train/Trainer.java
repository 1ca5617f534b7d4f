package org.minima.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.minima.data.DataSet;
import org.minima.nn.BatchResult;
import org.minima.nn.Evaluation;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The training loop: seeded shuffling, mini-batch steps with the learning rate of the policy (times the
 * batch schedule's scale), an inference-mode evaluation of the training and test sets after each epoch,
 * Keskar et al.'s stopping rule, history and a checkpoint every epoch. It knows nothing about the command
 * line; {@link TrainRun} wires it to files.
 *
 * <p>Determinism: the network is initialized from the seed, epoch e's order is a Fisher–Yates shuffle
 * drawn from SplittableRandom(mix(seed, e)) and step s's dropout masks from mix(seed, s). With the same
 * thread count every float operation then happens in the same order, so the same seed gives the same
 * bits, and a resumed run (which restores weights, statistics and optimizer state exactly) continues
 * along the same path.
 */
public final class Trainer {
    /** Receives progress; all methods are called on the training thread. */
    public interface Listener {
        default void epochStarted(int epoch, int epochs, int examples, int batch) {}

        default void batchDone(int examples, double loss) {}

        default void epochDone(History.Row row) {}

        Listener NONE = new Listener() {};
    }

    /** Thrown when a loss becomes NaN or infinite: the run stops, the last good checkpoint is kept. */
    public static final class DivergedException extends RuntimeException {
        DivergedException(String message) {
            super(message);
        }
    }

    /** How a run ended. */
    public record Outcome(Checkpoint.State state, String stopReason, double trainSeconds, long examplesSeen) {}

    /** Evaluation chunk: rows per forward pass when measuring a whole data set. */
    static final int EVAL_CHUNK = 1000;

    private final TrainConfig cfg;
    private final Network net;
    private final DataSet train;
    private final DataSet test;
    private final Optimizer opt;
    private final BatchSchedule batches;
    private final Path runDir; // null: no checkpoints or history (tests, benchmarks)
    private final Listener listener;
    private final Remedies remedies;

    public Trainer(TrainConfig cfg, Network net, DataSet train, DataSet test, Path runDir, Listener listener) {
        this.cfg = cfg;
        this.net = net;
        this.train = train;
        this.test = test;
        this.runDir = runDir;
        this.listener = listener == null ? Listener.NONE : listener;
        this.opt = cfg.optimizer().create(net.parameterCount(), net.dataType());
        this.batches = cfg.batch().resolve(train.size(), "batch");
        this.remedies = new Remedies(cfg.augment(), cfg.adversarial(), net, train);
    }

    public Optimizer optimizer() { return opt; }

    public BatchSchedule batchSchedule() { return batches; }

    public String tensorDtype() { return net.dataType() == DataType.FLOAT ? "F32" : "F64"; }

    /** A fresh start: epoch 0, nothing seen. The caller initializes (or loads) the network. */
    public static Checkpoint.State start() {
        return new Checkpoint.State(0, 0, 0, Double.POSITIVE_INFINITY, 0, List.of());
    }

    /** Restores network and optimizer from {@code checkpointDir}, returning where to continue. */
    public Checkpoint.State restore(Path checkpointDir) {
        return Checkpoint.restore(checkpointDir, net, opt);
    }

    /** SplitMix64's finalizer (Steele, Lea &amp; Flood 2014): decorrelates the seeds of epochs and steps. */
    static long mix(long seed, long k, long salt) {
        long z = seed + (k + 1) * 0x9E3779B97F4A7C15L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Epoch e's order: a Fisher–Yates shuffle of 0..n−1 drawn from SplittableRandom(mix(seed, e)). */
    static void shuffle(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, 0x5A17L));
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** The learning rate before a step at fractional epoch t within epoch e. */
    double rate(int epoch, double t) {
        return cfg.lrPolicy().rate(t) * batches.lrScale(epoch);
    }

    /** Runs epochs from {@code from} until the stopping rule or the last epoch. */
    public Outcome run(Checkpoint.State from) {
        int n = train.size();
        int[] order = new int[n];
        List<History.Row> rows = new ArrayList<>(from.rows());
        long steps = from.steps();
        double best = from.bestLoss();
        int bad = from.badEpochs();
        int epoch = from.epochsDone();
        String reason = "max-epochs";
        double trainSeconds = 0;
        long seen = 0;
        Checkpoint.State state = from;
        if (cfg.stop().patience() > 0 && bad >= cfg.stop().patience()) return new Outcome(from, "loss-stopped-improving", 0, 0);
        // A state-based policy (reduce-on-plateau) is rebuilt from the losses of the epochs already done.
        cfg.lrPolicy().restart();
        for (History.Row r : rows) cfg.lrPolicy().epochEnded(r.trainLoss(), r.testLoss());
        for (; epoch < cfg.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int b = batches.size(epoch);
            double lr0 = rate(epoch, epoch);
            listener.epochStarted(epoch + 1, cfg.epochs(), n, b);
            shuffle(order, cfg.seed(), epoch);
            for (int lo = 0; lo < n; lo += b) {
                int hi = Math.min(n, lo + b);
                double lr = rate(epoch, epoch + (double) lo / n);
                // The batch and the update, with the remedies of the config (Remedies: the plain step without them).
                BatchResult r = remedies.step(net, opt, train, order, lo, hi, cfg.seed(), steps, lr);
                if (!Double.isFinite(r.loss())) throw diverged("the training loss of a batch", r.loss(), epoch, steps, lr);
                steps++;
                listener.batchDone(hi - lo, r.loss());
            }
            double stepSeconds = (System.nanoTime() - t0) / 1e9;
            trainSeconds += stepSeconds;
            seen += n;
            Evaluation tr = net.evaluate(train, EVAL_CHUNK);
            if (!Double.isFinite(tr.loss())) throw diverged("the training loss", tr.loss(), epoch, steps, lr0);
            Evaluation te = test == null ? null : net.evaluate(test, EVAL_CHUNK);
            double seconds = (System.nanoTime() - t0) / 1e9;
            History.Row row = new History.Row(epoch + 1, steps, lr0, b, BatchSchedule.noiseScale(lr0, n, b, opt.noiseMomentum()),
                    tr.loss(), tr.accuracy(), te == null ? Double.NaN : te.loss(), te == null ? Double.NaN : te.accuracy(), seconds);
            rows.add(row);
            cfg.lrPolicy().epochEnded(row.trainLoss(), row.testLoss());
            // Keskar et al. 2017 §2.2: train "until the loss ceases to improve": patience on the training loss
            if (tr.loss() < best - cfg.stop().minDelta()) {
                best = tr.loss();
                bad = 0;
            } else {
                bad++;
            }
            state = new Checkpoint.State(epoch + 1, steps, opt.steps(), best, bad, List.copyOf(rows));
            if (runDir != null) {
                Checkpoint.write(runDir, net, opt, state, tensorDtype());
                History.write(runDir.resolve("history.csv"), rows);
            }
            listener.epochDone(row);
            if (cfg.stop().patience() > 0 && bad >= cfg.stop().patience()) {
                reason = "loss-stopped-improving";
                break;
            }
        }
        return new Outcome(state, reason, trainSeconds, seen);
    }

    private DivergedException diverged(String what, double value, int epoch, long step, double lr) {
        Path kept = runDir == null ? null : Checkpoint.find(runDir); // none when the first epoch diverged
        String where = runDir == null ? "" : kept == null ? "; no epoch completed, so there is no checkpoint"
                : "; the weights after the last good epoch are kept in " + kept;
        return new DivergedException("training diverged: " + what + " became " + value + " in epoch " + (epoch + 1)
                + " at step " + step + " (lr " + lr + ")" + where);
    }
}
