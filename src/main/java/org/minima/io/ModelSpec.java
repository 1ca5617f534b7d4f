package org.minima.io;

import java.util.List;

/**
 * The architecture part of a model directory's {@code model.json} (docs/model-directory.md):
 * input shape, number of classes, optional preprocessing, and the layers in order. Immutable.
 * Layer {@code i} owns the tensors {@code layers.<i>.weight}, {@code layers.<i>.bias}, ... .
 */
public record ModelSpec(int[] input, int classes, Preprocess preprocess, List<Layer> layers) {

    public ModelSpec {
        layers = List.copyOf(layers);
        input = input.clone();
        if (preprocess == null) preprocess = Preprocess.IDENTITY;
    }

    /** Number of input features (product of {@link #input()}). */
    public int inputSize() {
        int n = 1;
        for (int d : input) n *= d;
        return n;
    }

    /** x ↦ (x·scale − mean[c]) / std[c], per channel c (one entry of mean/std applies to all channels). */
    public record Preprocess(double scale, double[] mean, double[] std) {
        public static final Preprocess IDENTITY = new Preprocess(1.0, new double[] {0.0}, new double[] {1.0});

        public Preprocess {
            mean = mean.clone();
            std = std.clone();
        }
    }

    /** One layer of {@code model.json}; {@link #type()} is the contract's type name. */
    public sealed interface Layer permits Linear, Conv2d, MaxPool2d, BatchNorm, Relu, Dropout, Flatten {
        String type();
    }

    public record Linear(int in, int out) implements Layer {
        public String type() { return "linear"; }
    }

    public record Conv2d(int in, int out, int kernel, int stride, int padding) implements Layer {
        public String type() { return "conv2d"; }
    }

    public record MaxPool2d(int kernel, int stride, int padding) implements Layer {
        public String type() { return "maxpool2d"; }
    }

    /** 1-D (after linear) or 2-D (after conv) batch norm; PyTorch defaults eps 1e-5, momentum 0.1. */
    public record BatchNorm(int features, double eps, double momentum) implements Layer {
        public String type() { return "batchnorm"; }
    }

    public record Relu() implements Layer {
        public String type() { return "relu"; }
    }

    public record Dropout(double p) implements Layer {
        public String type() { return "dropout"; }
    }

    public record Flatten() implements Layer {
        public String type() { return "flatten"; }
    }
}
