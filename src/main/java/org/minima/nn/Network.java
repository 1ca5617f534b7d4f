package org.minima.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelSpec;
import org.minima.io.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A feed-forward network built from a {@link ModelSpec}, with every trainable value in one flat,
 * contiguous parameter vector (each layer's weight, then bias, row-major in PyTorch's layouts: linear
 * {@code [out, in]}, conv {@code [out, in, kh, kw]}); each layer's tensors are views into it. Gradients
 * go into a second flat vector of the same layout, and the batch-norm running statistics live in a
 * third, {@link #buffers()}.
 *
 * <p>Float32 or float64 ({@link DataType#FLOAT} / {@link DataType#DOUBLE}), chosen per network. The
 * analyzers use float64, training float32 (docs/nn.md).
 *
 * <p>Activation buffers are preallocated for the largest batch seen and reused: a pass allocates no
 * large arrays. A larger batch re-allocates them (cost: one off-heap allocation per layer boundary,
 * {@code rows × features} values each); a smaller one uses views of their first rows. Not thread-safe:
 * one network, one thread at a time (the GEMMs inside use all BLAS threads).
 */
public final class Network {
    /** Sums over a chunk of examples: the summed loss (not the mean) and the count classified right. */
    public record Sums(double lossSum, int correct) {}

    private final ModelSpec spec;
    private final DataType dtype;
    private final Layer[] layers;
    /** blocks[i]: layers i..i+2 are linear → 1-D batch norm → ReLU, run as one in inference mode; else null. */
    private final LinearBatchNormRelu[] blocks;
    private final boolean fuseBlocks;
    /** bnRelu[i]: layer i is batch norm and i+1 a ReLU, run as one in training mode ({@link BatchNormLayer#forwardRelu}). */
    private final boolean[] bnRelu;
    /** Features per example at each layer boundary: features[0] is the input, features[L] the logits. */
    private final int[] features;
    /** Index of the first layer with parameters (layers below it need no backward pass); L if none. */
    private final int firstParam;
    private final int parameterCount, bufferCount;
    private final Arr params, grads, direction, buffers;
    private final INDArray parametersView, gradientView, directionView, buffersView;
    /** Input preprocessing, per feature: value = (raw·scale − shift[j]) / div[j]. */
    private final double scale;
    private final double[] shift, div;

    // Per-batch state: blocks sized for `capacity` rows; views of their first `rows` rows.
    private int capacity, rows = -1;
    private Arr[] actBlocks, rActBlocks;
    private Arr[] gradBlocks, rGradBlocks; // two each: layer i reads boundary i+1 and writes boundary i (ping-pong)
    private Arr[] act, rAct, grad, rGrad;
    private int[] labels = new int[0];
    private final int[] correctOut = new int[1];

    private Network(ModelSpec spec, DataType dtype, boolean fuseBlocks, Network shared) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException("a network is float32 or float64, got " + dtype);
        }
        this.spec = spec;
        this.dtype = dtype;
        this.layers = build(spec, new Scratch(dtype));
        this.fuseBlocks = fuseBlocks;
        int L = layers.length;
        blocks = new LinearBatchNormRelu[L];
        for (int i = 0; i < L; i++) {
            if (fuseBlocks && LinearBatchNormRelu.at(layers, i)) {
                blocks[i] = new LinearBatchNormRelu((LinearLayer) layers[i], (BatchNormLayer) layers[i + 1], (ReluLayer) layers[i + 2]);
                i += 2;
            }
        }
        bnRelu = new boolean[L];
        for (int i = 0; i + 1 < L; i++) bnRelu[i] = fuseBlocks && layers[i] instanceof BatchNormLayer && layers[i + 1] instanceof ReluLayer;
        features = new int[L + 1];
        features[0] = spec.inputSize();
        int first = L, pc = 0, bc = 0;
        for (int i = 0; i < L; i++) {
            features[i + 1] = layers[i].outFeatures;
            if (layers[i].parameterCount() > 0 && first == L) first = i;
            pc += layers[i].parameterCount();
            bc += layers[i].bufferCount();
        }
        if (pc == 0) throw new InputException("model.json: the model has no trainable parameters (no linear, conv2d or batchnorm layer)");
        firstParam = first;
        parameterCount = pc;
        bufferCount = bc;
        params = shared != null ? shared.params : Arr.zeros(dtype, Math.max(pc, 1));
        grads = Arr.zeros(dtype, Math.max(pc, 1));
        direction = shared != null ? shared.direction : Arr.zeros(dtype, Math.max(pc, 1));
        buffers = shared != null ? shared.buffers : Arr.zeros(dtype, Math.max(bc, 1));
        long po = 0, bo = 0;
        for (Layer layer : layers) {
            layer.bindParameters(params, grads, direction, po);
            layer.bindBuffers(buffers, bo);
            po += layer.parameterCount();
            bo += layer.bufferCount();
        }
        ModelSpec.Preprocess pre = spec.preprocess();
        int[] in = spec.input();
        int channels = in.length == 3 ? in[0] : 1;
        int perChannel = features[0] / channels;
        if ((pre.mean().length != 1 && pre.mean().length != channels) || (pre.std().length != 1 && pre.std().length != channels)) {
            throw new InputException("model.json: preprocess mean and std need 1 or " + channels + " entries (one per channel), got "
                    + pre.mean().length + " and " + pre.std().length);
        }
        scale = pre.scale();
        shift = new double[features[0]];
        div = new double[features[0]];
        for (int j = 0; j < features[0]; j++) {
            int c = j / perChannel;
            shift[j] = pre.mean()[pre.mean().length == 1 ? 0 : c];
            div[j] = pre.std()[pre.std().length == 1 ? 0 : c];
            if (!(div[j] != 0)) throw new InputException("model.json: preprocess std must not be 0");
        }
        parametersView = Arr.view(params, 0, pc).nd;
        gradientView = Arr.view(grads, 0, pc).nd;
        directionView = Arr.view(direction, 0, pc).nd;
        buffersView = bc > 0 ? Arr.view(buffers, 0, bc).nd : org.nd4j.linalg.factory.Nd4j.create(dtype, 0);
    }

    /** A network of the given architecture; BN weight 1 and running variance 1, everything else 0. Call {@link #initialize}. */
    public static Network create(ModelSpec spec, DataType dtype) {
        return create(spec, dtype, true);
    }

    /** As {@link #create(ModelSpec, DataType)}; {@code fuseBlocks = false} runs every layer alone (tests compare). */
    static Network create(ModelSpec spec, DataType dtype, boolean fuseBlocks) {
        Network net = new Network(spec, dtype, fuseBlocks, null); // new off-heap arrays are zero-filled
        for (Layer layer : net.layers) {
            if (layer instanceof BatchNormLayer) layer.initialize(null);
        }
        return net;
    }

    /**
     * A network with the weights of a model directory's tensors (PyTorch names and shapes, CONTRACT.md).
     * Every tensor the architecture needs must be there with its shape; {@code num_batches_tracked} is
     * ignored; any other name is an error.
     */
    public static Network load(ModelSpec spec, Map<String, Tensor> tensors, DataType dtype) {
        Network net = new Network(spec, dtype, true, null);
        Set<String> used = new HashSet<>();
        for (Layer layer : net.layers) {
            for (Layer.Named t : layer.tensors()) {
                String name = "layers." + layer.index + "." + t.name();
                Tensor tensor = tensors.get(name);
                if (tensor == null) {
                    throw new InputException("weights.safetensors: tensor " + name + " is missing; model.json's layer " + layer.index
                            + " (" + spec.layers().get(layer.index).type() + ") needs it with shape " + Arrays.toString(t.shape()));
                }
                if (!Arrays.equals(tensor.shape(), t.shape())) {
                    throw new InputException("weights.safetensors: tensor " + name + " has shape " + Arrays.toString(tensor.shape())
                            + ", but model.json's layer " + layer.index + " (" + describe(spec.layers().get(layer.index))
                            + ") needs " + Arrays.toString(t.shape()));
                }
                double[] v = tensor.data();
                for (int i = 0; i < v.length; i++) t.view().set(i, v[i]);
                used.add(name);
            }
        }
        for (String name : tensors.keySet()) {
            if (!used.contains(name) && !name.endsWith(".num_batches_tracked")) {
                throw new InputException("weights.safetensors: tensor " + name + " does not belong to any layer of model.json");
            }
        }
        return net;
    }

    /** A network from a model directory read by {@link ModelDirectory#read}. */
    public static Network load(ModelDirectory.Loaded model, DataType dtype) {
        return load(model.spec(), model.tensors(), dtype);
    }

    /** Reads the model directory {@code dir} (model.json + weights.safetensors) into a network of {@code dtype}. */
    public static Network load(Path dir, DataType dtype) {
        return load(ModelDirectory.read(dir), dtype);
    }

    /**
     * A network that shares this one's parameters, direction and running statistics (the same memory: a change to
     * either is seen by both) but has its own gradient vector and activation buffers, so several threads can each
     * evaluate chunks of data on one set of weights ({@code NetworkObjective} does). Cost: one gradient vector, and
     * activation buffers for the chunks it is given.
     */
    public Network replica() {
        return new Network(spec, dtype, fuseBlocks, this);
    }

    /**
     * PyTorch's default initialization, seeded and deterministic: linear and conv weight and bias
     * ~ U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5), batch norm weight 1, bias 0, running
     * mean 0, running variance 1. One {@link SplittableRandom}(seed) draws every value in flat order.
     */
    public void initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Layer layer : layers) layer.initialize(rng);
    }

    /** The tensors by PyTorch name (weights, biases, running statistics), values rounded to {@code dtype} ("F32" or "F64"). */
    public Map<String, Tensor> toTensors(String dtype) {
        boolean f32;
        if ("F32".equals(dtype)) f32 = true;
        else if ("F64".equals(dtype)) f32 = false;
        else throw new IllegalArgumentException("tensor dtype F32 or F64, got " + dtype);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Layer layer : layers) {
            for (Layer.Named t : layer.tensors()) {
                double[] v = new double[t.view().length];
                for (int i = 0; i < v.length; i++) v[i] = f32 ? (double) (float) t.view().get(i) : t.view().get(i);
                out.put("layers." + layer.index + "." + t.name(), new Tensor(dtype, t.shape(), v));
            }
        }
        return out;
    }

    /**
     * Trainable values of an architecture, without allocating it (for {@code info}). Checks the spec as
     * {@link #create} does.
     */
    public static long parameterCount(ModelSpec spec) {
        long n = 0;
        for (Layer layer : build(spec, new Scratch(DataType.FLOAT))) n += layer.parameterCount();
        return n;
    }

    public ModelSpec spec() { return spec; }

    public DataType dataType() { return dtype; }

    public long parameterCount() { return parameterCount; }

    public long bufferCount() { return bufferCount; }

    /** The flat parameter vector, rank 1, length {@link #parameterCount()}; writing into it changes the network. */
    public INDArray parameters() { return parametersView; }

    /** The flat batch-norm running statistics (each BN layer's running_mean, then running_var); empty without BN. */
    public INDArray buffers() { return buffersView; }

    /** The flat gradient vector that the chunk methods accumulate into (same layout as {@link #parameters()}). */
    public INDArray gradient() { return gradientView; }

    /** The direction v of {@link #accumulateHessianVector} (same layout as {@link #parameters()}). */
    public INDArray direction() { return directionView; }

    public void zeroGradient() { grads.zero(); }

    // ---------------------------------------------------------------- whole data sets and batches

    /** Mean loss and accuracy over {@code data} in inference mode, {@code chunk} examples at a time. */
    public Evaluation evaluate(DataSet data, int chunk) {
        check(data);
        if (chunk <= 0) throw new IllegalArgumentException("chunk must be > 0, got " + chunk);
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += chunk) {
            Sums s = lossChunk(data, from, Math.min(data.size(), from + chunk));
            loss += s.lossSum();
            correct += s.correct();
        }
        return new Evaluation(loss / data.size(), (double) correct / data.size(), data.size());
    }

    /**
     * One training-mode step on the examples {@code order[from..to)}: batch statistics in batch norm
     * (running averages updated), dropout on with masks from {@code dropoutSeed}. Writes the gradient of
     * the batch's mean loss into {@code gradOut} (flat, the layout of {@link #parameters()}).
     */
    public BatchResult trainStep(DataSet data, int[] order, int from, int to, long dropoutSeed, INDArray gradOut) {
        check(data);
        int n = to - from;
        if (n <= 0) throw new IllegalArgumentException("empty batch [" + from + ", " + to + ")");
        prepare(n);
        long t = Profile.start();
        fillInput(data, order, from, n);
        Profile.add("input: gather and scale", t);
        forward(n, Layer.Mode.TRAINING, dropoutSeed);
        t = Profile.start();
        grads.zero();
        double sum = top(n, 1.0 / n, true);
        Profile.add("loss: softmax cross-entropy (and zeroing the gradient)", t);
        int correct = correctOut[0];
        backward(n, Layer.Mode.TRAINING);
        if (gradOut != null) gradOut.assign(gradient().reshape(gradOut.shape()));
        return new BatchResult(sum / n, correct);
    }

    // ---------------------------------------------------------------- chunks (for NetworkObjective)

    /** Inference mode, examples [from, to): summed loss and correct count. Cost: one forward pass. */
    public Sums lossChunk(DataSet data, int from, int to) {
        int n = rangeChunk(data, from, to);
        forward(n, Layer.Mode.INFERENCE, 0);
        double sum = top(n, 0, false);
        return new Sums(sum, correctOut[0]);
    }

    /**
     * Inference mode, examples [from, to): adds {@code scale}·∇(summed loss) into {@link #gradient()}.
     * Cost: one forward and one backward pass (about 3 GEMMs per linear/conv layer).
     */
    public Sums accumulateGradient(DataSet data, int from, int to, double scale) {
        int n = rangeChunk(data, from, to);
        forward(n, Layer.Mode.INFERENCE, 0);
        double sum = top(n, scale, true);
        int correct = correctOut[0];
        backward(n, Layer.Mode.INFERENCE);
        return new Sums(sum, correct);
    }

    /**
     * Inference mode, examples [from, to): adds {@code scale}·H·v into {@link #gradient()}, H the Hessian
     * of the summed loss and v = {@link #direction()}. Exact (Pearlmutter 1994): one forward pass, then
     * the R-forward pass reusing its activations, then the backward and R-backward passes together.
     * Cost: about 8 GEMMs per hidden linear layer against a gradient's 3 (docs/nn.md).
     */
    public void accumulateHessianVector(DataSet data, int from, int to, double scale) {
        int n = rangeChunk(data, from, to);
        ensureR();
        forward(n, Layer.Mode.INFERENCE, 0);
        int L = layers.length;
        for (int i = firstParam; i < L; i++) {
            layers[i].rForward(act[i], i > firstParam ? rAct[i] : null, act[i + 1], rAct[i + 1], n);
        }
        top(n, scale, true);
        if (firstParam == L) return;
        SoftmaxCrossEntropy.rGradient(act[L], rAct[L], n, features[L], scale, rGrad[L]);
        for (int i = L - 1; i >= firstParam; i--) {
            boolean below = i > firstParam;
            layers[i].rBackward(act[i], below ? rAct[i] : null, act[i + 1], grad[i + 1], rGrad[i + 1],
                    below ? grad[i] : null, below ? rGrad[i] : null, n);
        }
    }

    // ---------------------------------------------------------------- passes

    private void forward(int n, Layer.Mode mode, long seed) {
        for (int i = 0; i < layers.length; ) {
            if (mode == Layer.Mode.INFERENCE && blocks[i] != null) {
                blocks[i].forward(act[i], act[i + 1], act[i + 3], n);
                i += 3;
            } else if (mode == Layer.Mode.TRAINING && linearBnRelu(i)) {
                // linear → 1-D batch norm → ReLU: the bias is added in batch norm's first pass
                long t = Profile.start();
                LinearLayer linear = (LinearLayer) layers[i];
                linear.forwardWithoutBias(act[i], act[i + 1]);
                t = Profile.add("linear GEMM (in linear+batchnorm+relu)", t);
                ((BatchNormLayer) layers[i + 1]).forwardRelu(act[i + 1], act[i + 3], n, linear.biasValues());
                Profile.add("linear bias+batchnorm+relu forward", t);
                i += 3;
            } else if (mode == Layer.Mode.TRAINING && bnRelu[i]) {
                // the batch norm's output act[i + 1] is not formed: only the ReLU would read it
                long t = Profile.start();
                ((BatchNormLayer) layers[i]).forwardRelu(act[i], act[i + 2], n);
                Profile.add("batchnorm+relu forward", t);
                i += 2;
            } else {
                long t = Profile.start();
                layers[i].forward(act[i], act[i + 1], n, mode, seed);
                Profile.add(layers[i].kind() + " forward", t);
                i++;
            }
        }
    }

    /** Layers i, i+1, i+2 are linear → 1-D batch norm → ReLU (run as one in training mode)? */
    private boolean linearBnRelu(int i) {
        return i + 1 < layers.length && bnRelu[i + 1] && layers[i] instanceof LinearLayer && ((BatchNormLayer) layers[i + 1]).oneDimensional();
    }

    /** Loss at the top; with {@code withGrad}, scale·∂(summed loss)/∂logits into grad[L]. */
    private double top(int n, double gradScale, boolean withGrad) {
        int L = layers.length;
        return SoftmaxCrossEntropy.lossSum(act[L], labels, n, features[L], gradScale, withGrad ? grad[L] : null, correctOut);
    }

    private void backward(int n, Layer.Mode mode) {
        for (int i = layers.length - 1; i >= firstParam; ) {
            int b = i - 2; // a fused block ends at layer i when it starts at i − 2
            if (mode == Layer.Mode.INFERENCE && b >= 0 && blocks[b] != null) {
                // grad[b + 1] and grad[b + 3] are the same ping-pong buffer: the block writes ∂L/∂y1 over ∂L/∂y3.
                blocks[b].backward(act[b], act[b + 1], act[b + 3], grad[b + 3], grad[b + 1], b > firstParam ? grad[b] : null, n);
                i -= 3;
            } else if (mode == Layer.Mode.TRAINING && b >= 0 && linearBnRelu(b)) {
                long t = Profile.start();
                LinearLayer linear = (LinearLayer) layers[b];
                double[] biasGradient = new double[features[b + 1]];
                // grad[b + 1] and grad[b + 3] are the same ping-pong buffer: ∂L/∂y1 is written over ∂L/∂y3, value by value
                ((BatchNormLayer) layers[b + 1]).backwardRelu(act[b + 1], act[b + 3], grad[b + 3], grad[b + 1], n, biasGradient);
                linear.addBiasGradient(biasGradient);
                t = Profile.add("linear bias+batchnorm+relu backward", t);
                linear.backwardWithoutBias(act[b], grad[b + 1], b > firstParam ? grad[b] : null);
                Profile.add("linear GEMM (in linear+batchnorm+relu)", t);
                i -= 3;
            } else if (mode == Layer.Mode.TRAINING && i >= 1 && bnRelu[i - 1]) {
                // grad[i + 1] and grad[i - 1] are the same ping-pong buffer: ∂L/∂x is written over ∂L/∂y3, value by value.
                long t = Profile.start();
                ((BatchNormLayer) layers[i - 1]).backwardRelu(act[i - 1], act[i + 1], grad[i + 1], i - 1 > firstParam ? grad[i - 1] : null, n);
                Profile.add("batchnorm+relu backward", t);
                i -= 2;
            } else {
                long t = Profile.start();
                layers[i].backward(act[i], act[i + 1], grad[i + 1], i > firstParam ? grad[i] : null, n, mode);
                Profile.add(layers[i].kind() + " backward", t);
                i--;
            }
        }
    }

    // ---------------------------------------------------------------- input

    private void check(DataSet data) {
        if (data.features() != features[0]) {
            throw new InputException(data.spec() + ": examples have " + data.features() + " features " + Arrays.toString(data.exampleShape())
                    + ", but the model's input " + Arrays.toString(spec.input()) + " needs " + features[0]);
        }
        if (data.classes() > spec.classes()) {
            throw new InputException(data.spec() + ": " + data.classes() + " classes, but the model has " + spec.classes() + " outputs");
        }
    }

    private int rangeChunk(DataSet data, int from, int to) {
        check(data);
        int n = to - from;
        if (n <= 0 || from < 0 || to > data.size()) throw new IllegalArgumentException("bad example range [" + from + ", " + to + ")");
        prepare(n);
        fillInput(data, null, from, n);
        return n;
    }

    /** Input rows from raw features: (x·scale − mean[c]) / std[c]. order == null: examples from, from+1, ... */
    private void fillInput(DataSet data, int[] order, int from, int n) {
        float[] raw = data.rawFeatures();
        int[] y = data.labels();
        int f = features[0];
        Arr x = act[0];
        Parallel.range(n, (long) n * f, (r0, r1) -> {
            for (int r = r0, k = r0 * f; r < r1; r++) {
                int e = order == null ? from + r : order[from + r];
                labels[r] = y[e];
                int base = e * f;
                for (int j = 0; j < f; j++, k++) x.set(k, (raw[base + j] * scale - shift[j]) / div[j]);
            }
        });
    }

    // ---------------------------------------------------------------- buffers

    /** Views for a batch of n rows; grows the blocks when n exceeds the capacity. */
    private void prepare(int n) {
        if (n > capacity) {
            int L = layers.length, max = 0;
            actBlocks = new Arr[L + 1];
            for (int i = L; i >= 0; i--) {
                // A fused block's batch-norm output shares the ReLU output's memory: only the ReLU reads it, value by
                // value before writing that value (in place), and inference mode never forms it (saves n·features
                // values a block, and their page faults on first touch).
                // The same holds for any batch norm → ReLU pair (training runs them as one and never forms it).
                boolean shared = i >= 2 && i + 1 <= L && blocks[i - 2] != null || i >= 1 && i + 1 <= L && bnRelu[i - 1];
                actBlocks[i] = shared ? actBlocks[i + 1] : Arr.zeros(dtype, (long) n * features[i]);
                max = Math.max(max, features[i]);
            }
            gradBlocks = new Arr[] {Arr.zeros(dtype, (long) n * max), Arr.zeros(dtype, (long) n * max)};
            rActBlocks = null;
            rGradBlocks = null;
            for (Layer layer : layers) layer.allocate(n);
            labels = new int[n];
            capacity = n;
            rows = -1;
        }
        if (n != rows) {
            int L = layers.length;
            act = new Arr[L + 1];
            grad = new Arr[L + 1];
            for (int i = 0; i <= L; i++) {
                act[i] = Arr.view(actBlocks[i], 0, n, features[i]);
                grad[i] = Arr.view(gradBlocks[i % 2], 0, n, features[i]);
            }
            rows = n;
            rAct = null;
            rGrad = null;
        }
    }

    /** The R-pass buffers (allocated on the first Hessian-vector product, as many again as the forward ones). */
    private void ensureR() {
        int L = layers.length;
        if (rActBlocks == null) {
            int max = 0;
            rActBlocks = new Arr[L + 1];
            for (int i = 0; i <= L; i++) {
                if (i > firstParam) rActBlocks[i] = Arr.zeros(dtype, (long) capacity * features[i]);
                max = Math.max(max, features[i]);
            }
            rGradBlocks = new Arr[] {Arr.zeros(dtype, (long) capacity * max), Arr.zeros(dtype, (long) capacity * max)};
            rAct = null;
        }
        if (rAct == null) {
            rAct = new Arr[L + 1];
            rGrad = new Arr[L + 1];
            for (int i = 0; i <= L; i++) {
                if (rActBlocks[i] != null) rAct[i] = Arr.view(rActBlocks[i], 0, rows, features[i]);
                rGrad[i] = Arr.view(rGradBlocks[i % 2], 0, rows, features[i]);
            }
        }
    }

    // ---------------------------------------------------------------- building from a spec

    private static Layer[] build(ModelSpec spec, Scratch scratch) {
        List<Layer> out = new ArrayList<>();
        int[] shape = spec.input();
        List<ModelSpec.Layer> ls = spec.layers();
        for (int i = 0; i < ls.size(); i++) {
            ModelSpec.Layer l = ls.get(i);
            String where = "model.json: layer " + i + " (" + describe(l) + ")";
            Layer layer;
            if (l instanceof ModelSpec.Linear lin) {
                if (shape.length != 1 || shape[0] != lin.in()) {
                    throw new InputException(where + " needs input [" + lin.in() + "], but gets " + Arrays.toString(shape)
                            + (shape.length == 3 ? " (add a flatten layer before it)" : ""));
                }
                if (lin.out() <= 0) throw new InputException(where + ": out must be > 0");
                layer = new LinearLayer(i, lin.in(), lin.out());
            } else if (l instanceof ModelSpec.BatchNorm bn) {
                if (shape[0] != bn.features()) {
                    throw new InputException(where + " needs " + bn.features() + " features (channels), but gets " + Arrays.toString(shape));
                }
                if (!(bn.eps() > 0) || !(bn.momentum() >= 0 && bn.momentum() <= 1)) {
                    throw new InputException(where + ": eps must be > 0 and momentum in [0, 1]");
                }
                layer = new BatchNormLayer(i, shape, bn.eps(), bn.momentum());
            } else if (l instanceof ModelSpec.Relu) {
                layer = new ReluLayer(i, shape);
            } else if (l instanceof ModelSpec.Dropout d) {
                if (!(d.p() >= 0 && d.p() <= 1)) throw new InputException(where + ": p must be in [0, 1], got " + d.p());
                layer = new DropoutLayer(i, shape, d.p());
            } else if (l instanceof ModelSpec.Flatten) {
                layer = new FlattenLayer(i, shape);
            } else if (l instanceof ModelSpec.Conv2d cv) {
                if (shape.length != 3 || shape[0] != cv.in()) {
                    throw new InputException(where + " needs input [" + cv.in() + ", H, W], but gets " + Arrays.toString(shape));
                }
                if (cv.out() <= 0 || cv.kernel() <= 0 || cv.stride() <= 0 || cv.padding() < 0
                        || shape[1] + 2 * cv.padding() < cv.kernel() || shape[2] + 2 * cv.padding() < cv.kernel()) {
                    throw new InputException(where + ": needs out, kernel, stride > 0, padding >= 0, and the kernel to fit the "
                            + shape[1] + "x" + shape[2] + " input with its padding");
                }
                layer = new Conv2dLayer(i, shape, cv.out(), cv.kernel(), cv.stride(), cv.padding(), scratch);
            } else if (l instanceof ModelSpec.MaxPool2d mp) {
                if (shape.length != 3) throw new InputException(where + " needs input [C, H, W], but gets " + Arrays.toString(shape));
                if (mp.kernel() <= 0 || mp.stride() <= 0 || mp.padding() < 0 || 2 * mp.padding() > mp.kernel()
                        || shape[1] + 2 * mp.padding() < mp.kernel() || shape[2] + 2 * mp.padding() < mp.kernel()) {
                    throw new InputException(where + ": needs kernel, stride > 0, 0 <= padding <= kernel/2 (as PyTorch), and the "
                            + "window to fit the " + shape[1] + "x" + shape[2] + " input");
                }
                layer = new MaxPool2dLayer(i, shape, mp.kernel(), mp.stride(), mp.padding());
            } else {
                throw new InputException(where + ": unknown layer type " + l.type());
            }
            out.add(layer);
            shape = layer.outShape;
        }
        if (shape.length != 1 || shape[0] != spec.classes()) {
            throw new InputException("model.json: the last layer gives " + Arrays.toString(shape) + ", but classes is " + spec.classes());
        }
        return out.toArray(new Layer[0]);
    }

    static String describe(ModelSpec.Layer l) {
        if (l instanceof ModelSpec.Linear x) return "linear " + x.in() + " -> " + x.out();
        if (l instanceof ModelSpec.Conv2d x) return "conv2d " + x.in() + " -> " + x.out() + ", kernel " + x.kernel() + ", stride " + x.stride() + ", padding " + x.padding();
        if (l instanceof ModelSpec.MaxPool2d x) return "maxpool2d kernel " + x.kernel() + ", stride " + x.stride() + ", padding " + x.padding();
        if (l instanceof ModelSpec.BatchNorm x) return "batchnorm " + x.features();
        if (l instanceof ModelSpec.Dropout x) return "dropout " + x.p();
        return l.type();
    }
}
