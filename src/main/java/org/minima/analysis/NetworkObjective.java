package org.minima.analysis;

import org.minima.data.DataSet;
import org.minima.nn.Network;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inference-mode mean loss of a {@link Network} over a fixed data set, as a function of the flat
 * parameter vector: f(w) = (1/N) Σₙ ℓₙ(w). Evaluated {@code chunk} examples at a time, so memory is
 * bounded by the chunk, not the data; each chunk adds its summed loss (so it weighs by its size) and
 * (1/N)·its gradient or Hessian-vector product into the network's accumulators.
 *
 * <p>{@code w} is copied into the network's parameters on each call unless it is that very array
 * ({@link #inPlacePoint}), and the gradient out of the network's unless {@code gradOut} is
 * {@link #inPlaceGradient} (cost: one pass over P values each, small against a pass over the data). Not thread-safe.
 */
public final class NetworkObjective implements Objective {
    private final Network net;
    private final DataSet data;
    private final int chunk;
    private long evaluations, gradients, hvps;

    public NetworkObjective(Network net, DataSet data, int chunk) {
        if (chunk <= 0) throw new IllegalArgumentException("chunk must be > 0, got " + chunk);
        if (data.size() == 0) throw new IllegalArgumentException(data.spec() + ": no examples");
        this.net = net;
        this.data = data;
        this.chunk = chunk;
    }

    public Network network() { return net; }

    public DataSet data() { return data; }

    @Override
    public long dimension() {
        return net.parameterCount();
    }

    @Override
    public double value(INDArray w) {
        use(w);
        evaluations++;
        double sum = 0;
        for (int from = 0; from < data.size(); from += chunk) {
            sum += net.lossChunk(data, from, Math.min(data.size(), from + chunk)).lossSum();
        }
        return sum / data.size();
    }

    @Override
    public double valueAndGradient(INDArray w, INDArray gradOut) {
        use(w);
        evaluations++;
        gradients++;
        net.zeroGradient();
        double sum = 0, scale = 1.0 / data.size();
        for (int from = 0; from < data.size(); from += chunk) {
            sum += net.accumulateGradient(data, from, Math.min(data.size(), from + chunk), scale).lossSum();
        }
        if (gradOut != net.gradient()) gradOut.assign(net.gradient().reshape(gradOut.shape()));
        return sum / data.size();
    }

    /** The network's own parameter vector: passed as {@code w}, it is used without a copy. */
    @Override
    public INDArray inPlacePoint() {
        return net.parameters();
    }

    /** The network's own gradient vector: passed as {@code gradOut}, the gradient is not copied. */
    @Override
    public INDArray inPlaceGradient() {
        return net.gradient();
    }

    @Override
    public void hessianVector(INDArray w, INDArray v, INDArray out) {
        use(w);
        hvps++;
        net.direction().assign(v.reshape(net.direction().shape()));
        net.zeroGradient();
        double scale = 1.0 / data.size();
        for (int from = 0; from < data.size(); from += chunk) {
            net.accumulateHessianVector(data, from, Math.min(data.size(), from + chunk), scale);
        }
        out.assign(net.gradient().reshape(out.shape()));
    }

    /** Calls of {@link #value} and {@link #valueAndGradient} so far. */
    public long evaluations() { return evaluations; }

    /** Calls of {@link #valueAndGradient} so far. */
    public long gradients() { return gradients; }

    /** Hessian-vector products so far. */
    public long hvps() { return hvps; }

    private void use(INDArray w) {
        // Any shape with P values is accepted ([P] or [1, P]); reshape of a contiguous vector is a view.
        if (w.length() != net.parameterCount()) {
            throw new IllegalArgumentException("w has " + w.length() + " values, the network " + net.parameterCount());
        }
        if (w != net.parameters()) net.parameters().assign(w.reshape(net.parameters().shape()));
    }
}
