package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.minima.io.Json;
import org.minima.plot.MeanStdPlot;

/**
 * Keskar et al.'s Figures 4 and 5 from results.json's runs (issue 18): the runs grouped by one x (Figure 4: the
 * batch size; Figure 5: the warm-start epoch of the warm-started runs), and for each x the mean and sample standard
 * deviation over its runs (0 for a single run) of φ at the figure's ε and of the test accuracy. Written into
 * results.json as {@code "figure4"} / {@code "figure5"}: {@code {"eps", "subspace", "x", "points": [{x, runs,
 * sharpness: {mean, std}, testAccuracy: {mean, std}, trainAccuracy: {mean, std}}]}}; the plots are drawn from it.
 */
final class Figures {
    private Figures() {}

    /** Figure 4: every run, grouped by its batch size. */
    static ObjectNode figure4(JsonNode runs, Experiment.FigureSettings f) {
        return grouped(runs, f, "batch", r -> r.path("batch").asDouble(), r -> true);
    }

    /** Figure 5: the warm-started runs, grouped by the epoch of the run they started from. */
    static ObjectNode figure5(JsonNode runs, Experiment.FigureSettings f) {
        return grouped(runs, f, "warmStartEpochs", r -> r.path("initFrom").path("epoch").asDouble(), r -> r.path("initFrom").isObject());
    }

    private static ObjectNode grouped(JsonNode runs, Experiment.FigureSettings f, String xName, ToDoubleFunction<JsonNode> x,
                                      java.util.function.Predicate<JsonNode> use) {
        TreeMap<Double, List<JsonNode>> groups = new TreeMap<>();
        for (JsonNode r : runs) if (use.test(r)) groups.computeIfAbsent(x.applyAsDouble(r), k -> new ArrayList<>()).add(r);
        ObjectNode o = Json.object();
        o.put("eps", f.eps());
        o.put("subspace", f.subspace());
        o.put("x", xName);
        var points = o.putArray("points");
        String field = f.subspace() ? "subspaceSharpness" : "sharpness";
        for (var g : groups.entrySet()) {
            ObjectNode p = points.addObject();
            p.put("x", g.getKey());
            p.put("runs", g.getValue().size());
            stat(p.putObject("sharpness"), g.getValue(), r -> r.path(field).path(f.eps()));
            stat(p.putObject("testAccuracy"), g.getValue(), r -> r.path("testAccuracy"));
            stat(p.putObject("trainAccuracy"), g.getValue(), r -> r.path("trainAccuracy"));
        }
        return o;
    }

    /** {mean, std} over the numeric values (null when there are none); std is the sample one, 0 for one value. */
    private static void stat(ObjectNode o, List<JsonNode> runs, java.util.function.Function<JsonNode, JsonNode> value) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : runs) if (value.apply(r).isNumber()) v.add(value.apply(r).asDouble());
        if (v.isEmpty()) {
            o.putNull("mean");
            o.putNull("std");
            return;
        }
        double m = 0;
        for (double d : v) m += d;
        m /= v.size();
        double ss = 0;
        for (double d : v) ss += (d - m) * (d - m);
        o.put("mean", m);
        o.put("std", v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0);
    }

    /** The plot's points of a figure's JSON. */
    static MeanStdPlot.Point[] points(JsonNode figure) {
        List<MeanStdPlot.Point> out = new ArrayList<>();
        for (JsonNode p : figure.get("points")) {
            out.add(new MeanStdPlot.Point(p.get("x").asDouble(), p.get("runs").asInt(), d(p.path("sharpness").path("mean")),
                    d(p.path("sharpness").path("std")), d(p.path("testAccuracy").path("mean")), d(p.path("testAccuracy").path("std"))));
        }
        return out.toArray(new MeanStdPlot.Point[0]);
    }

    private static double d(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
