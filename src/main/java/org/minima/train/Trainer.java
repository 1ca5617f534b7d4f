package org.minima.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.minima.data.DataSet;
import org.minima.nn.BatchNormMode;
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
    public record Outcome(Checkpoint.State state, String stopReason, double trainSeconds, long examplesSeen) {
        /** The epoch (from 1) whose weights the network holds at the end: the best one with keepBest, else the last. */
        public int modelEpoch(TrainConfig.Stop stop) {
            return stop.keepBest() && state.bestEpoch() > 0 ? state.bestEpoch() : state.epochsDone();
        }
    }

    /** Evaluation chunk: rows per forward pass when measuring a whole data set. */
    static final int EVAL_CHUNK = 1000;

    /**
     * The loss the stopping rule watches: the whole training set after an epoch, in a batch-norm convention.
     * {@code inference} is the epoch's inference-mode evaluation, already computed (reusing it costs nothing).
     */
    public interface StopLoss {
        double of(Network net, DataSet train, Evaluation inference);
    }

    /** {@code stop.loss}: "running" = inference mode (running statistics), the loss of history's trainLoss. */
    public static final String DEFAULT_STOP_LOSS = "running";

    /**
     * The evaluations {@code stop.loss} may name, the analyses' batch-norm conventions (BatchNormMode):
     * "running" reuses the epoch's inference-mode evaluation (free); "batch" normalizes each consecutive batch of
     * {@link BatchNormMode#DEFAULT_BATCH} training examples with its own statistics, as the paper's analyses do
     * (one more forward pass over the training set an epoch, about a third of an epoch's steps).
     */
    public static final java.util.Map<String, StopLoss> STOP_LOSSES = stopLosses();

    private static java.util.Map<String, StopLoss> stopLosses() {
        java.util.Map<String, StopLoss> m = new java.util.LinkedHashMap<>();
        m.put(DEFAULT_STOP_LOSS, (net, train, inference) -> inference.loss());
        BatchNormMode batch = BatchNormMode.batch(BatchNormMode.DEFAULT_BATCH);
        m.put(batch.key(), (net, train, inference) -> net.evaluate(train, EVAL_CHUNK, batch).loss());
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Where {@code saveEpochs} keeps the weights after epoch {@code k} (0: the initialization). */
    public static Path epochDir(Path runDir, int k) {
        return runDir.resolve("epochs").resolve("epoch-" + k);
    }

    /** Where a run with {@code stop.keepBest} keeps its best epoch's weights (for a resume). */
    public static final String BEST_DIR = "best";

    private final TrainConfig cfg;
    private final Network net;
    private final DataSet train;
    private final DataSet test;
    private final Optimizer opt;
    private final BatchSchedule batches;
    private final Path runDir; // null: no checkpoints or history (tests, benchmarks)
    private final Listener listener;
    private final Remedies remedies;
    private final StopLoss stopLoss;
    // keepBest: the best epoch's parameters and running statistics (one copy of each, updated when the loss improves)
    private org.nd4j.linalg.api.ndarray.INDArray bestParameters, bestBuffers;

    public Trainer(TrainConfig cfg, Network net, DataSet train, DataSet test, Path runDir, Listener listener) {
        this(cfg, net, train, test, runDir, listener, STOP_LOSSES.get(cfg.stop().loss()));
    }

    /** With the stop rule's loss given (tests script it). */
    Trainer(TrainConfig cfg, Network net, DataSet train, DataSet test, Path runDir, Listener listener, StopLoss stopLoss) {
        this.stopLoss = stopLoss;
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

    public TrainConfig config() { return cfg; }

    public BatchSchedule batchSchedule() { return batches; }

    public String tensorDtype() { return net.dataType() == DataType.FLOAT ? "F32" : "F64"; }

    /** A fresh start: epoch 0, nothing seen. The caller initializes (or loads) the network. */
    public static Checkpoint.State start() {
        return new Checkpoint.State(0, 0, 0, Double.POSITIVE_INFINITY, 0, List.of(), 0);
    }

    /** Restores network and optimizer from {@code checkpointDir} (and the best epoch's weights), returning where to continue. */
    public Checkpoint.State restore(Path checkpointDir) {
        Checkpoint.State s = Checkpoint.restore(checkpointDir, net, opt);
        Path best = checkpointDir.resolveSibling(BEST_DIR);
        if (cfg.stop().keepBest() && s.bestEpoch() > 0 && java.nio.file.Files.isRegularFile(best.resolve("model.json"))) {
            Network saved = Network.load(org.minima.io.ModelDirectory.read(best), net.dataType());
            bestParameters = saved.parameters().dup();
            bestBuffers = saved.buffers().dup();
        }
        return s;
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
        StopRule rule = new StopRule(cfg.stop(), from.bestLoss(), from.bestEpoch(), from.badEpochs());
        int epoch = from.epochsDone();
        String reason = "max-epochs";
        double trainSeconds = 0;
        long seen = 0;
        Checkpoint.State state = from;
        if (runDir != null && cfg.saveEpochs() && epoch == 0) saveModel(epochDir(runDir, 0));
        if (rule.shouldStop()) return finish(new Outcome(from, "loss-stopped-improving", 0, 0));
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
            // Keskar et al. 2017 §2.2: train "until the loss ceases to improve": patience on the whole training loss
            double watched = stopLoss.of(net, train, tr);
            if (!Double.isFinite(watched)) throw diverged("the stop rule's training loss", watched, epoch, steps, lr0);
            double seconds = (System.nanoTime() - t0) / 1e9;
            History.Row row = new History.Row(epoch + 1, steps, lr0, b, BatchSchedule.noiseScale(lr0, n, b, opt.noiseMomentum()),
                    tr.loss(), tr.accuracy(), te == null ? Double.NaN : te.loss(), te == null ? Double.NaN : te.accuracy(), seconds, watched);
            rows.add(row);
            cfg.lrPolicy().epochEnded(row.trainLoss(), row.testLoss());
            boolean improved = rule.record(epoch + 1, watched);
            if (improved && cfg.stop().keepBest()) keepBest();
            state = new Checkpoint.State(epoch + 1, steps, opt.steps(), rule.best(), rule.badEpochs(), List.copyOf(rows), rule.bestEpoch());
            if (runDir != null) {
                Checkpoint.write(runDir, net, opt, state, tensorDtype());
                History.write(runDir.resolve("history.csv"), rows);
                if (cfg.saveEpochs()) saveModel(epochDir(runDir, epoch + 1));
            }
            listener.epochDone(row);
            if (rule.shouldStop()) {
                reason = "loss-stopped-improving";
                break;
            }
        }
        return finish(new Outcome(state, reason, trainSeconds, seen));
    }

    /** The best epoch's weights, kept in memory and (for a resume) in runDir/best/: one copy per improving epoch. */
    private void keepBest() {
        if (bestParameters == null) {
            bestParameters = net.parameters().dup();
            bestBuffers = net.buffers().dup();
        } else {
            bestParameters.assign(net.parameters());
            bestBuffers.assign(net.buffers());
        }
        if (runDir != null) saveModel(runDir.resolve(BEST_DIR));
    }

    /** With keepBest, puts the best epoch's weights back into the network (a run never ends on a loss spike). */
    private Outcome finish(Outcome out) {
        if (cfg.stop().keepBest() && bestParameters != null && out.modelEpoch(cfg.stop()) != out.state().epochsDone()) {
            net.parameters().assign(bestParameters);
            net.buffers().assign(bestBuffers);
        }
        return out;
    }

    private void saveModel(Path dir) {
        org.minima.io.ModelDirectory.write(dir, net.spec(), net.toTensors(tensorDtype()), tensorDtype());
    }

    private DivergedException diverged(String what, double value, int epoch, long step, double lr) {
        Path kept = runDir == null ? null : Checkpoint.find(runDir); // none when the first epoch diverged
        String where = runDir == null ? "" : kept == null ? "; no epoch completed, so there is no checkpoint"
                : "; the weights after the last good epoch are kept in " + kept;
        return new DivergedException("training diverged: " + what + " became " + value + " in epoch " + (epoch + 1)
                + " at step " + step + " (lr " + lr + ")" + where);
    }
}
