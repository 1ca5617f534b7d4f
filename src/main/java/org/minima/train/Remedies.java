package org.minima.train;

import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.nn.BatchResult;
import org.minima.nn.Network;

/**
 * The training step with Keskar et al.'s remedies for large batches (2017 §5): the batch, augmented ({@link Augment})
 * and extended by FGSM examples ({@link Adversarial}), then the update: one optimizer step, or {@link Proximal}'s
 * inner loop on the same batch. Without remedies it is exactly the plain step (the training set read in place, one
 * {@code trainStep}, one optimizer step), so runs without these keys keep their bits.
 *
 * <p>Cost beyond the plain step: a copy of the batch's raw values when augmenting or adding adversarial examples
 * (buffers reused while the batch size stays), Adversarial's and Proximal's extra passes (see those classes).
 */
final class Remedies {
    private final Augment augment;
    private final Adversarial adversarial;
    private final int c, h, w; // image shape for augmentation
    private final double lo, hi; // raw range of the training set: FGSM's clip
    private final double[] advStep; // ε per feature in raw units
    private float[] xb = new float[0];
    private int[] yb = new int[0], rows = new int[0];
    private double[] inputGrad = new double[0];

    Remedies(Augment augment, Adversarial adversarial, Network net, DataSet train) {
        this.augment = augment;
        this.adversarial = adversarial;
        int[] shape = image(train.exampleShape()) ? train.exampleShape() : net.spec().input();
        if (shape.length == 2) shape = new int[] {1, shape[0], shape[1]}; // (H, W): one channel
        if (augment.active() && shape.length != 3) {
            throw new InputException("augment: needs images (C, H, W); the training data " + train.spec() + " and the model's input are "
                    + java.util.Arrays.toString(shape));
        }
        c = shape.length == 3 ? shape[0] : 1;
        h = shape.length == 3 ? shape[1] : 1;
        w = shape.length == 3 ? shape[2] : train.features();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        if (adversarial.active()) {
            for (float v : train.rawFeatures()) { // one pass over the training set, once per run
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        lo = min;
        hi = max;
        advStep = adversarial.active() ? Adversarial.rawStep(net.spec().preprocess(), train.features(), c, adversarial.eps()) : null;
    }

    private static boolean image(int[] shape) { return shape.length == 2 || shape.length == 3; }

    boolean active() { return augment.active() || adversarial.active(); }

    /**
     * The step on examples order[lo..hi) at global step {@code step}: builds the batch, computes the gradient, updates
     * the parameters with learning rate {@code lr}. Returns the batch's loss (before the update).
     */
    BatchResult step(Network net, Optimizer opt, DataSet train, int[] order, int from, int to, long seed, long step, double lr) {
        DataSet data = train;
        int[] ord = order;
        int a = from, b = to;
        if (active()) {
            data = batch(net, train, order, from, to, seed, step);
            ord = null;
            a = 0;
            b = data.size();
        }
        long dropout = Trainer.mix(seed, step, 0xD50L);
        BatchResult r = net.trainStep(data, ord, a, b, dropout, null);
        if (!Double.isFinite(r.loss())) return r;
        if (opt instanceof Proximal p) {
            DataSet d = data;
            int[] o = ord;
            int aa = a, bb = b;
            boolean[] first = {true};
            // the first inner step uses the gradient just computed; later ones recompute on the same batch at the new w
            p.step(net.parameters(), lr, () -> {
                if (!first[0]) net.trainStep(d, o, aa, bb, dropout, null);
                first[0] = false;
                return net.gradient();
            });
        } else {
            // One fused pass over parameters, gradient and optimizer state; no allocation.
            opt.step(net.parameters(), net.gradient(), lr);
        }
        return r;
    }

    /** The step's batch as its own data set: n augmented examples, then m FGSM copies of the first m. */
    DataSet batch(Network net, DataSet train, int[] order, int from, int to, long seed, long step) {
        int n = to - from, f = train.features(), m = adversarial.count(n);
        if (xb.length != (n + m) * f) {
            xb = new float[(n + m) * f];
            yb = new int[n + m];
        }
        if (rows.length != n) rows = new int[n];
        System.arraycopy(order, from, rows, 0, n);
        float[] raw = train.rawFeatures();
        if (augment.active()) {
            augment.apply(raw, rows, n, c, h, w, xb, Trainer.mix(seed, step, 0xA06L));
        } else {
            for (int r = 0; r < n; r++) System.arraycopy(raw, rows[r] * f, xb, r * f, f);
        }
        for (int r = 0; r < n; r++) yb[r] = train.label(rows[r]);
        DataSet batch = new DataSet(train.spec() + " (batch)", train.exampleShape(), train.classes(), xb, yb);
        if (m > 0) {
            if (inputGrad.length < m * f) inputGrad = new double[m * f];
            for (int r = 0; r < m; r++) yb[n + r] = yb[r];
            // the gradient of the first m (already augmented) examples on the current weights
            net.inputGradient(batch, null, 0, m, inputGrad);
            Adversarial.perturb(xb, 0, inputGrad, advStep, m, f, lo, hi, xb, n * f);
        }
        return batch;
    }
}
