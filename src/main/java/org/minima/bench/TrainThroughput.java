package org.minima.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.minima.data.DataSet;
import org.minima.nn.Network;
import org.minima.nn.Presets;
import org.minima.nn.Profile;
import org.minima.nn.Threads;
import org.minima.train.TrainConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Training throughput (examples/s), float32, Adam 1e-3, training mode, ours against PyTorch (the tool a researcher
 * would otherwise use) measured alternately in the same run, and for F1 also Deeplearning4j 1.0.0-M2.1's
 * MultiLayerNetwork with the same layers in the same process. Two entries:
 * <ul>
 *   <li>{@code train}: Keskar's F1 (784 → 5 × [dense 512, BN, ReLU] → dense 10) on Fashion-MNIST, B = 256 and 6000;</li>
 *   <li>{@code c1}: Keskar's C1 (two [conv 64 5×5, BN, ReLU, max-pool 3/2], dense 384 and 192 with BN, ReLU,
 *       dropout) on 10,000 CIFAR-shaped examples generated in memory (uniform random pixels; no CIFAR needed), B = 256
 *       and 5000 (10% of CIFAR-10's training set, Keskar's LB).</li>
 * </ul>
 *
 * <p>Ours: {@link Network#trainStep} (gathering the shuffled rows and scaling pixels included) and one
 * {@link org.minima.train.Adam} step. PyTorch: {@code src/bench/python/train_torch.py} under /usr/bin/python3 when it
 * has torch (Debian's python3-torch), one process a round (as many warm-up steps as ours took, at least
 * {@link #WARM_SECONDS} s of them, then the same number of timed steps), so each
 * round of ours is followed by one of the peer and both see the same machine state; the ratio is of the medians.
 * DL4J: {@code fit(DataSet)} on a batch prepared beforehand (its gathering is not timed: a slight advantage to DL4J).
 * Also the sgemm rate of this machine, so the achieved FLOP rate can be read as a fraction of peak ({@link GemmBenchmark}).
 */
public final class TrainThroughput implements Benchmark {
    /** One batch size: examples/s of each (NaN when a peer did not run), ratios, and GFLOP/s. */
    public record Figures(int batch, double oursPerSecond, double torchPerSecond, double dl4jPerSecond, double oursGflops, double sgemmGflops) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("batch", batch);
            m.put("oursExamplesPerSecond", oursPerSecond);
            m.put("torchExamplesPerSecond", torchPerSecond);
            m.put("ratioToTorch", oursPerSecond / torchPerSecond);
            m.put("dl4jExamplesPerSecond", dl4jPerSecond);
            m.put("ratioToDl4j", oursPerSecond / dl4jPerSecond);
            m.put("oursGflops", oursGflops);
            m.put("sgemmGflops", sgemmGflops);
            m.put("fractionOfSgemmPeak", oursGflops / sgemmGflops);
            return m;
        }
    }

    /** Multiply-adds ×2 of F1's forward pass per example: 2·(784·512 + 4·512·512 + 512·10). */
    static final double F1_FORWARD_FLOPS = 2.0 * (784 * 512 + 4 * 512 * 512 + 512 * 10);
    /** Forward, weight gradients (= forward), input gradients (= forward minus the first layer's 784·512). */
    static final double F1_TRAIN_FLOPS = 3 * F1_FORWARD_FLOPS - 2.0 * 784 * 512;
    /** C1's forward GEMMs per example: conv 3→64 5×5 on 32×32, conv 64→64 5×5 on 16×16, dense 4096·384, 384·192, 192·10. */
    static final double C1_FORWARD_FLOPS = 2.0 * (64.0 * 75 * 1024 + 64.0 * 1600 * 256 + 4096 * 384 + 384 * 192 + 192 * 10);
    /** Forward, weight gradients, input gradients (none for the first conv: 64·75·1024). */
    static final double C1_TRAIN_FLOPS = 3 * C1_FORWARD_FLOPS - 2.0 * 64 * 75 * 1024;

    /** Where the peer script lives in a source checkout (the bench runs it from the working directory). */
    static final Path PEER_SCRIPT = Path.of("src", "bench", "python", "train_torch.py");
    /** Examples of the in-memory CIFAR-shaped set (two steps of B = 5000). */
    static final int C1_EXAMPLES = 10_000;

    private final String model;

    /** {@code model}: "f1" (the {@code train} entry) or "c1" (the {@code c1} entry). */
    public TrainThroughput(String model) {
        if (!model.equals("f1") && !model.equals("c1")) throw new IllegalArgumentException("f1 or c1, got " + model);
        this.model = model;
    }

    @Override public String name() { return model.equals("f1") ? "train" : "c1"; }

    /** "f1" or "c1". */
    String model() { return model; }

    @Override
    public String description() {
        return model.equals("f1")
                ? "training throughput: F1 on Fashion-MNIST, Adam, float32, B=256 and 6000; ours vs PyTorch (same run) and DL4J"
                : "training throughput: C1 on 10,000 CIFAR-shaped examples made in memory, Adam, float32, B=256 and 5000; ours vs PyTorch (same run)";
    }

    /** The batch sizes: Keskar et al.'s SB and LB (10% of the training set). */
    int[] batches() {
        return model.equals("f1") ? new int[] {256, 6000} : new int[] {256, 5000};
    }

    /** Least warm-up of ours before the timed rounds, in seconds. */
    static final double WARM_SECONDS = 3;

    /** Timed steps per round for batch b: about 12,000 examples for F1, 1,024 for C1 (one step of B = 5000). */
    int steps(int b) {
        return model.equals("f1") ? Math.max(2, 12000 / b) : Math.max(1, 1024 / b);
    }

    /** The training set: Fashion-MNIST's for F1, uniform random CIFAR-shaped pixels and labels for C1 (seeded). */
    DataSet data() {
        if (model.equals("f1")) return org.minima.data.DataSets.load("fashion-mnist:train");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        float[] x = new float[C1_EXAMPLES * 3072];
        int[] y = new int[C1_EXAMPLES];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(256);
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
        return new DataSet("cifar-shaped (random)", new int[] {3, 32, 32}, 10, x, y);
    }

    /** Rows per batch size: ours, PyTorch and (F1) DL4J in examples/s (medians of {@code repeats} alternating rounds), the ratios, GFLOP/s. */
    @Override
    public List<Row> run(int repeats) {
        String missing = PythonPeer.missing(PEER_SCRIPT);
        if (missing != null) System.err.println("bench: " + name() + ": PyTorch peer not run: " + missing);
        List<Row> rows = new ArrayList<>();
        String net = model.toUpperCase(java.util.Locale.ROOT) + " Adam B=";
        for (Figures f : run(data(), repeats, missing == null)) {
            String b = net + f.batch();
            rows.add(new Row(b + " ours", f.oursPerSecond(), "ex/s", "float32"));
            if (missing == null) {
                rows.add(new Row(b + " PyTorch", f.torchPerSecond(), "ex/s", "torch " + Threads.current() + " threads, alternating with ours"));
                String bar = model.equals("f1") ? (f.batch() == 256 ? "bar >= 2.5" : "bar >= 1.3") : "bar >= 1.2";
                rows.add(new Row(b + " ours / PyTorch", f.oursPerSecond() / f.torchPerSecond(), "x", bar + " (issue 15)"));
            }
            if (!Double.isNaN(f.dl4jPerSecond())) {
                rows.add(new Row(b + " DL4J", f.dl4jPerSecond(), "ex/s", "MultiLayerNetwork, same layers"));
                rows.add(new Row(b + " ours / DL4J", f.oursPerSecond() / f.dl4jPerSecond(), "x", "bar: >= 1.5 (issue 5)"));
            }
            rows.add(new Row(b + " ours GFLOP/s", f.oursGflops(), "GFLOP/s", String.format(java.util.Locale.ROOT, "%.0f%% of sgemm %.1f",
                    100 * f.oursGflops() / f.sgemmGflops(), f.sgemmGflops())));
        }
        return rows;
    }

    /**
     * Measures each batch size: {@code rounds} alternating rounds of ours, then PyTorch (when {@code withTorch}), each
     * timing {@link #steps} steps after a warm-up; then DL4J's rounds (F1 only); reports the median rate of each.
     */
    public List<Figures> run(DataSet train, int rounds, boolean withTorch) {
        return run(train, batches(), rounds, withTorch);
    }

    /** As {@link #run(DataSet, int, boolean)} for the given batch sizes. */
    public List<Figures> run(DataSet train, int[] batchSizes, int rounds, boolean withTorch) {
        double peak = GemmBenchmark.peak(DataType.FLOAT, 5);
        double flops = model.equals("f1") ? F1_TRAIN_FLOPS : C1_TRAIN_FLOPS;
        // Ours and PyTorch alternate round by round, batch size by batch size; DL4J runs after all of them (in this
        // process, so its garbage, its JIT work and ND4J's OpenMP threads must not fall into our rounds: with its rounds
        // interleaved, ours measured 10% below the same step timed alone).
        double[] ours = new double[batchSizes.length], torch = new double[batchSizes.length], dl4j = new double[batchSizes.length];
        int[] warmSteps = new int[batchSizes.length];
        for (int i = 0; i < batchSizes.length; i++) {
            int b = batchSizes[i], steps = steps(b);
            Ours o = new Ours(train, model, b);
            // Warm-up: a quarter of a round, and at least WARM_SECONDS, so the JIT has compiled the step's loops (F1 at
            // B = 256 ran its steps 13-20 at twice the steady time while C2 compiled them); the peer and DL4J get as
            // many untimed steps as ours took.
            int warm = 0;
            long until = System.nanoTime() + (long) (WARM_SECONDS * 1e9);
            while (warm < Math.max(1, steps / 4) || System.nanoTime() < until) {
                o.steps(1);
                warm++;
            }
            warmSteps[i] = warm;
            double[] a = new double[rounds], t = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                a[r] = o.rate(steps);
                t[r] = withTorch ? torchRate(b, steps, warm) : Double.NaN;
                System.err.printf(java.util.Locale.ROOT, "bench: %s B=%d round %d: ours %.0f ex/s, PyTorch %.0f ex/s%n", model, b, r + 1, a[r], t[r]);
            }
            ours[i] = Benchmarks.median(a);
            torch[i] = Benchmarks.median(t);
        }
        for (int i = 0; i < batchSizes.length; i++) {
            dl4j[i] = Double.NaN;
            if (!model.equals("f1")) continue;
            Dl4j d = new Dl4j(train, batchSizes[i]);
            d.steps(warmSteps[i]);
            double[] r = new double[rounds];
            for (int k = 0; k < rounds; k++) r[k] = d.rate(steps(batchSizes[i]));
            dl4j[i] = Benchmarks.median(r);
        }
        List<Figures> out = new ArrayList<>();
        for (int i = 0; i < batchSizes.length; i++) {
            out.add(new Figures(batchSizes[i], ours[i], torch[i], dl4j[i], ours[i] * flops / 1e9, peak));
        }
        return out;
    }

    /** One round of the PyTorch peer in its own process: {@code warm} untimed steps, then the rate over {@code steps}. */
    private double torchRate(int b, int steps, int warm) {
        return PythonPeer.run(List.of(PEER_SCRIPT.toString(), "--model", model, "--threads", String.valueOf(Threads.current()),
                "--batches", String.valueOf(b), "--rounds", "1", "--steps", String.valueOf(steps), "--warmup", String.valueOf(warm),
                "--examples", String.valueOf(C1_EXAMPLES))).get("rows").get(0).get("examplesPerSecond").asDouble();
    }

    /** Our trainer's step: Network.trainStep + Adam, exactly as Trainer runs it. */
    static final class Ours {
        final DataSet data;
        final int b;
        final Network net;
        final org.minima.train.Optimizer opt;
        final int[] order;
        int pos;

        Ours(DataSet data, String model, int b) {
            this.data = data;
            this.b = b;
            net = Network.create(Presets.build(model), DataType.FLOAT);
            net.initialize(1);
            TrainConfig cfg = TrainConfig.parse(new java.util.LinkedHashMap<>(Map.of("model", model, "data", Map.of("train", "x"),
                    "optimizer", Map.of("name", "adam", "lr", 0.001), "batch", Map.of("size", b), "epochs", 1)), "bench");
            opt = cfg.optimizer().create(net.parameterCount(), DataType.FLOAT);
            order = new int[data.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
        }

        void steps(int k) {
            for (int s = 0; s < k; s++) {
                if (pos + b > order.length) pos = 0;
                net.trainStep(data, order, pos, pos + b, s, null);
                long t = Profile.now();
                opt.step(net.parameters(), net.gradient(), 1e-3);
                Profile.record("Adam", t);
                pos += b;
            }
        }

        double rate(int k) {
            long t0 = System.nanoTime();
            steps(k);
            return (double) k * b / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** DL4J's MultiLayerNetwork with the same layers, Adam 1e-3, float32. */
    static final class Dl4j {
        final MultiLayerNetwork net;
        final org.nd4j.linalg.dataset.DataSet batch;
        final int b;

        Dl4j(DataSet data, int b) {
            this.b = b;
            NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                    .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list();
            int in = 784;
            for (int i = 0; i < 5; i++) {
                lb.layer(new DenseLayer.Builder().nIn(in).nOut(512).activation(Activation.IDENTITY).build());
                lb.layer(new BatchNormalization.Builder().nOut(512).eps(1e-5).decay(0.9).build());
                lb.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
                in = 512;
            }
            lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(512).nOut(10).activation(Activation.SOFTMAX).build());
            MultiLayerConfiguration conf = lb.build();
            net = new MultiLayerNetwork(conf);
            net.init();
            float[] x = data.rawFeatures();
            float[] f = new float[b * 784];
            float[] y = new float[b * 10];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < 784; j++) f[i * 784 + j] = x[i * 784 + j] / 255f;
                y[i * 10 + data.label(i)] = 1;
            }
            INDArray fx = Nd4j.create(f, new long[] {b, 784}, DataType.FLOAT);
            INDArray fy = Nd4j.create(y, new long[] {b, 10}, DataType.FLOAT);
            batch = new org.nd4j.linalg.dataset.DataSet(fx, fy);
        }

        void steps(int k) {
            for (int s = 0; s < k; s++) net.fit(batch);
        }

        double rate(int k) {
            long t0 = System.nanoTime();
            steps(k);
            return (double) k * b / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Without the bench command: {@code java -cp minima.jar org.minima.bench.TrainThroughput [threads] [f1|c1] [rounds]
     * [B1,B2,...]} (default: 2 threads, f1, 3 rounds, the entry's batch sizes).
     */
    public static void main(String[] args) {
        Threads.configure(args.length > 0 ? Integer.parseInt(args[0]) : 2);
        TrainThroughput t = new TrainThroughput(args.length > 1 ? args[1] : "f1");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[] batches = args.length > 3 ? java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray() : t.batches();
        boolean torch = PythonPeer.missing(PEER_SCRIPT) == null;
        for (Figures f : t.run(t.data(), batches, rounds, torch)) System.out.println(f.asMap());
    }
}
