package org.minima.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.minima.data.DataSet;
import org.minima.nn.BatchNormMode;
import org.minima.nn.Memory;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mean loss of a {@link Network} over a fixed data set, as a function of the flat parameter vector:
 * f(w) = (1/N) Σₙ ℓₙ(w), with batch norm in one of the analyses' two conventions ({@link BatchNormMode}): running
 * statistics (inference mode), evaluated {@code chunk} examples at a time, so memory is bounded by the chunk, not
 * the data; or batch statistics, evaluated one batch of {@code bn.batch()} examples a pass (the chunk plays no part:
 * a pass must see its whole batch, so memory is bounded by the batch). Each pass adds its summed loss (so it weighs
 * by its size) and (1/N)·its gradient or Hessian-vector product into the working copy's accumulators.
 *
 * <p>Owns its working memory ({@link Objective}): the constructor takes a {@link Network#copy} of the network
 * (parameters and running statistics as they are then), and every trial point, gradient and direction is written
 * into that copy, never into the network given nor into a caller's {@code w} or {@code v}. Later changes to the
 * given network are not seen. Cost: four vectors of P values and the statistics, once.
 *
 * <p>Data-parallel over {@link Threads#current()} threads: with running statistics each chunk is cut into as many
 * contiguous parts, and thread t evaluates part t of every chunk on its own {@link Network#replica}; with batch
 * statistics a batch cannot be cut (its statistics couple its examples), so thread t evaluates whole batches t,
 * t + threads, ... (memory: a batch's activations per thread) (same weights, its own activations
 * and gradient), with OpenBLAS on one thread so each GEMM runs where it is called. The element-wise work of the
 * layers then runs on every core too, and single-threaded GEMMs waste no time synchronizing: an F1 gradient over
 * 10,000 examples takes about 0.9 s on 2 cores against 1.05 s with OpenBLAS's 2 threads (docs/benchmarks.md).
 * The parts' sums are added in a fixed order (thread 0's, then 1's, ...), so results are the same bit for bit for
 * the same thread count; another count changes the last bits, as it does for a GEMM. Memory: the replicas'
 * gradient vectors (P values each) and activation buffers for chunk/threads examples each, so the activations
 * take about what one thread's chunk would.
 *
 * <p>{@code w} is copied into the working copy's parameters on each call unless it is that very array
 * ({@link #inPlacePoint}), and the gradient out of the copy's unless {@code gradOut} is {@link #inPlaceGradient}
 * (cost: one pass over P values each, small against a pass over the data). Not thread-safe.
 */
public final class NetworkObjective implements Objective {
    /** The working copy: its parameters, gradient and direction are this objective's scratch. */
    private final Network net;
    private final DataSet data;
    private final int chunk;
    private final BatchNormMode bn;
    private long evaluations, gradients, hvps;
    /** workers[0] is net itself, the others its replicas; made when a call first runs on more than one thread. */
    private Network[] workers = new Network[0];
    /**
     * Daemon threads shared by all objectives (so none leaks threads): a caller runs its part 0 itself and waits only
     * for the tasks it submitted, which never wait on anything, so objectives used from several threads just queue.
     */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "minima-objective");
        t.setDaemon(true);
        return t;
    });

    /** f over {@code data} at {@code net}'s architecture and running statistics; {@code net} is copied, never written. */
    public NetworkObjective(Network net, DataSet data, int chunk) {
        this(net, data, chunk, BatchNormMode.RUNNING);
    }

    /** f over {@code data} with batch norm in convention {@code bn}; {@code net} is copied, never written. */
    public NetworkObjective(Network net, DataSet data, int chunk, BatchNormMode bn) {
        if (chunk <= 0) throw new IllegalArgumentException("chunk must be > 0, got " + chunk);
        if (data.size() == 0) throw new IllegalArgumentException(data.spec() + ": no examples");
        requireMemory(net, data, chunk);
        this.net = net.copy();
        this.data = data;
        this.chunk = chunk;
        this.bn = bn;
    }

    /** The batch-norm convention f is evaluated in. */
    public BatchNormMode batchNorm() { return bn; }

    /**
     * The estimate before anything is allocated: the working copy (3 vectors of P), a gradient per further thread,
     * and one chunk's activations split over the threads (their sum is one chunk's). Over the free off-heap memory
     * it is bad input (exit 2) with the estimate; the R-pass (Hessian products) is checked when first needed.
     */
    private static void requireMemory(Network net, DataSet data, int chunk) {
        int rows = Math.min(chunk, data.size());
        int threads = Math.max(1, Math.min(Threads.current(), rows));
        long p = net.parameterCount(), width = net.dataType().width();
        long bytes = Memory.plus(Network.activationBytes(net.architecture(), net.dataType(), rows, false),
                Memory.times(Memory.times(width, p), 3L + threads - 1));
        Memory.require(bytes, "a chunk of " + rows + " examples (--chunk " + chunk + ") through a model of " + p
                + " parameters on " + threads + " thread" + (threads == 1 ? "" : "s"), "use a smaller --chunk");
    }

    public DataSet data() { return data; }

    @Override
    public long dimension() {
        return net.parameterCount();
    }

    /** What one worker does with its part [from, to) of a chunk, on its network; returns the part's summed loss. */
    private interface Part {
        double run(Network worker, int from, int to);
    }

    @Override
    public double value(INDArray w) {
        use(w);
        evaluations++;
        return overData((worker, from, to) -> worker.lossChunk(data, from, to, bn.statistics()).lossSum(), false) / data.size();
    }

    @Override
    public double valueAndGradient(INDArray w, INDArray gradOut) {
        use(w);
        evaluations++;
        gradients++;
        double scale = 1.0 / data.size();
        double sum = overData((worker, from, to) -> worker.accumulateGradient(data, from, to, scale, bn.statistics()).lossSum(), true);
        if (gradOut != net.gradient()) gradOut.assign(net.gradient().reshape(gradOut.shape()));
        return sum / data.size();
    }

    @Override
    public void hessianVector(INDArray w, INDArray v, INDArray out) {
        use(w);
        hvps++;
        net.direction().assign(v.reshape(net.direction().shape()));
        double scale = 1.0 / data.size();
        overData((worker, from, to) -> {
            worker.accumulateHessianVector(data, from, to, scale, bn.statistics());
            return 0.0;
        }, true);
        out.assign(net.gradient().reshape(out.shape()));
    }

    /**
     * Runs {@code part} over every chunk, split over the threads; with {@code accumulate}, zeroes the workers'
     * gradients first and adds them into net's after. Returns the sum of the parts' losses, chunk by chunk in order.
     */
    private double overData(Part part, boolean accumulate) {
        int step = step();
        int chunks = (data.size() + step - 1) / step;
        int threads = Math.max(1, Math.min(Threads.current(), bn.batchStatistics() ? chunks : Math.min(chunk, data.size())));
        double[][] sums = new double[threads][chunks];
        Network[] nets = threads == 1 ? new Network[] {net} : workers(threads);
        if (threads == 1) {
            runParts(part, accumulate, net, 0, 1, sums[0]); // OpenBLAS keeps its own threads
        } else {
            Threads.withSingleThreadedBlas(() -> {
                List<Future<?>> others = new ArrayList<>();
                for (int t = 1; t < threads; t++) {
                    int id = t;
                    others.add(POOL.submit(() -> runParts(part, accumulate, nets[id], id, threads, sums[id])));
                }
                runParts(part, accumulate, nets[0], 0, threads, sums[0]);
                for (Future<?> f : others) join(f);
            });
        }
        if (accumulate) {
            INDArray g = net.gradient();
            for (int t = 1; t < threads; t++) g.addi(nets[t].gradient()); // P additions a replica, in thread order
        }
        double sum = 0;
        for (int c = 0; c < chunks; c++) for (int t = 0; t < threads; t++) sum += sums[t][c];
        return sum;
    }

    /** Examples a pass: the chunk, or in batch mode one batch. */
    private int step() {
        return bn.batchStatistics() ? bn.batch() : chunk;
    }

    /**
     * Worker {@code id} of {@code threads}: part id of every chunk (in batch mode: every batch c with c mod threads =
     * id, whole), its losses into {@code sums} by chunk.
     */
    private void runParts(Part part, boolean accumulate, Network worker, int id, int threads, double[] sums) {
        if (accumulate) worker.zeroGradient();
        int step = step();
        for (int from = 0, c = 0; from < data.size(); from += step, c++) {
            int n = Math.min(data.size(), from + step) - from;
            if (bn.batchStatistics()) {
                if (c % threads == id) sums[c] = part.run(worker, from, from + n);
                continue;
            }
            int a = from + (int) ((long) n * id / threads), b = from + (int) ((long) n * (id + 1) / threads);
            if (b > a) sums[c] = part.run(worker, a, b);
        }
    }

    private Network[] workers(int threads) {
        if (workers.length < threads) {
            Network[] more = new Network[threads];
            more[0] = net;
            for (int t = 1; t < threads; t++) more[t] = t < workers.length ? workers[t] : net.replica();
            workers = more;
        }
        return workers;
    }

    private static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a worker", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    /** Calls of {@link #value} and {@link #valueAndGradient} so far. */
    public long evaluations() { return evaluations; }

    /** Calls of {@link #valueAndGradient} so far. */
    public long gradients() { return gradients; }

    /** Hessian-vector products so far. */
    public long hvps() { return hvps; }

    /** The working copy's parameter vector: passed as {@code w}, it is used without a copy. */
    @Override
    public INDArray inPlacePoint() {
        return net.parameters();
    }

    /** The working copy's gradient vector: passed as {@code gradOut}, the gradient is not copied. */
    @Override
    public INDArray inPlaceGradient() {
        return net.gradient();
    }

    private void use(INDArray w) {
        // Any shape with P values is accepted ([P] or [1, P]); reshape of a contiguous vector is a view.
        if (w.length() != net.parameterCount()) {
            throw new IllegalArgumentException("w has " + w.length() + " values, the network " + net.parameterCount());
        }
        if (w != net.parameters()) net.parameters().assign(w.reshape(net.parameters().shape()));
    }
}
