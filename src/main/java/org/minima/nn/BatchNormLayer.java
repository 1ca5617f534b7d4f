package org.minima.nn;

import java.util.List;
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
 * s = √(σ² + eps) fixed; that is the mode of every R-pass, so the Hessian-vector product is exact
 * (see docs/nn.md).
 */
final class BatchNormLayer extends Layer {
    private final int channels, spatial;
    private final double eps, momentum;
    private Arr gamma, beta, ggamma, gbeta, vgamma, vbeta, runningMean, runningVar;
    /** The statistics of the last forward pass (batch ones in training, running ones in inference). */
    private final double[] mean, invStd;

    BatchNormLayer(int index, int[] shape, double eps, double momentum) {
        super(index, shape, shape);
        this.channels = shape[0];
        this.spatial = shape.length == 1 ? 1 : shape[1] * shape[2];
        this.eps = eps;
        this.momentum = momentum;
        this.mean = new double[channels];
        this.invStd = new double[channels];
    }

    @Override int parameterCount() { return 2 * channels; }

    @Override int bufferCount() { return 2 * channels; }

    @Override
    void bindParameters(Arr params, Arr grads, Arr direction, long offset) {
        gamma = Arr.view(params, offset, channels);
        beta = Arr.view(params, offset + channels, channels);
        ggamma = Arr.view(grads, offset, channels);
        gbeta = Arr.view(grads, offset + channels, channels);
        vgamma = Arr.view(direction, offset, channels);
        vbeta = Arr.view(direction, offset + channels, channels);
    }

    @Override
    void bindBuffers(Arr buffers, long offset) {
        runningMean = Arr.view(buffers, offset, channels);
        runningVar = Arr.view(buffers, offset + channels, channels);
    }

    @Override
    List<Named> tensors() {
        long[] s = {channels};
        return List.of(new Named("weight", s, gamma), new Named("bias", s, beta),
                new Named("running_mean", s, runningMean), new Named("running_var", s, runningVar));
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
        if (mode == Mode.TRAINING) batchStatistics(x, n);
        else runningStatistics();
        // y = γ·x̂ + β, x̂ = (x − μ)·invStd: one pass.
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double g = gamma.get(c), bt = beta.get(c), m = mean[c], is = invStd[c];
                for (int s = 0; s < spatial; s++, k++) y.set(k, g * ((x.get(k) - m) * is) + bt);
            }
        }
    }

    private void runningStatistics() {
        for (int c = 0; c < channels; c++) {
            mean[c] = runningMean.get(c);
            invStd[c] = 1.0 / Math.sqrt(runningVar.get(c) + eps);
        }
    }

    /** Batch mean and biased variance (two passes, for accuracy), and the running-average update. */
    private void batchStatistics(Arr x, int n) {
        long count = (long) n * spatial;
        if (count < 2) {
            throw new IllegalArgumentException("batch norm in training mode needs more than 1 value per channel, got a batch of " + n);
        }
        double[] sum = new double[channels];
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double a = 0;
                for (int s = 0; s < spatial; s++, k++) a += x.get(k);
                sum[c] += a;
            }
        }
        for (int c = 0; c < channels; c++) mean[c] = sum[c] / count;
        double[] sq = new double[channels];
        k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double a = 0, m = mean[c];
                for (int s = 0; s < spatial; s++, k++) {
                    double d = x.get(k) - m;
                    a += d * d;
                }
                sq[c] += a;
            }
        }
        for (int c = 0; c < channels; c++) {
            double biased = sq[c] / count;
            invStd[c] = 1.0 / Math.sqrt(biased + eps);
            double unbiased = sq[c] / (count - 1);
            runningMean.set(c, (1 - momentum) * runningMean.get(c) + momentum * mean[c]);
            runningVar.set(c, (1 - momentum) * runningVar.get(c) + momentum * unbiased);
        }
    }

    @Override
    void backward(Arr x, Arr y, Arr dy, Arr dx, int n, Mode mode) {
        // Σ dy and Σ dy·x̂ per channel: they are ∂L/∂β and ∂L/∂γ, and training mode needs them for ∂L/∂x too.
        double[] sumDy = new double[channels], sumDyXhat = new double[channels];
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double m = mean[c], is = invStd[c], a = 0, b = 0;
                for (int s = 0; s < spatial; s++, k++) {
                    double d = dy.get(k);
                    a += d;
                    b += d * ((x.get(k) - m) * is);
                }
                sumDy[c] += a;
                sumDyXhat[c] += b;
            }
        }
        for (int c = 0; c < channels; c++) {
            gbeta.add(c, sumDy[c]);
            ggamma.add(c, sumDyXhat[c]);
        }
        if (dx == null) return;
        k = 0;
        if (mode == Mode.INFERENCE) {
            // Affine per channel: ∂L/∂x = dy·γ·invStd.
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < channels; c++) {
                    double a = gamma.get(c) * invStd[c];
                    for (int s = 0; s < spatial; s++, k++) dx.set(k, dy.get(k) * a);
                }
            }
        } else {
            // Ioffe & Szegedy 2015, §3 (the batch statistics depend on x):
            // ∂L/∂x = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)), means over the channel's count values.
            double count = (double) n * spatial;
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < channels; c++) {
                    double a = gamma.get(c) * invStd[c], m = mean[c], is = invStd[c];
                    double md = sumDy[c] / count, mdx = sumDyXhat[c] / count;
                    for (int s = 0; s < spatial; s++, k++) {
                        double xhat = (x.get(k) - m) * is;
                        dx.set(k, a * (dy.get(k) - md - xhat * mdx));
                    }
                }
            }
        }
    }

    @Override
    void rForward(Arr x, Arr rx, Arr y, Arr ry, int n) {
        // Inference mode: R{y} = γ·invStd·R{x} + v_γ·x̂ + v_β.
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double a = gamma.get(c) * invStd[c], vg = vgamma.get(c), vb = vbeta.get(c), m = mean[c], is = invStd[c];
                for (int s = 0; s < spatial; s++, k++) {
                    double v = vg * ((x.get(k) - m) * is) + vb;
                    if (rx != null) v += a * rx.get(k);
                    ry.set(k, v);
                }
            }
        }
    }

    @Override
    void rBackward(Arr x, Arr rx, Arr y, Arr dy, Arr rdy, Arr dx, Arr rdx, int n) {
        // R{∂L/∂γ} = Σ (R{dy}·x̂ + dy·invStd·R{x});  R{∂L/∂β} = Σ R{dy};
        // ∂L/∂x = dy·γ·invStd;  R{∂L/∂x} = (R{dy}·γ + dy·v_γ)·invStd.
        double[] sumG = new double[channels], sumB = new double[channels];
        int k = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < channels; c++) {
                double g = gamma.get(c), vg = vgamma.get(c), m = mean[c], is = invStd[c], sg = 0, sb = 0;
                for (int s = 0; s < spatial; s++, k++) {
                    double d = dy.get(k), rd = rdy.get(k);
                    sb += rd;
                    sg += rd * ((x.get(k) - m) * is);
                    if (rx != null) sg += d * is * rx.get(k);
                    if (dx != null) {
                        dx.set(k, d * g * is);
                        rdx.set(k, (rd * g + d * vg) * is);
                    }
                }
                sumG[c] += sg;
                sumB[c] += sb;
            }
        }
        for (int c = 0; c < channels; c++) {
            ggamma.add(c, sumG[c]);
            gbeta.add(c, sumB[c]);
        }
    }
}
