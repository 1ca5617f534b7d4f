package org.minima.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minima.io.ModelSpec.BatchNorm;
import org.minima.io.ModelSpec.Conv2d;
import org.minima.io.ModelSpec.Dropout;
import org.minima.io.ModelSpec.Flatten;
import org.minima.io.ModelSpec.Layer;
import org.minima.io.ModelSpec.Linear;
import org.minima.io.ModelSpec.MaxPool2d;
import org.minima.io.ModelSpec.Relu;

/**
 * What a {@link ModelSpec} implies, computed from the spec alone (no ND4J): each layer's output shape,
 * its parameters and the tensors it owns, with PyTorch's names and shapes. Building one checks that
 * the shapes chain: a linear layer's {@code in} equals the incoming features, a conv's {@code in} the
 * incoming channels, and the last layer gives {@code [classes]}.
 */
public final class Architecture {
    /** One layer with the shape it gives (per example) and the trainable values it owns. */
    public record Step(int index, Layer layer, int[] outputShape, long parameters) {}

    private final ModelSpec spec;
    private final List<Step> steps;
    private final Map<String, long[]> tensors;

    private Architecture(ModelSpec spec, List<Step> steps, Map<String, long[]> tensors) {
        this.spec = spec;
        this.steps = List.copyOf(steps);
        this.tensors = tensors;
    }

    /**
     * Checks that {@code spec}'s shapes chain; a mismatch is an {@link InputException} that starts
     * with {@code where} (e.g. the model.json path) and names the layer.
     */
    public static Architecture of(ModelSpec spec, String where) {
        int[] shape = spec.input();
        if (shape.length != 1 && shape.length != 3) {
            throw new InputException(where + ": input is " + Arrays.toString(shape) + ", expected [features] or [channels, height, width]");
        }
        for (int d : shape) {
            if (d <= 0) throw new InputException(where + ": input " + Arrays.toString(shape) + " has a size <= 0");
        }
        if (spec.classes() < 2) throw new InputException(where + ": classes is " + spec.classes() + ", expected at least 2");
        int channels = shape.length == 3 ? shape[0] : 1;
        double[] mean = spec.preprocess().mean();
        double[] std = spec.preprocess().std();
        if (mean.length != 1 && mean.length != channels) {
            throw new InputException(where + ": preprocess.mean has " + mean.length + " values, expected 1 or " + channels + " (one per input channel)");
        }
        if (std.length != 1 && std.length != channels) {
            throw new InputException(where + ": preprocess.std has " + std.length + " values, expected 1 or " + channels + " (one per input channel)");
        }
        List<Step> steps = new ArrayList<>();
        Map<String, long[]> tensors = new LinkedHashMap<>();
        List<Layer> layers = spec.layers();
        if (layers.isEmpty()) throw new InputException(where + ": layers is empty, expected at least one layer");
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String at = where + ": layers[" + i + "] (" + l.type() + ")";
            String p = "layers." + i + ".";
            long params = 0;
            if (l instanceof Linear lin) {
                if (shape.length != 1) {
                    throw new InputException(at + " gets " + Arrays.toString(shape) + ", but linear needs flat input; put {\"type\": \"flatten\"} before it");
                }
                if (lin.in() != shape[0]) {
                    throw new InputException(at + " has in " + lin.in() + ", but gets " + shape[0] + " features from " + before(i));
                }
                tensors.put(p + "weight", new long[] {lin.out(), lin.in()});
                tensors.put(p + "bias", new long[] {lin.out()});
                params = (long) lin.out() * lin.in() + lin.out();
                shape = new int[] {lin.out()};
            } else if (l instanceof Conv2d c) {
                need3d(at, shape);
                if (c.in() != shape[0]) {
                    throw new InputException(at + " has in " + c.in() + ", but gets " + shape[0] + " channels from " + before(i));
                }
                int h = outSize(at, "height", shape[1], c.kernel(), c.stride(), c.padding());
                int w = outSize(at, "width", shape[2], c.kernel(), c.stride(), c.padding());
                tensors.put(p + "weight", new long[] {c.out(), c.in(), c.kernel(), c.kernel()});
                tensors.put(p + "bias", new long[] {c.out()});
                params = (long) c.out() * c.in() * c.kernel() * c.kernel() + c.out();
                shape = new int[] {c.out(), h, w};
            } else if (l instanceof MaxPool2d m) {
                need3d(at, shape);
                if (2 * m.padding() > m.kernel()) {
                    throw new InputException(at + " has padding " + m.padding() + ", expected at most half the kernel (" + m.kernel() / 2 + ")");
                }
                int h = outSize(at, "height", shape[1], m.kernel(), m.stride(), m.padding());
                int w = outSize(at, "width", shape[2], m.kernel(), m.stride(), m.padding());
                shape = new int[] {shape[0], h, w};
            } else if (l instanceof BatchNorm b) {
                int f = shape[0];
                if (b.features() != f) {
                    String what = shape.length == 3 ? " channels" : " features";
                    throw new InputException(at + " has features " + b.features() + ", but gets " + f + what + " from " + before(i));
                }
                tensors.put(p + "weight", new long[] {f});
                tensors.put(p + "bias", new long[] {f});
                params = 2L * f;
            } else if (l instanceof Flatten) {
                long n = 1;
                for (int d : shape) n *= d;
                shape = new int[] {(int) n};
            } else if (!(l instanceof Relu) && !(l instanceof Dropout)) {
                throw new IllegalStateException("unhandled layer " + l);
            }
            steps.add(new Step(i, l, shape.clone(), params));
        }
        if (shape.length != 1 || shape[0] != spec.classes()) {
            throw new InputException(where + ": the last layer gives " + Arrays.toString(shape) + ", but classes is " + spec.classes()
                    + "; expected the network to end with [" + spec.classes() + "]");
        }
        return new Architecture(spec, steps, tensors);
    }

    private static String before(int i) {
        return i == 0 ? "the input" : "layers[" + (i - 1) + "]";
    }

    private static void need3d(String at, int[] shape) {
        if (shape.length != 3) {
            throw new InputException(at + " gets " + Arrays.toString(shape) + ", but needs [channels, height, width]");
        }
    }

    // PyTorch's Conv2d / MaxPool2d (dilation 1, floor mode): floor((n + 2p − k) / s) + 1.
    private static int outSize(String at, String dim, int n, int k, int s, int p) {
        int out = Math.floorDiv(n + 2 * p - k, s) + 1;
        if (n + 2 * p < k || out < 1) {
            throw new InputException(at + ": kernel " + k + " does not fit the incoming " + dim + " " + n + " with padding " + p);
        }
        return out;
    }

    public ModelSpec spec() {
        return spec;
    }

    public List<Step> steps() {
        return steps;
    }

    /**
     * The tensors {@code weights.safetensors} must hold, name → PyTorch shape, in the order of the flat
     * parameter vector (each layer's weight, then bias), followed by nothing else: batch-norm
     * running statistics are in {@link #buffers()}.
     */
    public Map<String, long[]> parameterTensors() {
        return copy(tensors);
    }

    /** Batch norm's {@code running_mean} and {@code running_var}, name → {@code [features]}, in layer order. */
    public Map<String, long[]> buffers() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Step s : steps) {
            if (s.layer() instanceof BatchNorm b) {
                m.put("layers." + s.index() + ".running_mean", new long[] {b.features()});
                m.put("layers." + s.index() + ".running_var", new long[] {b.features()});
            }
        }
        return m;
    }

    /** Parameters and buffers together: every tensor a model directory holds. */
    public Map<String, long[]> allTensors() {
        Map<String, long[]> m = parameterTensors();
        m.putAll(buffers());
        return m;
    }

    /** Length of the flat parameter vector. */
    public long parameterCount() {
        long n = 0;
        for (Step s : steps) n += s.parameters();
        return n;
    }

    /** Number of batch-norm running statistics (not parameters). */
    public long bufferCount() {
        long n = 0;
        for (long[] s : buffers().values()) n += s[0];
        return n;
    }

    private static Map<String, long[]> copy(Map<String, long[]> m) {
        Map<String, long[]> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }
}
