package org.minima.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.minima.data.DataSet;
import org.minima.io.Json;
import org.minima.nn.BatchNormMode;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@code sharpness} measures and {@code reproduce} repeats per run and ε: {@link Sharpness} on a network's
 * mean loss over a data set (batch norm in either convention, {@link BatchNormMode}), and the one JSON both write (docs/sharpness.md). Loads nothing.
 */
public final class SharpnessAnalysis {
    /** The measurement and what the JSON says about how it was made. */
    public record Result(SharpnessOptions options, Sharpness.Result sharpness, int examples, String data, DataType dtype, int threads) {
        /**
         * The JSON of {@code minima sharpness}: the options, the figures, each start, and where they came from.
         * {@code model} names the model directory; {@code seconds} is the caller's wall time.
         */
        public ObjectNode toJson(String model, double seconds) {
            Sharpness.Result r = sharpness;
            ObjectNode o = Json.object();
            o.put("metric", "keskar-sharpness");
            o.put("eps", options.eps());
            if (options.subspace() == null) o.putNull("subspace");
            else o.put("subspace", options.subspace());
            if (options.subspace() == null) {
                o.putNull("subspaceMatrix");
                o.putNull("meanColumnNorm");
            } else {
                o.put("subspaceMatrix", options.subspaceMatrix().label());
                o.put("meanColumnNorm", r.meanColumnNorm());
            }
            o.put("start", options.start().label());
            o.put("maxIter", options.maxIter());
            o.put("restarts", options.restarts());
            o.put("loss", r.loss());
            o.put("maxLoss", r.maxLoss());
            o.put("sharpness", r.sharpness());
            o.put("iterations", r.iterations());
            o.put("evaluations", r.evaluations());
            diagnostics(o, r, r.bestStart());
            ArrayNode starts = o.putArray("starts");
            for (Sharpness.Start s : r.starts()) {
                ObjectNode so = starts.addObject();
                so.put("start", s.at());
                so.put("maxLoss", s.maxLoss());
                so.put("sharpness", Sharpness.phi(r.loss(), s.maxLoss()));
                so.put("iterations", s.iterations());
                so.put("evaluations", s.evaluations());
                so.put("stop", s.stop().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                diagnostics(so, r, s);
            }
            o.put("examples", examples);
            o.put("seconds", seconds);
            o.put("model", model);
            o.put("data", data);
            o.put("seed", options.seed());
            o.put("dtype", dtypeName(dtype));
            o.put("threads", threads);
            putBatchNorm(o, options.bn());
            return o;
        }

        /** The note for stderr (not an error) when the best maximizer stayed near the centre; null otherwise. */
        public String note() {
            if (!sharpness.stayedNearCentre()) return null;
            return String.format(Locale.ROOT, "note: the maximizer stayed within %.0f %% of the box on every coordinate (at most %.3g of it):"
                    + " %d iterations may not have left the centre (try --start corner or --restarts)",
                    100 * Sharpness.NEAR_CENTRE, sharpness.bestStart().boxMax(), options.maxIter());
        }

        /** gradientNorm and firstOrder (at the centre, the same for every start) and how far {@code s} went into the box. */
        private static void diagnostics(ObjectNode o, Sharpness.Result r, Sharpness.Start s) {
            o.put("gradientNorm", r.gradientNorm());
            o.put("firstOrder", r.firstOrder());
            ObjectNode box = o.putObject("boxReached");
            box.put("max", s.boxMax());
            box.put("mean", s.boxMean());
        }
    }

    private SharpnessAnalysis() {}

    /**
     * φ at the network's parameters, f the mean loss over {@code data} with batch norm in {@code options.bn()}'s
     * convention, in chunks of {@code options.chunk()}, in the network's data type. The network is not changed (the objective evaluates in
     * its own copy). A non-finite loss is an IllegalStateException.
     */
    public static Result run(Network net, DataSet data, SharpnessOptions options, Sharpness.Progress progress) {
        NetworkObjective f = new NetworkObjective(net, data, options.chunk(), options.bn());
        Sharpness.Result r = Sharpness.measure(f, net.parameters(), options, progress);
        if (!Double.isFinite(r.loss()) || !Double.isFinite(r.maxLoss())) {
            throw new IllegalStateException("the loss is not finite (f(x) = " + r.loss() + ", max found = " + r.maxLoss() + ")");
        }
        return new Result(options, r, data.size(), data.spec(), net.dataType(), Threads.current());
    }

    /** The fields {@code bn} ("running" or "batch") and {@code bnBatch} of every analysis' JSON. */
    static void putBatchNorm(ObjectNode o, BatchNormMode bn) {
        o.put("bn", bn.key());
        o.put("bnBatch", bn.batch());
    }

    /** "float64" or "float32", as the {@code --dtype} option and the JSON name them. */
    static String dtypeName(DataType t) {
        return t == DataType.DOUBLE ? "float64" : "float32";
    }
}
