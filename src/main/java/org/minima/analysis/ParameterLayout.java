package org.minima.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minima.io.Architecture;
import org.minima.io.InputException;
import org.minima.io.ModelSpec;
import org.minima.io.ModelSpec.Kind;
import org.minima.io.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Where each tensor of a model lives in the flat parameter vector, and what kind of entries it holds, as
 * {@link Architecture} lays it out (every trainable tensor, {@code weight} then {@code bias}, of each layer
 * in order, row-major). Filter normalization needs the kind: the rows of a linear weight {@code [out, in]}
 * and of a conv weight {@code [out, in, kh, kw]} are the filters (one per output unit / channel, as in
 * Li et al. 2018, §4); biases and batch-norm scale/shift are handled apart. Also the layout of the
 * batch-norm running statistics ({@code running_mean} then {@code running_var} of each batch-norm layer
 * in order), and the flat vectors as named tensors and back.
 */
public final class ParameterLayout {

    /**
     * One tensor of the flat vector: {@code rows × rowLength} values from {@code offset}. For
     * {@link Kind#FILTERS} a row is one filter (the first dimension of the shape); for the others {@code rows == 1}.
     */
    public record Block(String name, Kind kind, long offset, int rows, int rowLength, long[] shape) {
        public long size() { return (long) rows * rowLength; }

        static Block of(Architecture.Entry e) {
            int rows = e.kind() == Kind.FILTERS ? (int) e.shape()[0] : 1;
            return new Block(e.name(), e.kind(), e.offset(), rows, (int) (e.size() / rows), e.shape());
        }
    }

    private final List<Block> parameters;
    private final List<Block> buffers;
    /** The {@code running_var} blocks of {@link #buffers}, for {@link #clampRunningVariances}. */
    private final List<Block> variances;
    private final long parameterCount;
    private final long bufferCount;

    private ParameterLayout(Architecture a) {
        this.parameters = a.parameters().stream().map(Block::of).toList();
        this.buffers = a.buffers().stream().map(Block::of).toList();
        this.variances = buffers.stream().filter(b -> b.name().endsWith(".running_var")).toList();
        this.parameterCount = a.parameterCount();
        this.bufferCount = a.bufferCount();
    }

    /** The layout of {@code spec}'s architecture (checked: an invalid spec is an {@link InputException}). */
    public static ParameterLayout of(ModelSpec spec) {
        return new ParameterLayout(Architecture.of(spec, "model spec"));
    }

    public static ParameterLayout of(Architecture a) {
        return new ParameterLayout(a);
    }

    public List<Block> parameters() { return parameters; }

    public List<Block> buffers() { return buffers; }

    public long parameterCount() { return parameterCount; }

    public long bufferCount() { return bufferCount; }

    /**
     * Sets every negative batch-norm running variance in the flat buffer vector {@code buffers} to 0, in place.
     * Needed wherever buffers are extrapolated: (1 − α)·σ²_from + α·σ²_to is negative for some α outside
     * [0, 1] when the two variances differ, and inference-mode batch norm divides by √(σ² + eps), which is NaN
     * there (PyTorch gives NaN as well). With σ² ≥ 0 the divisor stays ≥ √eps > 0. Running means are left as
     * they are. Cost: one pass over the variances, no allocation beyond the views.
     */
    public void clampRunningVariances(INDArray buffers) {
        if (buffers.length() != bufferCount) {
            throw new IllegalArgumentException("buffer vector has " + buffers.length() + " values, layout needs " + bufferCount);
        }
        for (Block b : variances) {
            INDArray v = buffers.get(NDArrayIndex.interval(b.offset(), b.offset() + b.size()));
            Transforms.max(v, 0.0, false);
        }
    }

    /** A flat parameter vector as named tensors (for writing a direction as safetensors). */
    public Map<String, Tensor> toTensors(double[] flat, String dtype) {
        if (flat.length != parameterCount) {
            throw new IllegalArgumentException("flat vector has " + flat.length + " values, layout needs " + parameterCount);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Block b : parameters) {
            double[] data = new double[(int) b.size()];
            System.arraycopy(flat, (int) b.offset(), data, 0, data.length);
            out.put(b.name(), new Tensor(dtype, b.shape(), data));
        }
        return out;
    }

    /**
     * Named tensors as a flat parameter vector. Every parameter tensor must be present with its shape;
     * other tensors (running statistics, {@code num_batches_tracked}) are ignored. {@code where} names the
     * file in error messages.
     */
    public double[] fromTensors(Map<String, Tensor> tensors, String where) {
        double[] flat = new double[Math.toIntExact(parameterCount)];
        for (Block b : parameters) {
            Tensor t = tensors.get(b.name());
            if (t == null) throw new InputException(where + ": tensor " + b.name() + " is missing (the model has it, shape " + java.util.Arrays.toString(b.shape()) + ")");
            if (!java.util.Arrays.equals(t.shape(), b.shape())) {
                throw new InputException(where + ": tensor " + b.name() + " has shape " + java.util.Arrays.toString(t.shape())
                        + ", but the model needs " + java.util.Arrays.toString(b.shape()));
            }
            System.arraycopy(t.data(), 0, flat, (int) b.offset(), t.data().length);
        }
        return flat;
    }
}
