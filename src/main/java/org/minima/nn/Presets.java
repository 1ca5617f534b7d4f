package org.minima.nn;

import java.util.ArrayList;
import java.util.List;
import org.minima.io.Architecture;
import org.minima.io.InputException;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Conv2d;
import org.minima.io.ModelSpec.Dropout;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Layer;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.MaxPool2d;
import org.minima.io.ModelSpec.Relu;

/**
 * Keskar et al. 2017's networks (Table 1; the C-networks from the authors' {@code network_zoo.py}, see
 * github.com/keskarnitish/large-batch-training), in PyTorch terms. Batch norm with PyTorch's defaults (eps 1e-5, momentum 0.1); "same"
 * padding is the symmetric padding that keeps the size (kernel 5 → 2, kernel 3 → 1; the 3×3 stride-2
 * pools pad 1, giving Keras' ceil(size/2)). Preprocess: pixels/255, nothing else.
 */
public final class Presets {
    public static final List<String> NAMES = List.of("f1", "c1", "c2", "c3", "c4");
    private static final double EPS = 1e-5, MOMENTUM = 0.1;
    private static final ModelSpec.Preprocess PIXELS = new ModelSpec.Preprocess(1.0 / 255.0, new double[] {0.0}, new double[] {1.0});

    private Presets() {}

    /** The preset {@code name}, checked by {@link Architecture#of} as a model.json is. */
    public static ModelSpec build(String name) {
        ModelSpec spec = switch (name) {
            case "f1" -> f1();
            case "c1" -> c1(10);
            case "c3" -> c1(100);
            case "c2" -> c2(10);
            case "c4" -> c2(100);
            default -> throw new InputException("unknown model preset '" + name + "'; the presets are " + String.join(", ", NAMES));
        };
        Architecture.of(spec, "preset " + name);
        return spec;
    }

    /** F1: 784 → 5 × [dense 512, BN, ReLU] → dense 10. */
    private static ModelSpec f1() {
        List<Layer> l = new ArrayList<>();
        int in = 784;
        for (int i = 0; i < 5; i++) {
            l.add(new Linear(in, 512));
            l.add(new BatchNorm(512, EPS, MOMENTUM));
            l.add(new Relu());
            in = 512;
        }
        l.add(new Linear(512, 10));
        return new ModelSpec(new int[] {784}, 10, PIXELS, l);
    }

    /** C1 (10 classes) / C3 (100): two [conv 64 5×5 same, BN, ReLU, maxpool 3×3/2 same], then 384 and 192 dense with BN, ReLU, dropout 0.5. */
    private static ModelSpec c1(int classes) {
        List<Layer> l = new ArrayList<>();
        int in = 3;
        for (int i = 0; i < 2; i++) {
            l.add(new Conv2d(in, 64, 5, 1, 2));
            l.add(new BatchNorm(64, EPS, MOMENTUM));
            l.add(new Relu());
            l.add(new MaxPool2d(3, 2, 1));
            in = 64;
        }
        l.add(new Flatten());
        l.add(new Linear(64 * 8 * 8, 384));
        l.add(new BatchNorm(384, EPS, MOMENTUM));
        l.add(new Relu());
        l.add(new Dropout(0.5));
        l.add(new Linear(384, 192));
        l.add(new BatchNorm(192, EPS, MOMENTUM));
        l.add(new Relu());
        l.add(new Dropout(0.5));
        l.add(new Linear(192, classes));
        return new ModelSpec(new int[] {3, 32, 32}, classes, PIXELS, l);
    }

    /**
     * C2 (10 classes) / C4 (100): VGG-16-like; each conv 3×3 same → BN → ReLU (→ dropout where listed),
     * 2×2/2 pools after each block; then dropout 0.5 → dense 512 → BN → ReLU → dropout 0.5 → dense.
     */
    private static ModelSpec c2(int classes) {
        // {channels, dropout after it (0 = none)}; -1 marks a pool.
        double[][] plan = {
            {64, 0.3}, {64, 0}, {-1, 0},
            {128, 0.4}, {128, 0}, {-1, 0},
            {256, 0.4}, {256, 0.4}, {256, 0}, {-1, 0},
            {512, 0.4}, {512, 0.4}, {512, 0}, {-1, 0},
            {512, 0.4}, {512, 0.4}, {512, 0}, {-1, 0},
        };
        List<Layer> l = new ArrayList<>();
        int in = 3;
        for (double[] step : plan) {
            if (step[0] < 0) {
                l.add(new MaxPool2d(2, 2, 0));
                continue;
            }
            int out = (int) step[0];
            l.add(new Conv2d(in, out, 3, 1, 1));
            l.add(new BatchNorm(out, EPS, MOMENTUM));
            l.add(new Relu());
            if (step[1] > 0) l.add(new Dropout(step[1]));
            in = out;
        }
        l.add(new Flatten());
        l.add(new Dropout(0.5));
        l.add(new Linear(512, 512));
        l.add(new BatchNorm(512, EPS, MOMENTUM));
        l.add(new Relu());
        l.add(new Dropout(0.5));
        l.add(new Linear(512, classes));
        return new ModelSpec(new int[] {3, 32, 32}, classes, PIXELS, l);
    }
}
