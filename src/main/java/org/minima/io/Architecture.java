package org.minima.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minima.io.ModelSpec.Kind;
import org.minima.io.ModelSpec.Layer;
import org.minima.io.ModelSpec.TensorShape;

/**
 * What a {@link ModelSpec} implies, computed from the spec alone (no ND4J) by asking each layer: the shape
 * it gets and gives, and where each of its tensors sits. This is the one check of a spec (the shapes chain,
 * the last layer gives {@code [classes]}, every size fits) and the one layout of its values, which
 * {@code Network}, {@code ParameterLayout}, {@code ModelDirectory} and {@code info} read.
 *
 * <p>Layout: the flat parameter vector holds every trainable tensor of each layer in order (weight, then
 * bias), row-major; the flat buffer vector holds the running statistics (batch norm's running_mean, then
 * running_var) of each layer in order. Sizes are computed in {@code long} with overflow checks; values per
 * example and the flat vectors must fit an {@code int} (ND4J's views and Java arrays index with one).
 */
public final class Architecture {
    /** One layer with the per-example shape it gets and gives, and the trainable values it owns. */
    public record Step(int index, Layer layer, int[] inputShape, int[] outputShape, long parameters) {}

    /**
     * One tensor: full PyTorch name ({@code layers.3.weight}), shape, kind, and where it sits: from
     * {@code offset} in the parameter vector, or in the buffer vector when {@code kind} is a statistic.
     */
    public record Entry(int layer, String name, long[] shape, Kind kind, long offset, long size) {
        public boolean trainable() { return kind.trainable(); }
    }

    private final ModelSpec spec;
    private final List<Step> steps;
    private final List<Entry> parameters, buffers;
    private final long parameterCount, bufferCount;

    private Architecture(ModelSpec spec, List<Step> steps, List<Entry> parameters, List<Entry> buffers, long pc, long bc) {
        this.spec = spec;
        this.steps = List.copyOf(steps);
        this.parameters = List.copyOf(parameters);
        this.buffers = List.copyOf(buffers);
        this.parameterCount = pc;
        this.bufferCount = bc;
    }

    /**
     * Checks {@code spec} and lays it out; a problem is an {@link InputException} that starts with
     * {@code where} (e.g. the model.json path) and names the layer.
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
        List<Layer> layers = spec.layers();
        if (layers.isEmpty()) throw new InputException(where + ": layers is empty, expected at least one layer");
        List<Step> steps = new ArrayList<>();
        List<Entry> params = new ArrayList<>();
        List<Entry> bufs = new ArrayList<>();
        long pc = 0, bc = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String at = where + ": layers[" + i + "] (" + l.type() + ")";
            fitsInt(size(shape, at), at, "gets " + Arrays.toString(shape));
            long[] out = l.outputShape(shape, at, i == 0 ? "the input" : "layers[" + (i - 1) + "]");
            for (long d : out) if (d <= 0) throw new InputException(at + " gives " + Arrays.toString(out) + ", a size <= 0");
            fitsInt(size(out, at), at, "gives " + Arrays.toString(out));
            long own = 0;
            for (TensorShape t : l.tensors()) {
                long n = size(t.shape(), at);
                String name = "layers." + i + "." + t.suffix();
                if (t.kind().trainable()) {
                    params.add(new Entry(i, name, t.shape().clone(), t.kind(), pc, n));
                    pc = add(pc, n, at);
                    own += n;
                } else {
                    bufs.add(new Entry(i, name, t.shape().clone(), t.kind(), bc, n));
                    bc = add(bc, n, at);
                }
            }
            int[] next = Arrays.stream(out).mapToInt(d -> (int) d).toArray();
            steps.add(new Step(i, l, shape, next, own));
            shape = next;
        }
        if (shape.length != 1 || shape[0] != spec.classes()) {
            throw new InputException(where + ": the last layer gives " + Arrays.toString(shape) + ", but classes is " + spec.classes()
                    + "; expected the network to end with [" + spec.classes() + "]");
        }
        if (pc == 0) throw new InputException(where + ": the model has no trainable parameters (no linear, conv2d or batchnorm layer)");
        return new Architecture(spec, steps, params, bufs, pc, bc);
    }

    /** The product of {@code dims}, or an InputException at {@code at} when it passes {@code Long.MAX_VALUE}. */
    private static long size(long[] dims, String at) {
        long n = 1;
        try {
            for (long d : dims) n = Math.multiplyExact(n, d);
        } catch (ArithmeticException e) {
            throw new InputException(at + " has a tensor or shape " + Arrays.toString(dims) + " with more than 2^63 values");
        }
        return n;
    }

    private static long size(int[] dims, String at) {
        return size(Arrays.stream(dims).asLongStream().toArray(), at);
    }

    /** a + b, refused past {@code Integer.MAX_VALUE}: the flat vectors are single ND4J arrays and Java arrays. */
    private static long add(long a, long b, String at) {
        long s = a + b; // a < 2^31; if b is so large that this wraps, b > MAX_VALUE refuses it
        if (b > Integer.MAX_VALUE || s > Integer.MAX_VALUE) {
            throw new InputException(at + " brings the model past " + Integer.MAX_VALUE + " values in one flat vector (the most minima holds)");
        }
        return s;
    }

    /** Values per example must fit an int: activations are indexed row·features + j with ints. */
    private static void fitsInt(long values, String at, String what) {
        if (values > Integer.MAX_VALUE) {
            throw new InputException(at + " " + what + ", " + values + " values per example; minima holds at most " + Integer.MAX_VALUE);
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public List<Step> steps() {
        return steps;
    }

    /** Trainable tensors in flat-vector order (each layer's weight, then bias). */
    public List<Entry> parameters() {
        return parameters;
    }

    /** Running statistics in buffer-vector order (each batch-norm layer's running_mean, then running_var). */
    public List<Entry> buffers() {
        return buffers;
    }

    /** Every tensor a model directory holds: the parameters, then the buffers. */
    public List<Entry> tensors() {
        List<Entry> out = new ArrayList<>(parameters);
        out.addAll(buffers);
        return out;
    }

    /**
     * The tensors {@code weights.safetensors} must hold, name → PyTorch shape, in the order of the flat
     * parameter vector; batch-norm running statistics are in {@link #bufferTensors()}.
     */
    public Map<String, long[]> parameterTensors() {
        return shapes(parameters);
    }

    /** Batch norm's {@code running_mean} and {@code running_var}, name → {@code [features]}, in layer order. */
    public Map<String, long[]> bufferTensors() {
        return shapes(buffers);
    }

    /** Parameters and buffers together: every tensor a model directory holds. */
    public Map<String, long[]> allTensors() {
        Map<String, long[]> m = parameterTensors();
        m.putAll(bufferTensors());
        return m;
    }

    /** Length of the flat parameter vector (fits an int). */
    public long parameterCount() {
        return parameterCount;
    }

    /** Length of the flat buffer vector: batch-norm running statistics, not parameters (fits an int). */
    public long bufferCount() {
        return bufferCount;
    }

    private static Map<String, long[]> shapes(List<Entry> entries) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.name(), e.shape().clone());
        return m;
    }
}
