package org.minima.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loss and accuracy along a path between two minimizers (Keskar, Mudigere, Nocedal, Smelyanskiy & Tang,
 * ICLR 2017, Figure 3: f(α·x_to + (1 − α)·x_from) for α ∈ [−1, 2]; Figure 7: the curved path
 * sin(απ/2)·x_to + cos(απ/2)·x_from). The batch-norm running statistics are moved along the same path as the
 * parameters, as the authors' script does: mixing one model's weights with the other's statistics would
 * measure a model that neither training produced (Li et al. 2018's loss-landscape README warns of this).
 * Outside α ∈ [0, 1] the mixed running variances can be negative, which makes inference-mode batch norm NaN
 * (√(σ² + eps) of a negative number; PyTorch's plain extrapolation gives NaN too); they are clamped at 0
 * ({@link ParameterLayout#clampRunningVariances}) so the curve goes on.
 *
 * <p>The model is never copied per point: each α is written into the network's own parameter and buffer
 * vectors (one assign and one axpy each, no allocation), then the caller's evaluators run on it.
 */
public final class Interpolation {
    private Interpolation() {}

    /** How α mixes the two models: θ(α) = a(α)·from + b(α)·to. */
    public enum Path {
        /** (1 − α)·from + α·to (Keskar Figure 3). */
        LINEAR,
        /** cos(απ/2)·from + sin(απ/2)·to (Keskar Figure 7). */
        CURVED;

        public double fromWeight(double alpha) {
            return this == LINEAR ? 1 - alpha : Math.cos(alpha * Math.PI / 2);
        }

        public double toWeight(double alpha) {
            return this == LINEAR ? alpha : Math.sin(alpha * Math.PI / 2);
        }
    }

    /** One row of {@code interpolation.csv}. */
    public record Point(double alpha, Score train, Score test) {}

    /**
     * The two ends of the path: flat parameters and flat batch-norm running statistics of each model, and the
     * models' common layout (which buffer entries are running variances).
     */
    public record Ends(INDArray fromParameters, INDArray fromBuffers, INDArray toParameters, INDArray toBuffers,
                       ParameterLayout layout) {}

    /**
     * For each α of {@code alphas}: writes θ(α) into {@code parameters} and {@code buffers} (the network's own
     * vectors; negative running variances clamped at 0), then calls {@code train} and {@code test}. {@code progress} is told after each α. The network's
     * vectors hold the last α's model afterwards.
     */
    public static List<Point> run(Ends ends, INDArray parameters, INDArray buffers, Grid alphas, Path path,
                                  Supplier<Score> train, Supplier<Score> test, IntConsumer progress) {
        List<Point> out = new ArrayList<>(alphas.count());
        for (int i = 0; i < alphas.count(); i++) {
            double a = alphas.value(i);
            mix(ends.fromParameters(), ends.toParameters(), path.fromWeight(a), path.toWeight(a), parameters);
            if (buffers != null && buffers.length() > 0) {
                mix(ends.fromBuffers(), ends.toBuffers(), path.fromWeight(a), path.toWeight(a), buffers);
                ends.layout().clampRunningVariances(buffers);
            }
            out.add(new Point(a, train.get(), test.get()));
            progress.accept(i + 1);
        }
        return out;
    }

    /** out = a·x + b·y. Cost: one copy and two BLAS level-1 passes over n values, no allocation. */
    static void mix(INDArray x, INDArray y, double a, double b, INDArray out) {
        out.assign(x);
        out.muli(a);
        Nd4j.getBlasWrapper().level1().axpy(out.length(), b, y, out);
    }

    /** The CSV body: {@code alpha,train_loss,train_accuracy,test_loss,test_accuracy}, full precision. */
    public static String csv(List<Point> points) {
        StringBuilder sb = new StringBuilder("alpha,train_loss,train_accuracy,test_loss,test_accuracy\n");
        for (Point p : points) {
            sb.append(p.alpha()).append(',').append(p.train().loss()).append(',').append(p.train().accuracy())
                    .append(',').append(p.test().loss()).append(',').append(p.test().accuracy()).append('\n');
        }
        return sb.toString();
    }
}
