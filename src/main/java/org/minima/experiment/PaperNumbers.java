package org.minima.experiment;

import java.util.List;
import java.util.Map;

/**
 * The numbers {@code reproduce} compares with: Keskar, Mudigere, Nocedal, Smelyanskiy & Tang, "On Large-Batch
 * Training for Deep Learning: Generalization Gap and Sharp Minima", ICLR 2017 (arXiv 1609.04836), Tables 2–4,
 * mean ± standard deviation over 5 runs, as printed in the paper. SB = batch 256, LB = 10% of the training set,
 * Adam. Accuracies are in percent, as printed in the paper; sharpness is Metric 2.1 (percent) with 10 L-BFGS-B
 * iterations, in the full space (Table 3) and in a random 100-dimensional subspace (Table 4).
 */
public final class PaperNumbers {
    public static final String SOURCE = "Keskar et al., ICLR 2017, Tables 2-4 (mean ± std over 5 runs)";
    public static final List<String> NETWORKS = List.of("F1", "F2", "C1", "C2", "C3", "C4");
    /** The data set each network was trained on in the paper. */
    public static final Map<String, String> DATA = Map.of("F1", "MNIST", "F2", "TIMIT", "C1", "CIFAR-10", "C2", "CIFAR-10",
            "C3", "CIFAR-100", "C4", "CIFAR-100");
    /** The subspace dimension of Table 4. */
    public static final int SUBSPACE = 100;

    /** A mean ± standard deviation. */
    public record Stat(double mean, double std) {}

    /** One network's row of a table: SB and LB for two quantities (Table 2: train, test; Tables 3, 4: ε = 1e-3, 5e-4). */
    public record Row(Stat firstSB, Stat firstLB, Stat secondSB, Stat secondLB) {}

    private PaperNumbers() {}

    private static Stat s(double mean, double std) {
        return new Stat(mean, std);
    }

    /** Table 2: accuracy (%): train SB, train LB, test SB, test LB. */
    public static final Map<String, Row> TABLE2 = Map.of(
            "F1", new Row(s(99.66, 0.05), s(99.92, 0.01), s(98.03, 0.07), s(97.81, 0.07)),
            "F2", new Row(s(99.99, 0.03), s(98.35, 2.08), s(64.02, 0.2), s(59.45, 1.05)),
            "C1", new Row(s(99.89, 0.02), s(99.66, 0.2), s(80.04, 0.12), s(77.26, 0.42)),
            "C2", new Row(s(99.99, 0.04), s(99.99, 0.01), s(89.24, 0.12), s(87.26, 0.07)),
            "C3", new Row(s(99.56, 0.44), s(99.88, 0.30), s(49.58, 0.39), s(46.45, 0.43)),
            "C4", new Row(s(99.10, 1.23), s(99.57, 1.84), s(63.08, 0.5), s(57.81, 0.17)));

    /** Table 3: sharpness, full space: ε = 1e-3 SB, LB; ε = 5e-4 SB, LB. */
    public static final Map<String, Row> TABLE3 = Map.of(
            "F1", new Row(s(1.23, 0.83), s(205.14, 69.52), s(0.61, 0.27), s(42.90, 17.14)),
            "F2", new Row(s(1.39, 0.02), s(310.64, 38.46), s(0.90, 0.05), s(93.15, 6.81)),
            "C1", new Row(s(28.58, 3.13), s(707.23, 43.04), s(7.08, 0.88), s(227.31, 23.23)),
            "C2", new Row(s(8.68, 1.32), s(925.32, 38.29), s(2.07, 0.86), s(175.31, 18.28)),
            "C3", new Row(s(29.85, 5.98), s(258.75, 8.96), s(8.56, 0.99), s(105.11, 13.22)),
            "C4", new Row(s(12.83, 3.84), s(421.84, 36.97), s(4.07, 0.87), s(109.35, 16.57)));

    /** Table 4: sharpness, random subspace p = 100: ε = 1e-3 SB, LB; ε = 5e-4 SB, LB. */
    public static final Map<String, Row> TABLE4 = Map.of(
            "F1", new Row(s(0.11, 0.00), s(9.22, 0.56), s(0.05, 0.00), s(9.17, 0.14)),
            "F2", new Row(s(0.29, 0.02), s(23.63, 0.54), s(0.05, 0.00), s(6.28, 0.19)),
            "C1", new Row(s(2.18, 0.23), s(137.25, 21.60), s(0.71, 0.15), s(29.50, 7.48)),
            "C2", new Row(s(0.95, 0.34), s(25.09, 2.61), s(0.31, 0.08), s(5.82, 0.52)),
            "C3", new Row(s(17.02, 2.20), s(236.03, 31.26), s(4.03, 1.45), s(86.96, 27.39)),
            "C4", new Row(s(6.05, 1.13), s(72.99, 10.96), s(1.89, 0.33), s(19.85, 4.12)));

    /** The ε of Tables 3 and 4, in the order of {@link Row}'s first and second pair. */
    public static final List<String> EPS = List.of("1e-3", "5e-4");

    /** Runs per role behind each mean ± std of Tables 2–4. */
    public static final int RUNS_PER_ROLE = 5;

    /**
     * The paper's protocol, item by item, as the paper (and, where it is silent, the authors' code) states it
     * (the paper, §2.2 and Metric 2.1); the report puts ours beside each.
     */
    public static final Map<String, String> PROTOCOL = protocol();

    private static Map<String, String> protocol() {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("data", "MNIST for F1 (60,000 training, 10,000 test examples); pixels / 255");
        p.put("network", "F1: 784 → 5 × [dense 512, batch norm, ReLU] → dense 10");
        p.put("SB batch", "256");
        p.put("LB batch", "10% of the training set");
        p.put("optimizer", "Adam (rate not stated; Keras' default 1e-3)");
        p.put("stopping", "\"until the loss function ceased to improve\", no epoch budget");
        p.put("runs per role", RUNS_PER_ROLE + ", from different random starts");
        p.put("sharpness", "Metric 2.1, ε = 1e-3 and 5e-4, 10 L-BFGS-B iterations (start not stated)");
        p.put("batch norm in the analyses", "batch statistics (Keras BatchNormalization(mode=2))");
        p.put("subspace matrix", "p = 100, \"columns randomly generated\" (distribution not stated)");
        p.put("analysis data", "the training set");
        return java.util.Collections.unmodifiableMap(p);
    }
}
