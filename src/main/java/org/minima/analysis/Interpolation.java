package org.minima.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.minima.data.DataSet;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.nn.BatchNormMode;
import org.minima.io.ModelSpec;
import org.minima.nn.Network;
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
 *
 * <p>{@code interpolate} and {@code reproduce} both call {@link #run(Network, Network, DataSet, DataSet, Options, IntConsumer)}
 * with an {@link Options} value and write {@link Result#csv()}: the same columns from both.
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

        /** {@code linear} or {@code curved} (any case); {@code where} names the flag or key in the error. */
        public static Path parse(String text, String where) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "linear" -> LINEAR;
                case "curved" -> CURVED;
                default -> throw new InputException(where + " " + text + ": expected linear or curved");
            };
        }
    }

    /** How to interpolate. Each option's default and meaning stand here and nowhere else. */
    public record Options(
            Grid alphas, // the values of α, both ends included; default -1:2:25 (Keskar Figure 3)
            Path path,   // LINEAR (Figure 3) or CURVED (Figure 7); default LINEAR
            int chunk,   // examples per forward pass (memory against speed, same result); default 1000
            BatchNormMode bn) { // batch norm's convention (bn, bnBatch); default RUNNING. BATCH interpolates weights only
        public Options {
            if (alphas == null || path == null) throw new IllegalArgumentException("alphas and path must be given");
            if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
            if (bn == null) throw new IllegalArgumentException("bn must be given");
        }

        public static Options defaults() {
            return new Options(new Grid(-1, 2, 25), Path.LINEAR, 1000, BatchNormMode.RUNNING);
        }

        public Options withAlphas(Grid alphas) { return new Options(alphas, path, chunk, bn); }

        public Options withPath(Path path) { return new Options(alphas, path, chunk, bn); }

        public Options withChunk(int chunk) { return new Options(alphas, path, chunk, bn); }

        public Options withBatchNorm(BatchNormMode bn) { return new Options(alphas, path, chunk, bn); }
    }

    /** The curve: one {@link Point} per α, in grid order. */
    public record Result(Options options, List<Point> points) {
        /** {@code interpolation.csv}: {@code alpha,trainLoss,trainAccuracy,testLoss,testAccuracy}, full precision. */
        public String csv() {
            return Interpolation.csv(points);
        }

        /** Writes {@link #csv()} to {@code file}, atomically. */
        public void writeCsv(java.nio.file.Path file) {
            AtomicFiles.writeString(file, csv());
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
     * The two models' losses and accuracies on {@code train} and {@code test} at each α of {@code options}: in
     * inference mode with the running statistics moved along the path, or (batch mode) with the weights alone
     * moved and each batch normalized by its own statistics. {@code from} is the working memory: each α is written
     * into its parameters and buffers, and its own values are put back at the end (two copies of the model, taken
     * once). {@code to} is only read. {@code progress} is told the number of α done.
     */
    public static Result run(Network from, Network to, DataSet train, DataSet test, Options options, IntConsumer progress) {
        INDArray parameters = from.parameters();
        INDArray buffers = from.buffers();
        Ends ends = new Ends(parameters.dup(), buffers.length() > 0 ? buffers.dup() : buffers, to.parameters(), to.buffers(), ParameterLayout.of(from.architecture()));
        try {
            // batch mode reads no running statistics: the weights alone are interpolated
            INDArray moved = options.bn().batchStatistics() ? null : buffers;
            return new Result(options, run(ends, parameters, moved, options.alphas(), options.path(),
                    () -> Score.of(from.evaluate(train, options.chunk(), options.bn())),
                    () -> Score.of(from.evaluate(test, options.chunk(), options.bn())), progress));
        } finally {
            parameters.assign(ends.fromParameters());
            if (buffers.length() > 0) buffers.assign(ends.fromBuffers());
        }
    }

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

    /** The CSV body: {@code alpha,trainLoss,trainAccuracy,testLoss,testAccuracy}, full precision. */
    public static String csv(List<Point> points) {
        StringBuilder sb = new StringBuilder("alpha,trainLoss,trainAccuracy,testLoss,testAccuracy\n");
        for (Point p : points) {
            sb.append(p.alpha()).append(',').append(p.train().loss()).append(',').append(p.train().accuracy())
                    .append(',').append(p.test().loss()).append(',').append(p.test().accuracy()).append('\n');
        }
        return sb.toString();
    }

    /** The points of an {@link #csv} text (what {@code plot} redraws); {@code where} names it in messages. */
    public static List<Point> readCsv(String text, String where) {
        String[] lines = text.strip().split("\\R");
        String header = "alpha,trainLoss,trainAccuracy,testLoss,testAccuracy";
        if (!lines[0].strip().equals(header)) {
            throw new InputException(where + ": header '" + lines[0].strip() + "', expected " + header + " (an interpolation.csv)");
        }
        List<Point> points = new java.util.ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            if (f.length != 5) throw new InputException(where + ": line " + (i + 1) + " has " + f.length + " fields, expected 5");
            double[] v = new double[5];
            for (int k = 0; k < 5; k++) {
                try {
                    v[k] = Double.parseDouble(f[k].strip());
                } catch (NumberFormatException e) {
                    throw new InputException(where + ": line " + (i + 1) + ", column " + (k + 1) + ": '" + f[k].strip() + "' is not a number");
                }
            }
            points.add(new Point(v[0], new Score(v[1], v[2]), new Score(v[3], v[4])));
        }
        if (points.isEmpty()) throw new InputException(where + ": no rows after the header");
        return points;
    }
}
