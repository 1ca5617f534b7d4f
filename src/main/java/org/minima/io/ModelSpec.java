package org.minima.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The architecture part of a model directory's {@code model.json} (docs/cli.md, "Model directory"):
 * input shape, number of classes, optional preprocessing, and the layers in order. Immutable.
 * Layer {@code i} owns the tensors {@code layers.<i>.weight}, {@code layers.<i>.bias}, ... .
 *
 * <p>Each layer kind is described here once: its {@code model.json} type name and keys ({@link #TYPES}),
 * the shape it gives for an incoming shape (with the check and its message), the tensors it owns, and its
 * one-line description. {@link Architecture#of} walks these to check a spec and lay out its tensors; the
 * network, the parameter layout, the model directory and {@code info} all read that. A new layer type is
 * its record here, its entry in {@link #TYPES}, and its {@code nn} class with one line in {@code Network}.
 */
public record ModelSpec(int[] input, int classes, Preprocess preprocess, List<Layer> layers) {

    public ModelSpec {
        layers = List.copyOf(layers);
        input = input.clone();
        if (preprocess == null) preprocess = Preprocess.IDENTITY;
    }

    /** Number of input features (product of {@link #input()}); past an int, an {@link ArithmeticException} (Architecture refuses such specs). */
    public int inputSize() {
        long n = 1;
        for (int d : input) n *= d; // at most three factors < 2^31: no long overflow
        return Math.toIntExact(n);
    }

    /** x ↦ (x·scale − mean[c]) / std[c], per channel c (one entry of mean/std applies to all channels). */
    public record Preprocess(double scale, double[] mean, double[] std) {
        public static final Preprocess IDENTITY = new Preprocess(1.0, new double[] {0.0}, new double[] {1.0});

        public Preprocess {
            mean = mean.clone();
            std = std.clone();
            for (double s : std) {
                if (!(s > 0) || !Double.isFinite(s)) throw new IllegalArgumentException("preprocess std must be finite and > 0, got " + s);
            }
        }
    }

    /** What a tensor's entries are: filter normalization (Li et al. 2018) treats each kind differently. */
    public enum Kind {
        /** Rows of a linear weight {@code [out, in]} or conv weight {@code [out, in, k, k]}: one filter a row. */
        FILTERS,
        /** A linear or conv bias. */
        BIAS,
        /** Batch norm's scale or shift. */
        BATCHNORM,
        /** Not trainable: a running statistic (batch norm's running_mean, running_var), kept in the buffer vector. */
        STATISTIC;

        public boolean trainable() { return this != STATISTIC; }
    }

    /** A tensor a layer owns: PyTorch's name suffix ({@code weight}) and shape, and its kind. */
    public record TensorShape(String suffix, long[] shape, Kind kind) {}

    /** One layer of {@code model.json}; {@link #type()} is its type name there. */
    public sealed interface Layer permits Linear, Conv2d, MaxPool2d, BatchNorm, Relu, Dropout, Flatten {
        /** Type name in model.json. */
        String type();

        /**
         * The per-example shape this layer gives for {@code in} ({@code [F]} or {@code [C, H, W]}), computed in
         * {@code long} (the caller checks it fits). A shape it cannot take is an {@link InputException} starting
         * with {@code at} (e.g. {@code "m.json: layers[2] (linear)"}); {@code from} names the giver of {@code in}.
         */
        long[] outputShape(int[] in, String at, String from);

        /** Its tensors in the flat-vector order: trainable ones (weight, then bias), then running statistics. */
        default List<TensorShape> tensors() { return List.of(); }

        /** Its keys in model.json besides {@code type}, in the written order, every default written out. */
        default Map<String, Object> keys() { return Map.of(); }

        /** One line for {@code info} and error messages, e.g. {@code linear 784 -> 512}. */
        default String describe() { return type(); }
    }

    /**
     * A layer type as {@code model.json} names it: its allowed keys besides {@code type} and how to read one
     * (defaults as PyTorch; {@link ModelJson.Keys} checks each value and names it in errors).
     */
    public record Type(String name, List<String> keys, Function<ModelJson.Keys, Layer> read) {}

    /** Every layer type, in the order error messages list them. */
    public static final List<Type> TYPES = List.of(
            new Type("linear", List.of("in", "out"), k -> new Linear(k.integer("in", 1, null), k.integer("out", 1, null))),
            new Type("conv2d", List.of("in", "out", "kernel", "stride", "padding"), k -> new Conv2d(k.integer("in", 1, null),
                    k.integer("out", 1, null), k.integer("kernel", 1, null), k.integer("stride", 1, 1), k.integer("padding", 0, 0))),
            new Type("maxpool2d", List.of("kernel", "stride", "padding"), k -> {
                int kernel = k.integer("kernel", 1, null);
                return new MaxPool2d(kernel, k.integer("stride", 1, kernel), k.integer("padding", 0, 0));
            }),
            new Type("batchnorm", List.of("features", "eps", "momentum"), k -> new BatchNorm(k.integer("features", 1, null),
                    k.number("eps", 1e-5, x -> x > 0, "a number > 0"), k.number("momentum", 0.1, x -> x >= 0 && x <= 1, "a number in [0, 1]"))),
            new Type("relu", List.of(), k -> new Relu()),
            new Type("dropout", List.of("p"), k -> new Dropout(k.number("p", 0.5, x -> x >= 0 && x < 1, "a probability in [0, 1)"))),
            new Type("flatten", List.of(), k -> new Flatten()));

    /** y = x·Wᵀ + b on flat input; weight {@code [out, in]}. */
    public record Linear(int in, int out) implements Layer {
        public String type() { return "linear"; }

        public long[] outputShape(int[] s, String at, String from) {
            if (s.length != 1) {
                throw new InputException(at + " gets " + Arrays.toString(s) + ", but linear needs flat input; put {\"type\": \"flatten\"} before it");
            }
            if (in != s[0]) throw new InputException(at + " has in " + in + ", but gets " + s[0] + " features from " + from);
            return new long[] {out};
        }

        public List<TensorShape> tensors() {
            return List.of(new TensorShape("weight", new long[] {out, in}, Kind.FILTERS), new TensorShape("bias", new long[] {out}, Kind.BIAS));
        }

        public Map<String, Object> keys() { return ordered("in", in, "out", out); }

        public String describe() { return "linear " + in + " -> " + out; }
    }

    /** Cross-correlation over [C, H, W] with a square kernel, stride and zero padding; weight {@code [out, in, k, k]}. */
    public record Conv2d(int in, int out, int kernel, int stride, int padding) implements Layer {
        public String type() { return "conv2d"; }

        public long[] outputShape(int[] s, String at, String from) {
            need3d(s, at);
            if (in != s[0]) throw new InputException(at + " has in " + in + ", but gets " + s[0] + " channels from " + from);
            return new long[] {out, window(at, "height", s[1], kernel, stride, padding), window(at, "width", s[2], kernel, stride, padding)};
        }

        public List<TensorShape> tensors() {
            return List.of(new TensorShape("weight", new long[] {out, in, kernel, kernel}, Kind.FILTERS),
                    new TensorShape("bias", new long[] {out}, Kind.BIAS));
        }

        public Map<String, Object> keys() { return ordered("in", in, "out", out, "kernel", kernel, "stride", stride, "padding", padding); }

        public String describe() { return "conv2d " + in + " -> " + out + " k" + kernel + " s" + stride + " p" + padding; }
    }

    /** Max over k×k windows (PyTorch's floor mode; padding at most half the kernel, as PyTorch requires). */
    public record MaxPool2d(int kernel, int stride, int padding) implements Layer {
        public String type() { return "maxpool2d"; }

        public long[] outputShape(int[] s, String at, String from) {
            need3d(s, at);
            if (2L * padding > kernel) {
                throw new InputException(at + " has padding " + padding + ", expected at most half the kernel (" + kernel / 2 + ")");
            }
            return new long[] {s[0], window(at, "height", s[1], kernel, stride, padding), window(at, "width", s[2], kernel, stride, padding)};
        }

        public Map<String, Object> keys() { return ordered("kernel", kernel, "stride", stride, "padding", padding); }

        public String describe() { return "maxpool2d k" + kernel + " s" + stride + " p" + padding; }
    }

    /** 1-D (after linear) or 2-D (after conv) batch norm; PyTorch defaults eps 1e-5, momentum 0.1. */
    public record BatchNorm(int features, double eps, double momentum) implements Layer {
        public String type() { return "batchnorm"; }

        public long[] outputShape(int[] s, String at, String from) {
            if (features != s[0]) {
                throw new InputException(at + " has features " + features + ", but gets " + s[0] + (s.length == 3 ? " channels" : " features") + " from " + from);
            }
            return toLong(s);
        }

        public List<TensorShape> tensors() {
            long[] f = {features};
            return List.of(new TensorShape("weight", f, Kind.BATCHNORM), new TensorShape("bias", f, Kind.BATCHNORM),
                    new TensorShape("running_mean", f, Kind.STATISTIC), new TensorShape("running_var", f, Kind.STATISTIC));
        }

        public Map<String, Object> keys() { return ordered("features", features, "eps", eps, "momentum", momentum); }

        /** eps and momentum only when they differ from PyTorch's defaults. */
        public String describe() {
            return "batchnorm " + features + (eps == 1e-5 && momentum == 0.1 ? "" : " eps " + eps + " momentum " + momentum);
        }
    }

    public record Relu() implements Layer {
        public String type() { return "relu"; }

        public long[] outputShape(int[] s, String at, String from) { return toLong(s); }
    }

    /** Inverted dropout with drop probability p (identity in inference mode). */
    public record Dropout(double p) implements Layer {
        public String type() { return "dropout"; }

        public long[] outputShape(int[] s, String at, String from) { return toLong(s); }

        public Map<String, Object> keys() { return ordered("p", p); }

        public String describe() { return "dropout p " + p; }
    }

    /** [C, H, W] → [C·H·W] (a no-op on flat input). */
    public record Flatten() implements Layer {
        public String type() { return "flatten"; }

        public long[] outputShape(int[] s, String at, String from) {
            long n = 1;
            for (int d : s) n *= d; // each factor < 2^31 and at most three: no long overflow
            return new long[] {n};
        }
    }

    private static void need3d(int[] s, String at) {
        if (s.length != 3) throw new InputException(at + " gets " + Arrays.toString(s) + ", but needs [channels, height, width]");
    }

    // PyTorch's Conv2d / MaxPool2d (dilation 1, floor mode): floor((n + 2p − k) / s) + 1, in long (2p may pass 2^31).
    private static long window(String at, String dim, int n, int k, int s, int p) {
        long padded = (long) n + 2L * p;
        if (padded < k) throw new InputException(at + ": kernel " + k + " does not fit the incoming " + dim + " " + n + " with padding " + p);
        return (padded - k) / s + 1;
    }

    private static long[] toLong(int[] s) {
        return Arrays.stream(s).asLongStream().toArray();
    }

    /** Key, value, key, value, ... as a map in that order. */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
