package org.minima.nn;

import java.util.SplittableRandom;

/**
 * Batch normalization (Ioffe &amp; Szegedy 2015, Algorithm 1 and §3), 1-D on {@code [n, C]} or 2-D on
 * {@code [n, C, H, W]} (statistics per channel over the batch and the spatial positions), as PyTorch's
 * {@code BatchNorm1d/2d}.
 *
 * <p>Training mode normalizes with the batch mean and the biased batch variance, and updates the
 * running averages as PyTorch does: {@code running = (1 − momentum)·running + momentum·batch}, with
 * the <em>unbiased</em> batch variance for {@code running_var}. Inference mode uses the running
 * statistics, which makes the layer an affine map per channel, y = γ·(x − μ)/s + β with
 * s = √(σ² + eps) fixed. Batch mode (the analyzers' batch convention, {@link BatchNormMode}) normalizes
 * with the batch statistics as training mode does but leaves the running averages alone; its R-passes carry
 * R{μ} and R{σ²} through the batch statistics (Pearlmutter 1994), so the Hessian-vector product is exact in
 * both analyzer modes (see docs/nn.md).
 */
final class BatchNormLayer extends Layer {
    private final int channels, spatial;
    private final double eps, momentum;
    private Arr gamma, beta, ggamma, gbeta, vgamma, vbeta, runningMean, runningVar;
    /** The statistics of the last forward pass (batch ones in training and batch mode, running ones in inference). */
    private final double[] mean, invStd;
    /** Did the last forward pass use batch statistics (so its R-passes go through them)? */
    private boolean batchStats;
    /** Batch-mode R-forward, per channel: mean(R{x}) and ρ = mean(x̂·R{x}), which R-backward reads again. */
    private final double[] rMean, rho;

    BatchNormLayer(int index, int[] shape, double eps, double momentum) {
        super(index, shape, shape);
        this.channels = shape[0];
        this.spatial = shape.length == 1 ? 1 : shape[1] * shape[2];
        this.eps = eps;
        this.momentum = momentum;
        this.mean = new double[channels];
        this.invStd = new double[channels];
        this.rMean = new double[channels];
        this.rho = new double[channels];
    }

    @Override
    void bindParameters(Arr params, Arr grads, Arr direction, long[] at) {
        gamma = Arr.view(params, at[0], channels);
        beta = Arr.view(params, at[1], channels);
        ggamma = Arr.view(grads, at[0], channels);
        gbeta = Arr.view(grads, at[1], channels);
        vgamma = Arr.view(direction, at[0], channels);
        vbeta = Arr.view(direction, at[1], channels);
    }

    @Override
    void bindBuffers(Arr buffers, long[] at) {
        runningMean = Arr.view(buffers, at[0], channels);
        runningVar = Arr.view(buffers, at[1], channels);
    }

    /** PyTorch: weight 1, bias 0, running mean 0, running variance 1 (no random draws). */
    @Override
    void initialize(SplittableRandom rng) {
        Inits.fill(gamma, 1.0);
        Inits.fill(beta, 0.0);
        Inits.fill(runningMean, 0.0);
        Inits.fill(runningVar, 1.0);
    }

    @Override
    void forward(Arr x, Arr y, int n, Mode mode, long seed) {
        if (mode != Mode.INFERENCE) batchStatistics(x, n, mode == Mode.TRAINING);
        else runningStatistics();
        double[][] ab = coefficients();
        affine(x, ab[0], ab[1], y, n);
    }

    /** One value per channel and example (1-D, after a linear layer)? */
    boolean oneDimensional() {
        return spatial == 1;
    }

    /**
     * Inference mode: takes the running statistics as this pass's and returns {a, b} with y = a·x + b per channel
     * (what {@link #forward} applies), for {@link LinearBatchNormRelu}.
     */
    double[][] inferenceCoefficients() {
        runningStatistics();
        return coefficients();
    }

    /** y = γ·(x − μ)·invStd + β = a·x + b per channel, from the statistics of the last forward pass: {a, b}. */
    double[][] coefficients() {
        double[] a = new double[channels], b = new double[channels];
        for (int c = 0; c < channels; c++) {
            a[c] = gamma.get(c) * invStd[c];
            b[c] = beta.get(c) - a[c] * mean[c];
        }
        return new double[][] {a, b};
    }

    /**
     * Adds ∂L/∂β = Σ dy and ∂L/∂γ = Σ dy·x̂ = invStd·(Σ dy·x − μ·Σ dy) from the per-channel sums; returns Σ dy·x̂
     * (training mode's ∂L/∂x needs it).
     */
    double[] addParameterGradients(double[] sumDy, double[] sumDyX) {
        double[] sumDyXhat = new double[channels];
        for (int c = 0; c < channels; c++) {
            sumDyXhat[c] = invStd[c] * (sumDyX[c] - mean[c] * sumDy[c]);
            gbeta.add(c, sumDy[c]);
            ggamma.add(c, sumDyXhat[c]);
        }
        return sumDyXhat;
    }

    /** out = a[c]·in + b[c] per channel. Rows split over the threads. */
    private void affine(Arr in, double[] a, double[] b, Arr out, int n) {
        Parallel.range(n, (long) n * inFeatures, (r0, r1) -> {
            int k = r0 * inFeatures;
            for (int r = r0; r < r1; r++) {
                if (spatial == 1) {
                    for (int c = 0; c < channels; c++, k++) out.set(k, a[c] * in.get(k) + b[c]);
                } else {
                    for (int c = 0; c < channels; c++) {
                        double ac = a[c], bc = b[c];
                        for (int s = 0; s < spatial; s++, k++) out.set(k, ac * in.get(k) + bc);
                    }
                }
            }
        });
    }

    private void runningStatistics() {
        batchStats = false; // also when the fused block runs this layer's inference forward
        for (int c = 0; c < channels; c++) {
            mean[c] = runningMean.get(c);
            invStd[c] = 1.0 / Math.sqrt(runningVar.get(c) + eps);
        }
    }

    /** Batch mean and biased variance (two passes, for accuracy), and the running-average update (training mode). */
    private void batchStatistics(Arr x, int n) {
        batchStatistics(x, n, true, null);
    }

    /** As {@link #batchStatistics(Arr, int)}, with the running-average update only when {@code update} (batch mode: none). */
    private void batchStatistics(Arr x, int n, boolean update) {
        batchStatistics(x, n, update, null);
    }

    /**
     * Batch mean and biased variance, and with {@code update} the running-average update; with {@code bias != null}
     * the first pass first adds bias[c] to each value of x and stores it (the linear layer's bias,
     * {@link #forwardRelu(Arr, Arr, int, double[])}): x then holds what the linear layer's own bias pass would have
     * left, and the sums read the same values.
     */
    private void batchStatistics(Arr x, int n, boolean update, double[] bias) {
        long count = (long) n * spatial;
        boolean f64 = x.nd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        if (update && count < 2) { // as PyTorch; batch mode allows one value (x̂ = 0, y = β: well defined as eps > 0)
            throw new IllegalArgumentException("batch norm in training mode needs more than 1 value per channel, got a batch of " + n);
        }
        batchStats = true;
        // Both passes split by channels, so each sum adds its terms in the same order on one thread.
        double[] sum = new double[channels];
        float[] biasF = new float[bias == null || f64 ? 0 : channels]; // a float32 layer's bias values, as stored
        for (int c = 0; c < biasF.length; c++) biasF[c] = (float) bias[c];
        Parallel.range(channels, (long) n * inFeatures, (c0, c1) -> {
            if (spatial == 1) { // 1-D: a tight loop along the row (sum[c] += x is sum[c] += 0 + x: the sum is never −0)
                for (int r = 0; r < n; r++) {
                    int k = r * channels;
                    if (bias == null) {
                        for (int c = c0; c < c1; c++) sum[c] += x.get(k + c);
                    } else if (!f64) { // F1's case: a float plus a float bias is the double sum rounded (Arr#getFloat)
                        for (int c = c0; c < c1; c++) {
                            float v = x.getFloat(k + c) + biasF[c];
                            x.setFloat(k + c, v);
                            sum[c] += v;
                        }
                    } else {
                        for (int c = c0; c < c1; c++) {
                            double v = x.get(k + c) + bias[c];
                            if (!f64) v = (float) v;
                            x.set(k + c, v);
                            sum[c] += v;
                        }
                    }
                }
                return;
            }
            for (int r = 0; r < n; r++) {
                for (int c = c0, k = r * inFeatures + c0 * spatial; c < c1; c++) {
                    double a = 0;
                    if (bias == null) {
                        for (int s = 0; s < spatial; s++, k++) a += x.get(k);
                    } else {
                        for (int s = 0; s < spatial; s++, k++) {
                            double v = x.get(k) + bias[c];
                            if (!f64) v = (float) v;
                            x.set(k, v);
                            a += v;
                        }
                    }
                    sum[c] += a;
                }
            }
        });
        for (int c = 0; c < channels; c++) mean[c] = sum[c] / count;
        double[] sq = new double[channels];
        Parallel.range(channels, (long) n * inFeatures, (c0, c1) -> {
            if (spatial == 1) {
                for (int r = 0; r < n; r++) {
                    int k = r * channels;
                    for (int c = c0; c < c1; c++) {
                        double dv = x.get(k + c) - mean[c];
                        sq[c] += dv * dv;
                    }
                }
                return;
            }
            for (int r = 0; r < n; r++) {
                for (int c = c0, k = r * inFeatures + c0 * spatial; c < c1; c++) {
                    double a = 0, m = mean[c];
                    for (int s = 0; s < spatial; s++, k++) {
                        double d = x.get(k) - m;
                        a += d * d;
                    }
                    sq[c] += a;
                }
            }
        });
        for (int c = 0; c < channels; c++) {
            double biased = sq[c] / count;
            invStd[c] = 1.0 / Math.sqrt(biased + eps);
            if (!update) continue;
            double unbiased = sq[c] / (count - 1);
            runningMean.set(c, (1 - momentum) * runningMean.get(c) + momentum * mean[c]);
            runningVar.set(c, (1 - momentum) * runningVar.get(c) + momentum * unbiased);
        }
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        backwardMasked(x, dy, null, dx, n, mode, null);
    }

    /**
     * Training mode, this layer and the ReLU after it as one (F1's and C1's blocks): y3 = max(BN(x), 0), written
     * straight into the ReLU's output; the batch norm's own output is never stored. Each value is the same expression,
     * rounded where the layers' arrays would round it, as the two layers' passes, so the bits are theirs (tested).
     * Saves one write and one read pass over the activations (of the six the two layers make).
     */
    void forwardRelu(Arr x, Arr y3, int n) {
        forwardRelu(x, y3, n, null);
    }

    /**
     * As {@link #forwardRelu(Arr, Arr, int)} after a linear layer that left out its bias ({@link LinearLayer#forwardWithoutBias}):
     * the bias is added in the first statistics pass (one read and write pass fewer; the same bits).
     */
    void forwardRelu(Arr x, Arr y3, int n, double[] bias) {
        batchStatistics(x, n, true, bias);
        double[][] ab = coefficients();
        double[] a = ab[0], b = ab[1];
        boolean f64 = x.nd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        Parallel.range(n, (long) n * inFeatures, (r0, r1) -> {
            if (spatial == 1 && !f64) { // F1's case as a tight loop
                for (int k = r0 * channels, r = r0; r < r1; r++, k += channels) {
                    for (int c = 0; c < channels; c++) y3.setFloat(k + c, Math.max((float) (a[c] * x.get(k + c) + b[c]), 0f));
                }
                return;
            }
            int k = r0 * inFeatures;
            for (int r = r0; r < r1; r++) {
                for (int c = 0; c < channels; c++, k += spatial) {
                    double ac = a[c], bc = b[c];
                    if (f64) {
                        for (int i = k, end = k + spatial; i < end; i++) y3.set(i, Math.max(ac * x.get(i) + bc, 0.0));
                    } else { // C1's case: a tight loop, float max (several times faster than the double one, same value)
                        for (int i = k, end = k + spatial; i < end; i++) y3.setFloat(i, Math.max((float) (ac * x.get(i) + bc), 0f));
                    }
                }
            }
        });
    }

    /**
     * Training mode, from d3 = ∂L/∂y3 of {@link #forwardRelu} (the same batch): the ReLU's mask applied on the fly,
     * the parameter gradients added and ∂L/∂x written into dx (which may be d3's memory: each value is read before it
     * is written). Two passes where the two layers make three; the same bits as theirs.
     */
    void backwardRelu(Arr x, Arr y3, Arr d3, Arr dx, int n) {
        backwardMasked(x, d3, y3, dx, n, Mode.TRAINING, null);
    }

    /**
     * As {@link #backwardRelu(Arr, Arr, Arr, Arr, int)} for a 1-D batch norm after a linear layer: also adds the
     * column sums of dx (the linear layer's bias gradient) into {@code dxColumnSums}, in the pass that writes dx, which
     * is then split by columns (the sums add the rows in order, the same bits as the linear layer's own pass).
     */
    void backwardRelu(Arr x, Arr y3, Arr d3, Arr dx, int n, double[] dxColumnSums) {
        backwardMasked(x, d3, y3, dx, n, Mode.TRAINING, dxColumnSums);
    }

    /**
     * [y &gt; 0] as 1 or 0 for a float32 ReLU output y ≥ +0, without a branch or {@code Math.signum} (which costs
     * several times more here): the same factor as {@code Math.signum(y)} for every y but NaN (after which training
     * has diverged anyway).
     */
    static int positive(double y) {
        return positive((float) y);
    }

    /** {@link #positive(double)} of a float32 ReLU output as stored ({@link Arr#getFloat}: no conversions). */
    static int positive(float y) {
        int b = Float.floatToRawIntBits(y);
        return (b | -b) >>> 31;
    }

    /** d·[y &gt; 0] exactly as {@link ReluLayer} computes its mask for each precision (y ≥ +0 is a ReLU output). */
    static double relu(double d, double y, boolean f64) {
        return f64 ? d * Long.signum(Double.doubleToRawLongBits(y)) : d * positive(y);
    }

    /** Backward from dy, or when {@code mask != null} from dy·[mask &gt; 0] (a ReLU's output after this layer). */
    private void backwardMasked(Arr x, Arr dy, Arr mask, Arr dx, int n, Mode mode, double[] dxColumnSums) {
        // Σ dy and Σ dy·x̂ per channel: they are ∂L/∂β and ∂L/∂γ, and training mode needs them for ∂L/∂x too.
        // Σ dy·x̂ = invStd·(Σ dy·x − μ·Σ dy), so one pass reads dy and x once.
        double[] sumDy = new double[channels], sumDyX = new double[channels];
        sums(dy, mask, x, sumDy, sumDyX, n);
        double[] sumDyXhat = addParameterGradients(sumDy, sumDyX);
        if (dx == null) return;
        double[] a = new double[channels], zero = new double[channels];
        for (int c = 0; c < channels; c++) a[c] = gamma.get(c) * invStd[c];
        if (mode == Mode.INFERENCE) {
            affine(dy, a, zero, dx, n); // affine per channel: ∂L/∂x = dy·γ·invStd (never masked: inference is unfused here)
            return;
        }
        boolean f64 = x.nd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        // Ioffe & Szegedy 2015, §3 (the batch statistics depend on x):
        // ∂L/∂x = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)) = a·dy + p·x + q per channel, with
        // p = −a·invStd·mean(dy·x̂) and q = −a·mean(dy) − p·μ.
        double count = (double) n * spatial;
        double[] p = new double[channels], q = new double[channels];
        for (int c = 0; c < channels; c++) {
            p[c] = -a[c] * invStd[c] * sumDyXhat[c] / count;
            q[c] = -a[c] * sumDy[c] / count - p[c] * mean[c];
        }
        if (dxColumnSums != null) { // 1-D only: split by columns, each column's sum over the rows in order
            Parallel.range(channels, (long) n * inFeatures, (c0, c1) -> {
                for (int r = 0; r < n; r++) {
                    if (mask != null && !f64) { // F1's case as a tight loop
                        for (int c = c0, k = r * channels + c0; c < c1; c++, k++) {
                            float g = (float) (a[c] * (dy.get(k) * positive(mask.getFloat(k))) + p[c] * x.get(k) + q[c]);
                            dx.setFloat(k, g);
                            dxColumnSums[c] += g;
                        }
                        continue;
                    }
                    for (int c = c0, k = r * channels + c0; c < c1; c++, k++) {
                        double d = mask == null ? dy.get(k) : relu(dy.get(k), mask.get(k), f64);
                        double g = a[c] * d + p[c] * x.get(k) + q[c];
                        if (!f64) g = (float) g;
                        dx.set(k, g);
                        dxColumnSums[c] += g;
                    }
                }
            });
            return;
        }
        Parallel.range(n, (long) n * inFeatures, (r0, r1) -> {
            int k = r0 * inFeatures;
            for (int r = r0; r < r1; r++) {
                for (int c = 0; c < channels; c++, k += spatial) {
                    double ac = a[c], pc = p[c], qc = q[c];
                    int end = k + spatial;
                    if (mask == null) {
                        for (int i = k; i < end; i++) dx.set(i, ac * dy.get(i) + pc * x.get(i) + qc);
                    } else if (!f64) { // C1's case: a tight loop
                        for (int i = k; i < end; i++) dx.set(i, ac * (dy.get(i) * positive(mask.getFloat(i))) + pc * x.get(i) + qc);
                    } else {
                        for (int i = k; i < end; i++) dx.set(i, ac * relu(dy.get(i), mask.get(i), true) + pc * x.get(i) + qc);
                    }
                }
            }
        });
    }

    /** Per channel, added into the arrays: Σ u into su, Σ u·v into suv. One pass, split by channels. */
    private void sums(Arr u, Arr v, double[] su, double[] suv, int n) {
        sums(u, null, v, su, suv, n);
    }

    /** As {@link #sums(Arr, Arr, double[], double[], int)} with u·[mask &gt; 0] for u when {@code mask != null}. */
    private void sums(Arr u, Arr mask, Arr v, double[] su, double[] suv, int n) {
        boolean f64 = u.nd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        Parallel.range(channels, (long) n * inFeatures, (c0, c1) -> {
            if (spatial == 1 && mask != null && !f64) { // F1's case as a tight loop
                for (int r = 0; r < n; r++) {
                    for (int c = c0, k = r * channels + c0; c < c1; c++, k++) {
                        double d = u.get(k) * positive(mask.getFloat(k));
                        su[c] += d;
                        suv[c] += d * v.get(k);
                    }
                }
                return;
            }
            for (int r = 0; r < n; r++) {
                int k = r * inFeatures + c0 * spatial;
                if (spatial == 1) {
                    for (int c = c0; c < c1; c++, k++) {
                        double d = mask == null ? u.get(k) : relu(u.get(k), mask.get(k), f64);
                        su[c] += d;
                        suv[c] += d * v.get(k);
                    }
                    continue;
                }
                for (int c = c0; c < c1; c++, k += spatial) {
                    double a = 0, b = 0;
                    if (mask == null) {
                        for (int i = k, end = k + spatial; i < end; i++) {
                            double d = u.get(i);
                            a += d;
                            b += d * v.get(i);
                        }
                    } else if (!f64) { // C1's case: a tight loop
                        for (int i = k, end = k + spatial; i < end; i++) {
                            double d = u.get(i) * positive(mask.getFloat(i));
                            a += d;
                            b += d * v.get(i);
                        }
                    } else {
                        for (int i = k, end = k + spatial; i < end; i++) {
                            double d = relu(u.get(i), mask.get(i), true);
                            a += d;
                            b += d * v.get(i);
                        }
                    }
                    su[c] += a;
                    suv[c] += b;
                }
            }
        });
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        // Inference mode: R{y} = γ·invStd·R{x} + v_γ·x̂ + v_β = a·R{x} + e·x + f per channel,
        // a = γ·invStd, e = v_γ·invStd, f = v_β − e·μ.
        // Batch mode: μ and s = invStd depend on x, R{μ} = mean(R{x}) and R{s} = −s²·ρ with ρ = mean(x̂·R{x})
        // (from R{σ²} = 2·mean((x − μ)·R{x})), so R{x̂} = s·(R{x} − R{μ} − x̂·ρ) and
        // R{y} = γ·R{x̂} + v_γ·x̂ + v_β = a·R{x} + e·x + f with e = (v_γ − a·ρ)·s, f = v_β − a·R{μ} − e·μ.
        // Cost in batch mode: one more pass over x and R{x} for the two means.
        java.util.Arrays.fill(rMean, 0.0);
        java.util.Arrays.fill(rho, 0.0);
        if (batchStats && rx != null) {
            double[] sumXRx = new double[channels];
            sums(rx, x, rMean, sumXRx, n);
            double count = (double) n * spatial;
            for (int c = 0; c < channels; c++) {
                rMean[c] /= count;
                rho[c] = invStd[c] * (sumXRx[c] / count - mean[c] * rMean[c]); // s·mean((x − μ)·R{x})
            }
        }
        double[] a = new double[channels], e = new double[channels], f = new double[channels];
        for (int c = 0; c < channels; c++) {
            a[c] = gamma.get(c) * invStd[c];
            e[c] = (vgamma.get(c) - a[c] * rho[c]) * invStd[c];
            f[c] = vbeta.get(c) - a[c] * rMean[c] - e[c] * mean[c];
        }
        if (rx == null) {
            affine(x, e, f, ry, n);
            return;
        }
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double ac = a[c], ec = e[c], fc = f[c];
                for (int s = 0; s < spatial; s++, k++) ry.set(k, ac * rx.get(k) + ec * x.get(k) + fc);
            }
        }
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        // R{∂L/∂γ} = Σ (R{dy}·x̂ + dy·R{x̂}) = count·(H2 + K) below, R{∂L/∂β} = Σ R{dy}, with
        // R{x̂} = s·(R{x} − R{μ} − x̂·ρ) (R{μ} = ρ = 0 in inference mode, where R{x̂} = s·R{x}).
        double[] sumRdy = new double[channels], sumRdyX = new double[channels];
        double[] sumDy = new double[channels], sumDyX = new double[channels], sumDyRx = new double[channels];
        sums(rdy, x, sumRdy, sumRdyX, n);
        if (batchStats) sums(dy, x, sumDy, sumDyX, n); // G1, G2: only batch mode's terms read them
        if (rx != null) sums(dy, rx, new double[channels], sumDyRx, n);
        double count = (double) n * spatial;
        // per channel: G1 = mean(dy), G2 = mean(dy·x̂), H1 = mean(R{dy}), H2 = mean(R{dy}·x̂), K = mean(dy·R{x̂})
        double[] g1 = new double[channels], g2 = new double[channels], h1 = new double[channels], h2 = new double[channels];
        double[] kk = new double[channels];
        for (int c = 0; c < channels; c++) {
            double s = invStd[c], m = mean[c];
            g1[c] = sumDy[c] / count;
            g2[c] = s * (sumDyX[c] - m * sumDy[c]) / count;
            h1[c] = sumRdy[c] / count;
            h2[c] = s * (sumRdyX[c] - m * sumRdy[c]) / count;
            kk[c] = s * (sumDyRx[c] / count - rMean[c] * g1[c] - rho[c] * g2[c]);
            ggamma.add(c, count * (h2[c] + kk[c]));
            gbeta.add(c, sumRdy[c]);
        }
        if (dx == null) return;
        double[] a = new double[channels], e = new double[channels], zero = new double[channels];
        for (int c = 0; c < channels; c++) {
            a[c] = gamma.get(c) * invStd[c];
            e[c] = vgamma.get(c) * invStd[c];
        }
        if (!batchStats) {
            // ∂L/∂x = a·dy;  R{∂L/∂x} = a·R{dy} + e·dy  (a = γ·invStd, e = v_γ·invStd)
            affine(dy, a, zero, dx, n);
            int k = 0;
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < channels; c++) {
                    double ac = a[c], ec = e[c];
                    for (int s = 0; s < spatial; s++, k++) rdx.set(k, ac * rdy.get(k) + ec * dy.get(k));
                }
            }
            return;
        }
        // Batch mode, with g = γ·dy (= ∂L/∂x̂): ∂L/∂x = s·(g − mean(g) − x̂·mean(g·x̂)) = a·(dy − G1 − x̂·G2), and
        // R{∂L/∂x} = (R{s}/s)·∂L/∂x + s·(R{g} − mean(R{g}) − R{x̂}·mean(g·x̂) − x̂·mean(R{g}·x̂ + g·R{x̂})),
        // R{g} = v_γ·dy + γ·R{dy}, R{s}/s = −s·ρ. Collected per channel:
        // R{∂L/∂x} = c1·dy + a·R{dy} + c3·R{x̂} + c4·x̂ + c0. Cost: one pass reading x, R{x}, dy, R{dy}.
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double s = invStd[c], m = mean[c], ac = a[c], gm = gamma.get(c), vg = vgamma.get(c);
                double sr = s * rho[c], rm = rMean[c], G1 = g1[c], G2 = g2[c];
                double c1 = -sr * ac + s * vg;
                double c3 = -ac * G2;
                double c4 = sr * ac * G2 - s * (vg * G2 + gm * h2[c] + gm * kk[c]);
                double c0 = sr * ac * G1 - s * vg * G1 - ac * h1[c];
                for (int q = 0; q < spatial; q++, k++) {
                    double xh = s * (x.get(k) - m);
                    double rxh = rx == null ? 0.0 : s * (rx.get(k) - rm - xh * rho[c]);
                    double d = dy.get(k);
                    dx.set(k, ac * (d - G1 - xh * G2));
                    rdx.set(k, c1 * d + ac * rdy.get(k) + c3 * rxh + c4 * xh + c0);
                }
            }
        }
    }
}
