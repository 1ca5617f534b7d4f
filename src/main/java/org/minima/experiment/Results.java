package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code results.json} (docs/cli.md, "results.json"): {@code {"experiment", "quick", "runs": [...], "paper": {...}}}. Each run's
 * figures come from its run.json (the last epoch, inference mode, whole training and test sets as trained on) and
 * its analyses; missing ones (no test set, an analysis not asked for) are null.
 */
final class Results {
    private Results() {}

    static ObjectNode json(Experiment e, List<Reproduce.RunResult> runs, Path out) {
        ObjectNode o = org.minima.io.Json.object();
        o.put("experiment", e.name());
        o.put("quick", e.quick());
        if (e.quick()) o.put("quickNote", e.quickNote());
        if (e.invocation() != null) { // issue 18: how it was run
            ObjectNode c = o.putObject("command");
            c.put("line", e.invocation().commandLine());
            c.put("file", e.invocation().file());
            e.invocation().sets().forEach(c.putArray("set")::add);
            c.put("quick", e.invocation().quick());
        }
        var list = o.putArray("runs");
        for (Reproduce.RunResult r : runs) {
            ObjectNode j = list.addObject();
            JsonNode fig = r.record().path("figures");
            JsonNode a = r.analyses();
            j.put("name", r.run().name());
            j.put("role", r.run().role());
            j.put("batch", r.history().firstBatch());
            j.put("seed", r.run().config().seed());
            j.put("epochs", fig.path("epochs").asInt());
            j.put("steps", fig.path("steps").asLong());
            j.put("stopReason", fig.path("stopReason").asText());
            // issue 18: which epoch's weights were measured, the stop rule, the sweep's values, the warm start
            if (fig.has("modelEpoch")) j.set("modelEpoch", fig.get("modelEpoch"));
            if (fig.has("stopRule")) j.set("stopRule", fig.get("stopRule"));
            j.set("swept", org.minima.io.Json.MAPPER.valueToTree(r.run().swept()));
            if (r.run().initFrom() == null) j.putNull("initFrom");
            else j.putObject("initFrom").put("run", r.run().initFrom().run()).put("epoch", r.run().initFrom().epoch());
            number(j, "trainLoss", fig.path("trainLoss"));
            number(j, "trainAccuracy", fig.path("trainAccuracy"));
            number(j, "testLoss", fig.path("testLoss"));
            number(j, "testAccuracy", fig.path("testAccuracy"));
            // the analyses hold each measurement as the sharpness and hessian commands print it; here, the figures
            j.set("sharpness", figures(j, a.path("sharpness")));
            j.set("subspaceSharpness", figures(j, a.path("subspaceSharpness")));
            j.set("conventions", conventions(a));
            ObjectNode details = j.putObject("details"); // each measurement as the sharpness command prints it (diagnostics)
            // without the wall time, so that results.json is the same bits however the work was split (reproduce --tasks)
            for (String k : List.of("sharpness", "subspaceSharpness")) {
                if (!a.has(k)) continue;
                ObjectNode copy = a.get(k).deepCopy();
                copy.elements().forEachRemaining(m -> ((ObjectNode) m).remove("seconds"));
                details.set(k, copy);
            }
            j.set("sharpnessConventions", sharpnessConventions(a));
            JsonNode cfg = r.record().path("config");
            j.set("trainData", cfg.path("data").path("train"));
            j.put("trainExamples", r.record().path("trainExamples").asInt());
            j.put("testExamples", r.record().path("testExamples").asInt());
            j.set("optimizer", cfg.path("optimizer"));
            j.set("modelSpec", cfg.path("model").isTextual() ? cfg.path("model") : j.textNode("inline"));
            JsonNode firstSubspace = a.path("subspaceSharpness").elements().hasNext() ? a.path("subspaceSharpness").elements().next() : null;
            if (firstSubspace != null) j.set("subspaceMeanColumnNorm", firstSubspace.get("meanColumnNorm"));
            JsonNode h = a.path("hessian");
            if (h.has("eigenvalues")) j.set("topEigenvalue", h.get("eigenvalues").get(0));
            else j.putNull("topEigenvalue");
            if (h.has("eigenvalues")) j.set("eigenvalues", h.get("eigenvalues"));
            JsonNode firstSharpness = a.path("sharpness").elements().hasNext() ? a.path("sharpness").elements().next() : null;
            if (firstSharpness != null) {
                j.set("analysisLoss", firstSharpness.get("loss"));
                j.set("sharpnessExamples", firstSharpness.get("examples"));
            }
            if (h.has("examples")) j.set("hessianExamples", h.get("examples"));
            j.put("model", r.dir().toString());
        }
        Experiment.SharpnessSettings ss = e.analyses().sharpness();
        if (ss != null) {
            ObjectNode s = o.putObject("settings").putObject("sharpness");
            s.putPOJO("eps", ss.eps());
            if (ss.subspace() == null) s.putNull("subspace");
            else s.put("subspace", ss.subspace());
            s.put("maxIter", ss.maxIter());
            s.put("seed", ss.seed());
            s.put("subspaceMatrix", ss.subspaceMatrix().label());
            s.put("start", ss.start().label());
            s.put("bn", ss.bn().key());
            s.put("bnBatch", ss.bn().batch());
            s.put("restarts", ss.restarts());
            var cs = s.putArray("conventions"); // every (bn, start) measured, the headline (bn and start above) first
            for (Experiment.Convention c : ss.conventions()) Reproduce.conventionFields(cs.addObject(), c);
        }
        Experiment.HessianSettings hs = e.analyses().hessian();
        if (hs != null) {
            ObjectNode s = o.with("settings").putObject("hessian");
            s.put("bn", hs.bn().key());
            s.put("bnBatch", hs.bn().batch());
        }
        Experiment.InterpolateSettings is = e.analyses().interpolate();
        if (is != null) {
            ObjectNode s = o.with("settings").putObject("interpolate");
            s.put("bn", is.bn().key());
            s.put("bnBatch", is.bn().batch());
        }
        o.set("paper", paper(e.paper()));
        return o;
    }

    /**
     * The conventions the analyses of a run were measured in (issue 17), as their JSON records them: {@code bn}
     * ("running" = inference mode, what every analysis did before the conventions landed, or "batch"),
     * {@code bnBatch}, {@code subspaceMatrix}; a measurement that does not record one was made before the key
     * existed, in the convention the note gives.
     */
    static ObjectNode conventions(JsonNode analyses) {
        ObjectNode c = org.minima.io.Json.object();
        JsonNode first = null;
        for (String k : List.of("sharpness", "subspaceSharpness")) {
            var it = analyses.path(k).elements();
            if (it.hasNext() && first == null) first = it.next();
        }
        JsonNode sub = analyses.path("subspaceSharpness").elements().hasNext() ? analyses.path("subspaceSharpness").elements().next() : null;
        if (first == null) first = analyses.path("hessian");
        c.put("bn", first.path("bn").asText("running"));
        if (first.has("bnBatch")) c.set("bnBatch", first.get("bnBatch"));
        if (sub != null) c.put("subspaceMatrix", sub.path("subspaceMatrix").asText("unit"));
        if (first.has("start")) c.set("start", first.get("start"));
        if (!first.has("bn")) c.put("note", "measured before the bn key existed: inference mode (running statistics), unit-norm subspace columns");
        return c;
    }

    /**
     * Every convention the run's sharpness was measured in (issue 18), the headline first: {@code convention},
     * {@code label}, {@code bn}, {@code bnBatch}, {@code start}, {@code restarts}, {@code subspaceMatrix},
     * {@code headline}, {@code sharpness} and {@code subspaceSharpness} (ε → φ) and {@code details} (each
     * measurement as the sharpness command prints it, without its wall time). Analyses cached before the lists
     * (one convention, no "conventions" array) give one entry read from their measurements.
     */
    static com.fasterxml.jackson.databind.node.ArrayNode sharpnessConventions(JsonNode analyses) {
        var out = org.minima.io.Json.MAPPER.createArrayNode();
        List<JsonNode> list = new java.util.ArrayList<>();
        if (analyses.path("conventions").isArray()) analyses.get("conventions").forEach(list::add);
        else if (analyses.path("sharpness").size() > 0) {
            JsonNode m = analyses.get("sharpness").elements().next();
            ObjectNode c = org.minima.io.Json.object();
            Reproduce.conventionFields(c, new Experiment.Convention(new org.minima.nn.BatchNormMode(
                    org.minima.nn.BatchNormMode.Statistics.parse(m.path("bn").asText("running"), "bn"), m.path("bnBatch").asInt(
                            org.minima.nn.BatchNormMode.DEFAULT_BATCH)),
                    org.minima.analysis.SharpnessOptions.StartAt.parse(m.path("start").asText("centre")), m.path("restarts").asInt(0)));
            c.set("sharpness", analyses.get("sharpness"));
            c.set("subspaceSharpness", analyses.path("subspaceSharpness").isObject() ? analyses.get("subspaceSharpness") : c.objectNode());
            list.add(c);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            ObjectNode j = out.addObject();
            for (String k : List.of("convention", "label", "bn", "bnBatch", "start", "restarts")) j.set(k, c.get(k));
            JsonNode sub = c.path("subspaceSharpness").elements().hasNext() ? c.path("subspaceSharpness").elements().next() : null;
            if (sub == null) j.putNull("subspaceMatrix");
            else j.set("subspaceMatrix", sub.get("subspaceMatrix"));
            j.put("headline", i == 0);
            j.set("sharpness", figures(j, c.path("sharpness")));
            j.set("subspaceSharpness", figures(j, c.path("subspaceSharpness")));
            ObjectNode details = j.putObject("details");
            for (String k : List.of("sharpness", "subspaceSharpness")) {
                ObjectNode copy = c.path(k).isObject() ? c.get(k).deepCopy() : j.objectNode();
                copy.elements().forEachRemaining(m -> ((ObjectNode) m).remove("seconds"));
                details.set(k, copy);
            }
        }
        return out;
    }

    /** {"1e-3": φ, ...} from {"1e-3": the sharpness JSON, ...}. */
    private static ObjectNode figures(ObjectNode parent, JsonNode measurements) {
        ObjectNode o = parent.objectNode();
        measurements.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue().get("sharpness")));
        return o;
    }

    /** A JSON number, or null for a missing or non-finite one (run.json writes NaN test figures without test data). */
    private static void number(ObjectNode j, String key, JsonNode v) {
        if (v.isNumber() && Double.isFinite(v.asDouble())) j.set(key, v);
        else j.putNull(key);
    }

    /** The paper's numbers as {"source", "network", "data", "accuracyUnit", "trainAccuracy": {"SB": {mean, std}, "LB": …}, …}. */
    static ObjectNode paper(Experiment.Paper p) {
        ObjectNode o = org.minima.io.Json.object();
        if (p == null) return o;
        o.put("source", PaperNumbers.SOURCE);
        o.put("network", p.network());
        o.put("data", PaperNumbers.DATA.get(p.network()));
        o.put("runsPerRole", 5);
        if (p.tables().contains(2)) {
            o.put("accuracyUnit", "percent");
            PaperNumbers.Row r = PaperNumbers.TABLE2.get(p.network());
            pair(o.putObject("trainAccuracy"), r.firstSB(), r.firstLB());
            pair(o.putObject("testAccuracy"), r.secondSB(), r.secondLB());
        }
        for (int t : List.of(3, 4)) {
            if (!p.tables().contains(t)) continue;
            PaperNumbers.Row r = (t == 3 ? PaperNumbers.TABLE3 : PaperNumbers.TABLE4).get(p.network());
            ObjectNode s = o.putObject(t == 3 ? "sharpness" : "subspaceSharpness");
            pair(s.putObject(PaperNumbers.EPS.get(0)), r.firstSB(), r.firstLB());
            pair(s.putObject(PaperNumbers.EPS.get(1)), r.secondSB(), r.secondLB());
            if (t == 4) o.put("subspace", PaperNumbers.SUBSPACE);
        }
        return o;
    }

    private static void pair(ObjectNode o, PaperNumbers.Stat sb, PaperNumbers.Stat lb) {
        o.putObject("SB").put("mean", sb.mean()).put("std", sb.std());
        o.putObject("LB").put("mean", lb.mean()).put("std", lb.std());
    }
}
