package org.minima.bench;

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
import org.minima.train.TrainConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Training throughput (examples/s) of Keskar's F1 (784 → 5 × [dense 512, BN, ReLU] → dense 10, softmax
 * cross-entropy) with Adam 1e-3 in float32, ours against Deeplearning4j 1.0.0-M2.1's MultiLayerNetwork
 * with the same layers, dtype, batch and thread count, measured alternately in the same process.
 *
 * <p>Ours: {@link Network#trainStep} (gathering the shuffled rows and scaling pixels included) and one
 * {@link org.minima.train.Adam} step. DL4J: {@code fit(DataSet)} on a batch prepared beforehand (its
 * gathering is not timed: a slight advantage to DL4J). Also the sgemm rate of this machine, so the
 * achieved FLOP rate can be read as a fraction of peak ({@link GemmBenchmark}).
 */
public final class TrainThroughput implements Benchmark {
    /** One batch size: examples/s of each, and their ratio. */
    public record Figures(int batch, double oursPerSecond, double dl4jPerSecond, double ratio, double oursGflops, double sgemmGflops) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("batch", batch);
            m.put("oursExamplesPerSecond", oursPerSecond);
            m.put("dl4jExamplesPerSecond", dl4jPerSecond);
            m.put("ratioToDl4j", ratio);
            m.put("oursGflops", oursGflops);
            m.put("sgemmGflops", sgemmGflops);
            m.put("fractionOfSgemmPeak", oursGflops / sgemmGflops);
            return m;
        }
    }

    /** Multiply-adds ×2 of F1's forward pass per example: 2·(784·512 + 4·512·512 + 512·10). */
    static final double FORWARD_FLOPS = 2.0 * (784 * 512 + 4 * 512 * 512 + 512 * 10);
    /** Forward, weight gradients (= forward), input gradients (= forward minus the first layer's 784·512). */
    static final double TRAIN_FLOPS = 3 * FORWARD_FLOPS - 2.0 * 784 * 512;

    /** Batch sizes: Keskar et al.'s SB and LB (10% of 60000). */
    static final int[] BATCHES = {256, 6000};
    /** Examples timed per round and library (at least two steps). */
    static final int EXAMPLES_PER_ROUND = 12000;

    @Override public String name() { return "train"; }

    @Override
    public String description() {
        return "training throughput: F1 on Fashion-MNIST, Adam, float32, B=256 and 6000; ours vs DL4J 1.0.0-M2.1 MultiLayerNetwork";
    }

    /** Rows per batch size: ours and DL4J in examples/s (medians of {@code repeats} alternating rounds), the ratio, GFLOP/s and the fraction of sgemm peak. */
    @Override
    public List<Row> run(int repeats) {
        DataSet train = org.minima.data.DataSets.load("fashion-mnist:train");
        List<Row> rows = new ArrayList<>();
        for (Figures f : run(train, BATCHES, repeats, EXAMPLES_PER_ROUND)) {
            String b = "F1 Adam B=" + f.batch();
            rows.add(new Row(b + " ours", f.oursPerSecond(), "ex/s", "float32"));
            rows.add(new Row(b + " DL4J", f.dl4jPerSecond(), "ex/s", "MultiLayerNetwork, same layers"));
            rows.add(new Row(b + " ours / DL4J", f.ratio(), "x", "bar: >= 1.5 at 2 threads"));
            rows.add(new Row(b + " ours GFLOP/s", f.oursGflops(), "GFLOP/s", String.format("%.0f%% of sgemm %.1f", 100 * f.oursGflops() / f.sgemmGflops(), f.sgemmGflops())));
        }
        return rows;
    }

    /**
     * Measures each batch size: {@code rounds} alternating rounds of ours then DL4J, each timing about
     * {@code examplesPerRound} examples after a warm-up; reports the median rate of each.
     */
    public static List<Figures> run(DataSet train, int[] batchSizes, int rounds, int examplesPerRound) {
        double peak = GemmBenchmark.peak(DataType.FLOAT, 5);
        List<Figures> out = new ArrayList<>();
        for (int b : batchSizes) {
            Ours ours = new Ours(train, b);
            Dl4j dl4j = new Dl4j(train, b);
            int steps = Math.max(2, examplesPerRound / b);
            ours.steps(Math.max(1, steps / 4));
            dl4j.steps(Math.max(1, steps / 4));
            double[] a = new double[rounds], d = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                a[r] = ours.rate(steps);
                d[r] = dl4j.rate(steps);
            }
            double mo = Benchmarks.median(a), md = Benchmarks.median(d);
            out.add(new Figures(b, mo, md, mo / md, mo * TRAIN_FLOPS / 1e9, peak));
        }
        return out;
    }

    /** Our trainer's step: Network.trainStep + Adam, exactly as Trainer runs it. */
    static final class Ours {
        final DataSet data;
        final int b;
        final Network net;
        final org.minima.train.Optimizer opt;
        final int[] order;
        int pos;

        Ours(DataSet data, int b) {
            this.data = data;
            this.b = b;
            net = Network.create(Presets.build("f1"), DataType.FLOAT);
            net.initialize(1);
            TrainConfig cfg = TrainConfig.parse(new java.util.LinkedHashMap<>(Map.of("model", "f1", "data", Map.of("train", "x"),
                    "optimizer", Map.of("name", "adam", "lr", 0.001), "batch", Map.of("size", b), "epochs", 1)), "bench");
            opt = cfg.optimizer().create(net.parameterCount(), DataType.FLOAT);
            order = new int[data.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
        }

        void steps(int k) {
            for (int s = 0; s < k; s++) {
                if (pos + b > order.length) pos = 0;
                net.trainStep(data, order, pos, pos + b, s, null);
                opt.step(net.parameters(), net.gradient(), 1e-3);
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

    /** Without the bench command: {@code java -cp minima.jar org.minima.bench.TrainThroughput [threads]}. */
    public static void main(String[] args) {
        org.minima.nn.Threads.configure(args.length > 0 ? Integer.parseInt(args[0]) : 2);
        DataSet train = org.minima.data.DataSets.load("fashion-mnist:train");
        for (Figures f : run(train, BATCHES, 3, EXAMPLES_PER_ROUND)) System.out.println(f.asMap());
    }
}
