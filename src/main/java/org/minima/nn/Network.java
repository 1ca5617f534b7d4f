package org.minima.nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.minima.data.DataSet;
import org.minima.io.Architecture;
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
    /** The spec's one layout: each layer's shapes, each tensor's place in the flat vectors. */
    private final Architecture arch;
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

    private Network(Architecture arch, DataType dtype, boolean fuseBlocks, Network shared) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException("a network is float32 or float64, got " + dtype);
        }
        this.arch = arch;
        this.spec = arch.spec();
        this.dtype = dtype;
        this.layers = build(arch, new Scratch(dtype));
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
        features[0] = layers[0].inFeatures;
        for (int i = 0; i < L; i++) features[i + 1] = layers[i].outFeatures;
        // Architecture checked that both vectors fit an int and that some layer has parameters.
        int pc = (int) arch.parameterCount(), bc = (int) arch.bufferCount();
        firstParam = arch.parameters().get(0).layer();
        parameterCount = pc;
        bufferCount = bc;
        int es = dtype.width();
        Memory.require(Memory.times(es, (shared != null ? 1L : 3L) * pc + (shared != null ? 0 : Math.max(bc, 1))),
                "a network of " + pc + " parameters (" + (shared != null ? "a gradient vector" : "parameter, gradient and direction vectors") + ")", null);
        params = shared != null ? shared.params : Arr.zeros(dtype, pc);
        grads = Arr.zeros(dtype, pc);
        direction = shared != null ? shared.direction : Arr.zeros(dtype, pc);
        buffers = shared != null ? shared.buffers : Arr.zeros(dtype, Math.max(bc, 1));
        for (int i = 0; i < L; i++) {
            layers[i].bindParameters(params, grads, direction, offsets(arch.parameters(), i));
            layers[i].bindBuffers(buffers, offsets(arch.buffers(), i));
        }
        ModelSpec.Preprocess pre = spec.preprocess();
        int[] in = spec.input();
        int channels = in.length == 3 ? in[0] : 1;
        int perChannel = features[0] / channels;
        scale = pre.scale();
        shift = new double[features[0]];
        div = new double[features[0]];
        for (int j = 0; j < features[0]; j++) {
            int c = j / perChannel;
            shift[j] = pre.mean()[pre.mean().length == 1 ? 0 : c];
            div[j] = pre.std()[pre.std().length == 1 ? 0 : c];
        }
        parametersView = Arr.view(params, 0, pc).nd;
        gradientView = Arr.view(grads, 0, pc).nd;
        directionView = Arr.view(direction, 0, pc).nd;
        buffersView = bc > 0 ? Arr.view(buffers, 0, bc).nd : org.nd4j.linalg.factory.Nd4j.create(dtype, 0);
    }

    /**
     * A network of the given architecture; BN weight 1 and running variance 1, everything else 0. Call {@link #initialize}.
     * A spec that does not check ({@link Architecture#of}) is an {@link InputException}.
     */
    public static Network create(ModelSpec spec, DataType dtype) {
        return create(Architecture.of(spec, "model spec"), dtype, true);
    }

    /** As {@link #create(ModelSpec, DataType)}; {@code fuseBlocks = false} runs every layer alone (tests compare). */
    static Network create(ModelSpec spec, DataType dtype, boolean fuseBlocks) {
        return create(Architecture.of(spec, "model spec"), dtype, fuseBlocks);
    }

    private static Network create(Architecture arch, DataType dtype, boolean fuseBlocks) {
        Network net = new Network(arch, dtype, fuseBlocks, null); // new off-heap arrays are zero-filled
        for (Layer layer : net.layers) {
            if (layer instanceof BatchNormLayer) layer.initialize(null);
        }
        return net;
    }

    /**
     * A network with the weights of a model directory's tensors (PyTorch names and shapes, docs/cli.md).
     * Every tensor the architecture needs must be there with its shape; {@code num_batches_tracked} is
     * ignored; any other name is an error ({@link ModelDirectory#check}, the one check of a tensor map).
     */
    public static Network load(ModelSpec spec, Map<String, Tensor> tensors, DataType dtype) {
        Architecture arch = Architecture.of(spec, "model spec");
        return load(arch, ModelDirectory.check(arch, tensors, "weights.safetensors"), dtype);
    }

    /** A network from a model directory read (and checked) by {@link ModelDirectory#read}. */
    public static Network load(ModelDirectory.Loaded model, DataType dtype) {
        return load(model.architecture(), model.tensors(), dtype);
    }

    /** Reads the model directory {@code dir} (model.json + weights.safetensors) into a network of {@code dtype}. */
    public static Network load(Path dir, DataType dtype) {
        return load(ModelDirectory.read(dir), dtype);
    }

    /** {@code tensors} checked against {@code arch}: each copied to its place in the flat vectors. Cost: one pass. */
    private static Network load(Architecture arch, Map<String, Tensor> tensors, DataType dtype) {
        Network net = new Network(arch, dtype, true, null);
        for (Architecture.Entry e : arch.tensors()) {
            Arr view = net.view(e);
            double[] v = tensors.get(e.name()).data();
            for (int i = 0; i < v.length; i++) view.set(i, v[i]);
        }
        return net;
    }

    /** Offsets of layer {@code i}'s tensors among {@code entries}, in the order its spec entry lists them. */
    private static long[] offsets(List<Architecture.Entry> entries, int i) {
        return entries.stream().filter(e -> e.layer() == i).mapToLong(Architecture.Entry::offset).toArray();
    }

    /** The values of tensor {@code e} in this network's flat parameter or buffer vector. */
    private Arr view(Architecture.Entry e) {
        return Arr.view(e.trainable() ? params : buffers, e.offset(), e.size());
    }

    /**
     * A network that shares this one's parameters, direction and running statistics (the same memory: a change to
     * either is seen by both) but has its own gradient vector and activation buffers, so several threads can each
     * evaluate chunks of data on one set of weights ({@code NetworkObjective} does). Cost: one gradient vector, and
     * activation buffers for the chunks it is given.
     */
    public Network replica() {
        return new Network(arch, dtype, fuseBlocks, this);
    }

    /**
     * An independent network with this one's current parameters and running statistics: nothing is shared, so
     * neither sees the other's later changes ({@code NetworkObjective} evaluates trial points in one, leaving the
     * caller's network alone). Cost: copies of the parameters and statistics, and its own gradient and direction
     * vectors (four vectors of P values in all).
     */
    public Network copy() {
        Network c = new Network(arch, dtype, fuseBlocks, null);
        c.parametersView.assign(parametersView);
        if (bufferCount > 0) c.buffersView.assign(buffersView);
        return c;
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

    /** The tensors by PyTorch name, layer by layer (weight, bias, running statistics), values rounded to {@code dtype} ("F32" or "F64"). */
    public Map<String, Tensor> toTensors(String dtype) {
        boolean f32;
        if ("F32".equals(dtype)) f32 = true;
        else if ("F64".equals(dtype)) f32 = false;
        else throw new IllegalArgumentException("tensor dtype F32 or F64, got " + dtype);
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Architecture.Entry> perLayer = new ArrayList<>(arch.tensors());
        perLayer.sort(Comparator.comparingInt(Architecture.Entry::layer)); // stable: each layer's weight, bias, running_mean, running_var
        for (Architecture.Entry e : perLayer) {
            Arr view = view(e);
            double[] v = new double[view.length];
            for (int i = 0; i < v.length; i++) v[i] = f32 ? (double) (float) view.get(i) : view.get(i);
            out.put(e.name(), new Tensor(dtype, e.shape(), v));
        }
        return out;
    }

    public ModelSpec spec() { return spec; }

    /** The spec's layout: layer shapes, and each tensor's name, shape and place in {@link #parameters()} / {@link #buffers()}. */
    public Architecture architecture() { return arch; }

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
        return evaluate(data, chunk, BatchNormMode.RUNNING);
    }

    /**
     * Mean loss and accuracy over {@code data} in the analyses' convention {@code bn}: running statistics
     * {@code chunk} examples a pass, or batch statistics one batch of {@code bn.batch()} examples a pass (the chunk
     * then plays no part: a pass must hold a whole batch). The loss is the size-weighted mean over the passes.
     */
    public Evaluation evaluate(DataSet data, int chunk, BatchNormMode bn) {
        check(data);
        if (chunk <= 0) throw new IllegalArgumentException("chunk must be > 0, got " + chunk);
        int step = bn.batchStatistics() ? bn.batch() : chunk;
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += step) {
            Sums s = lossChunk(data, from, Math.min(data.size(), from + step), bn.statistics());
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

    /**
     * The gradient of the summed loss of examples {@code order[from..to)} with respect to the network's input (the
     * preprocessed values (raw·scale − mean)/std), row-major n × features into {@code out}, for FGSM (Goodfellow et
     * al. 2015; train/Adversarial). Batch norm uses the batch's own statistics (running statistics neither used nor
     * changed) and dropout is off, the network of the training step without its randomness. Leaves the parameter
     * gradient zero. Cost: one forward and one full backward pass (down to the input: one more GEMM for the first
     * layer than a parameter gradient), about a training step.
     */
    public double inputGradient(DataSet data, int[] order, int from, int to, double[] out) {
        check(data);
        int n = to - from;
        if (n <= 0) throw new IllegalArgumentException("empty batch [" + from + ", " + to + ")");
        if (out.length < (long) n * features[0]) throw new IllegalArgumentException("out holds " + out.length + " values, needs " + (long) n * features[0]);
        prepare(n);
        fillInput(data, order, from, n);
        forward(n, Layer.Mode.BATCH, 0);
        grads.zero();
        double sum = top(n, 1.0, true);
        for (int i = layers.length - 1; i >= 0; i--) layers[i].backward(act[i], act[i + 1], grad[i + 1], grad[i], n, Layer.Mode.BATCH);
        Arr g = grad[0];
        for (int k = 0, len = n * features[0]; k < len; k++) out[k] = g.get(k);
        grads.zero();
        return sum;
    }

    // ---------------------------------------------------------------- chunks (for NetworkObjective)

    /** Inference mode, examples [from, to): summed loss and correct count. Cost: one forward pass. */
    public Sums lossChunk(DataSet data, int from, int to) {
        return lossChunk(data, from, to, BatchNormMode.Statistics.RUNNING);
    }

    /**
     * Examples [from, to) with batch norm's {@code statistics}: RUNNING (inference mode) or BATCH (the range is one
     * batch, normalized with its own statistics; running statistics neither used nor changed; dropout off).
     * Summed loss and correct count. Cost: one forward pass.
     */
    public Sums lossChunk(DataSet data, int from, int to, BatchNormMode.Statistics statistics) {
        int n = rangeChunk(data, from, to);
        forward(n, mode(statistics), 0);
        double sum = top(n, 0, false);
        return new Sums(sum, correctOut[0]);
    }

    /**
     * Inference mode, examples [from, to): adds {@code scale}·∇(summed loss) into {@link #gradient()}.
     * Cost: one forward and one backward pass (about 3 GEMMs per linear/conv layer).
     */
    public Sums accumulateGradient(DataSet data, int from, int to, double scale) {
        return accumulateGradient(data, from, to, scale, BatchNormMode.Statistics.RUNNING);
    }

    /** As {@link #accumulateGradient(DataSet, int, int, double)} with batch norm's {@code statistics} (see {@link #lossChunk}). */
    public Sums accumulateGradient(DataSet data, int from, int to, double scale, BatchNormMode.Statistics statistics) {
        int n = rangeChunk(data, from, to);
        Layer.Mode mode = mode(statistics);
        forward(n, mode, 0);
        double sum = top(n, scale, true);
        int correct = correctOut[0];
        backward(n, mode);
        return new Sums(sum, correct);
    }

    /**
     * Inference mode, examples [from, to): adds {@code scale}·H·v into {@link #gradient()}, H the Hessian
     * of the summed loss and v = {@link #direction()}. Exact (Pearlmutter 1994): one forward pass, then
     * the R-forward pass reusing its activations, then the backward and R-backward passes together.
     * Cost: about 8 GEMMs per hidden linear layer against a gradient's 3 (docs/nn.md).
     */
    public void accumulateHessianVector(DataSet data, int from, int to, double scale) {
        accumulateHessianVector(data, from, to, scale, BatchNormMode.Statistics.RUNNING);
    }

    /**
     * As {@link #accumulateHessianVector(DataSet, int, int, double)} with batch norm's {@code statistics} (see
     * {@link #lossChunk}); in BATCH mode the R-passes go through the batch mean and variance, so H·v is exact for
     * the batch-statistics loss. Cost in BATCH mode: the same GEMMs, and about three more element-wise passes per
     * batch-norm layer.
     */
    public void accumulateHessianVector(DataSet data, int from, int to, double scale, BatchNormMode.Statistics statistics) {
        int n = rangeChunk(data, from, to);
        ensureR();
        long t = Profile.start();
        forward(n, mode(statistics), 0);
        t = Profile.add("H·v: forward", t);
        int L = layers.length;
        for (int i = firstParam; i < L; i++) {
            layers[i].rForward(act[i], i > firstParam ? rAct[i] : null, act[i + 1], rAct[i + 1], n);
            if (t != 0) t = Profile.add("H·v: " + layers[i].kind() + " R-forward", t); // t = 0: not profiling, no label made
        }
        top(n, scale, true);
        if (firstParam == L) return;
        SoftmaxCrossEntropy.rGradient(act[L], rAct[L], n, features[L], scale, rGrad[L]);
        t = Profile.add("H·v: loss and its R-gradient", t);
        for (int i = L - 1; i >= firstParam; i--) {
            boolean below = i > firstParam;
            layers[i].rBackward(act[i], below ? rAct[i] : null, act[i + 1], grad[i + 1], rGrad[i + 1],
                    below ? grad[i] : null, below ? rGrad[i] : null, n);
            if (t != 0) t = Profile.add("H·v: " + layers[i].kind() + " backward and R-backward", t);
        }
    }

    // ---------------------------------------------------------------- passes

    private static Layer.Mode mode(BatchNormMode.Statistics statistics) {
        return statistics == BatchNormMode.Statistics.BATCH ? Layer.Mode.BATCH : Layer.Mode.INFERENCE;
    }

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
        if (data.classes() > spec.classes()) data.requireLabelsBelow(spec.classes(), "the model");
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
    /**
     * Off-heap bytes of the activation buffers for {@code rows} examples at once (each layer boundary's values and
     * the two ping-pong gradient buffers; with {@code rPass} as much again for the R-operator's), in long with an
     * overflow marker −1 ({@link Memory#times}). Layers' own scratch (im2col) comes on top; it is checked when made.
     */
    public static long activationBytes(Architecture arch, DataType dtype, long rows, boolean rPass) {
        long perExample = 0, max = 0;
        long in = 1;
        for (int d : arch.steps().get(0).inputShape()) in *= d;
        perExample = in;
        max = in;
        for (Architecture.Step s : arch.steps()) {
            long f = 1;
            for (int d : s.outputShape()) f *= d; // each fits an int (Architecture checked): no overflow in long
            perExample += f;
            max = Math.max(max, f);
        }
        long values = Memory.plus(perExample, Memory.times(2, max));
        if (rPass) values = Memory.times(values, 2);
        return Memory.times(Memory.times(values, rows), dtype.width());
    }

    /** Refuses (exit 2) a chunk of {@code rows} examples whose buffers do not fit the free off-heap memory. */
    private void requireChunk(long rows, boolean rPass) {
        long bytes = activationBytes(arch, dtype, rows, false); // the R-pass's buffers are as large again
        Memory.require(bytes, "a chunk of " + rows + " examples through this model (" + (rPass ? "the R-pass's " : "")
                + "activations of every layer)", "use a smaller --chunk or batch size");
    }

    private void prepare(int n) {
        if (n > capacity) {
            requireChunk(n, false);
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
            requireChunk(capacity, true);
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

    /** The layer objects of a checked architecture, each given the shape Architecture computed for its input. */
    private static Layer[] build(Architecture arch, Scratch scratch) {
        List<Architecture.Step> steps = arch.steps();
        Layer[] out = new Layer[steps.size()];
        for (int i = 0; i < out.length; i++) {
            ModelSpec.Layer l = steps.get(i).layer();
            int[] in = steps.get(i).inputShape();
            if (l instanceof ModelSpec.Linear x) out[i] = new LinearLayer(i, x.in(), x.out());
            else if (l instanceof ModelSpec.Conv2d x) out[i] = new Conv2dLayer(i, in, x.out(), x.kernel(), x.stride(), x.padding(), scratch);
            else if (l instanceof ModelSpec.MaxPool2d x) out[i] = new MaxPool2dLayer(i, in, x.kernel(), x.stride(), x.padding());
            else if (l instanceof ModelSpec.BatchNorm x) out[i] = new BatchNormLayer(i, in, x.eps(), x.momentum());
            else if (l instanceof ModelSpec.Relu) out[i] = new ReluLayer(i, in);
            else if (l instanceof ModelSpec.Dropout x) out[i] = new DropoutLayer(i, in, x.p());
            else if (l instanceof ModelSpec.Flatten) out[i] = new FlattenLayer(i, in);
            else throw new IllegalStateException("no nn layer for " + l.type()); // a ModelSpec.Layer without its line here
        }
        return out;
    }
}
