package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts of report.md that set a Keskar reproduction beside the paper (issue 18): the protocol item by item
 * (the paper's choice from {@link PaperNumbers#PROTOCOL}, ours from the experiment and the run records), the
 * findings (LB/SB ratio of mean sharpness beside the paper's, the sign of the test-accuracy gap, whether the
 * finding held), the epochs and training accuracy each role reached, and the diagnostics of each sharpness
 * measurement. Every number of ours is read from results.json; the paper's from {@link PaperNumbers}.
 */
final class KeskarComparison {
    private KeskarComparison() {}

    static void append(StringBuilder md, Experiment e, JsonNode results) {
        List<JsonNode> sb = roleRuns(results, "SB");
        List<JsonNode> lb = roleRuns(results, "LB");
        if (e.paper() != null) protocol(md, e, results, sb, lb);
        training(md, results);
        if (!sb.isEmpty() && !lb.isEmpty()) findings(md, e, sb, lb);
        diagnostics(md, e, results);
    }

    private static void protocol(StringBuilder md, Experiment e, JsonNode results, List<JsonNode> sb, List<JsonNode> lb) {
        md.append("## Protocol: the paper's choice and ours\n\n| protocol item | the paper | ours |\n|---|---|---|\n");
        Experiment.SharpnessSettings ss = e.analyses().sharpness();
        for (Map.Entry<String, String> p : PaperNumbers.PROTOCOL.entrySet()) {
            String ours = switch (p.getKey()) {
                case "data" -> distinct(results, r -> r.path("trainData").asText() + " (" + r.path("trainExamples").asInt() + " training, "
                        + r.path("testExamples").asInt() + " test examples)");
                case "network" -> distinct(results, r -> r.path("modelSpec").asText());
                case "SB batch" -> sb.isEmpty() ? "no SB runs" : distinct(sb, r -> r.path("batch").asText());
                case "LB batch" -> lb.isEmpty() ? "no LB runs" : distinct(lb, r -> r.path("batch").asInt() + " ("
                        + String.format(Locale.ROOT, "%.1f%%", 100.0 * r.path("batch").asInt() / r.path("trainExamples").asInt()) + " of the training set)");
                case "optimizer" -> distinct(results, r -> r.path("optimizer").path("name").asText() + " " + r.path("optimizer").path("lr").asText());
                case "stopping" -> distinct(results, KeskarComparison::stopRule);
                case "runs per role" -> sb.size() + " SB, " + lb.size() + " LB" + (results.path("runs").size() > sb.size() + lb.size()
                        ? ", " + (results.path("runs").size() - sb.size() - lb.size()) + " others" : "");
                case "sharpness" -> ss == null ? "not measured" : "Metric 2.1, ε = " + String.join(" and ", ss.eps()) + ", " + ss.maxIter()
                        + " L-BFGS-B iterations per start; "
                        + (ss.several() ? "headline: " + ss.conventions().get(0).label() + "; also: "
                                + String.join("; ", ss.conventions().subList(1, ss.conventions().size()).stream().map(Experiment.Convention::label).toList())
                                : ss.conventions().get(0).label());
                case "batch norm in the analyses" -> distinct(results, r -> r.path("conventions").path("bn").asText("—")
                        + ("running".equals(r.path("conventions").path("bn").asText()) ? " statistics (inference mode)" : " statistics"))
                        + (ss != null && ss.bns().size() > 1 ? " (headline); sharpness also with " + String.join(", ",
                                ss.bns().subList(1, ss.bns().size()).stream().map(b -> b.key() + " statistics").toList()) : "");
                case "subspace matrix" -> ss == null || ss.subspace() == null ? "not measured"
                        : "p = " + ss.subspace() + ", " + distinct(results, r -> r.path("conventions").path("subspaceMatrix").asText("—"));
                case "analysis data" -> ss == null ? "—" : ss.examples() == null ? "the run's whole training set" : "the first " + ss.examples()
                        + " training examples (all of them where a run has fewer)";
                default -> "—";
            };
            md.append("| ").append(p.getKey()).append(" | ").append(p.getValue()).append(" | ").append(ours).append(" |\n");
        }
        md.append('\n');
    }

    private static String stopRule(JsonNode r) {
        JsonNode s = r.path("stopRule");
        if (!s.isObject() || s.path("patience").asInt() == 0) return "a fixed " + r.path("epochs").asInt() + " epochs";
        return "stop when the whole training loss (" + s.path("loss").asText() + ") has not fallen by "
                + Report.format(s.path("minDelta").asDouble())
                + " for " + s.path("patience").asInt() + " epochs, at most " + s.path("maxEpochs").asInt() + " epochs"
                + (s.path("keepBest").asBoolean() ? ", ending with the best epoch's weights" : "");
    }

    /** Per role: epochs used, the epoch whose weights were measured, why it stopped, the training accuracy reached. */
    private static void training(StringBuilder md, JsonNode results) {
        md.append("## Training reached\n\n| role | runs | epochs used | model epoch | stopped by | train loss | train acc. (%) | test acc. (%) |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode r : results.get("runs")) roles.add(r.get("role").asText());
        for (String role : roles) {
            List<JsonNode> runs = roleRuns(results, role);
            md.append("| ").append(role).append(" | ").append(runs.size()).append(" | ").append(range(runs, "epochs")).append(" | ")
                    .append(range(runs, "modelEpoch")).append(" | ").append(distinct(runs, r -> r.path("stopReason").asText())).append(" | ")
                    .append(Report.summary(values(runs, r -> r.path("trainLoss"), 1), v -> String.format(Locale.ROOT, "%.3g", v))).append(" | ")
                    .append(Report.summary(values(runs, r -> r.path("trainAccuracy"), 100), Report::fixed2)).append(" | ")
                    .append(Report.summary(values(runs, r -> r.path("testAccuracy"), 100), Report::fixed2)).append(" |\n");
        }
        md.append('\n');
    }

    private static void findings(StringBuilder md, Experiment e, List<JsonNode> sb, List<JsonNode> lb) {
        md.append("## Findings\n\n");
        String net = e.paper() == null ? null : e.paper().network();
        Experiment.SharpnessSettings ss = e.analyses().sharpness();
        List<Experiment.Convention> cs = ss == null ? List.of() : ss.conventions();
        String conv = distinct(sb, r -> r.path("conventions").path("bn").asText("—"));
        if (cs.size() <= 1) {
            md.append("Batch norm in the analyses: **").append(conv).append(" statistics**")
                    .append("running".equals(conv) ? " (inference mode; the paper's models were measured with batch statistics)" : "").append(".\n\n");
        } else {
            md.append("Sharpness measured in ").append(cs.size()).append(" conventions; the headline (the first) is **").append(cs.get(0).label())
                    .append("**. The paper's models were measured with batch statistics from the box centre (docs/sharpness.md).\n\n");
        }
        if (ss != null) {
            md.append("| sharpness |");
            for (int i = 0; i < cs.size(); i++) {
                md.append(cs.size() == 1 ? " ours: mean LB / mean SB |" : " " + cs.get(i).label() + (i == 0 ? " (headline)" : "") + ": LB / SB |");
            }
            md.append(" the paper: mean LB / mean SB |\n|---|").append("---|".repeat(cs.size() + 1)).append('\n');
            for (String field : List.of("sharpness", "subspaceSharpness")) {
                if (field.equals("subspaceSharpness") && ss.subspace() == null) continue;
                for (String eps : ss.eps()) {
                    md.append("| ").append(field.equals("sharpness") ? "full space" : "subspace p = " + ss.subspace()).append(", ε = ").append(eps).append(" |");
                    for (Experiment.Convention c : cs) {
                        double s = mean(values(Report.inConvention(sb, c), r -> r.path(field).path(eps), 1));
                        double l = mean(values(Report.inConvention(lb, c), r -> r.path(field).path(eps), 1));
                        md.append(' ').append(ratio(l / s)).append(" |");
                    }
                    md.append(' ').append(paperRatio(net, field, eps)).append(" |\n");
                }
            }
            md.append('\n');
        }
        double gap = mean(values(sb, r -> r.path("testAccuracy"), 100)) - mean(values(lb, r -> r.path("testAccuracy"), 100));
        String gapText = Double.isNaN(gap) ? "unknown (no test set)" : String.format(Locale.ROOT, "%+.2f points", gap);
        md.append("Test accuracy, mean SB − mean LB: ").append(gapText);
        if (net != null) {
            PaperNumbers.Row t2 = PaperNumbers.TABLE2.get(net);
            md.append(String.format(Locale.ROOT, " (the paper: %+.2f points)", t2.secondSB().mean() - t2.secondLB().mean()));
        }
        md.append(".\n\n");
        if (ss == null) return;
        // the paper's headline figure is full space, ε = 1e-3 (Table 3: 205.14 / 1.23 for F1)
        String eps = ss.eps().contains(PaperNumbers.EPS.get(0)) ? PaperNumbers.EPS.get(0) : ss.eps().get(0);
        boolean better = gap > 0;
        String paper = paperRatio(net, "sharpness", eps);
        md.append("**Did the paper's finding hold?**").append(cs.size() > 1 ? " In each convention (full space, ε = " + eps + "):\n\n" : " ");
        for (int i = 0; i < cs.size(); i++) {
            Experiment.Convention c = cs.get(i);
            List<JsonNode> csb = Report.inConvention(sb, c), clb = Report.inConvention(lb, c);
            double s = mean(values(csb, r -> r.path("sharpness").path(eps), 1));
            double l = mean(values(clb, r -> r.path("sharpness").path(eps), 1));
            boolean sharper = l > s;
            if (cs.size() > 1) md.append("- **").append(c.label()).append("**").append(i == 0 ? " (headline)" : "").append(": ");
            md.append("LB came out ").append(sharper ? "sharper" : "not sharper").append(" than SB (full space, ε = ")
                    .append(eps).append(String.format(Locale.ROOT, ": %s against %s, LB/SB %s", Report.format(l), Report.format(s), ratio(l / s)))
                    .append(paper.equals("—") ? "" : "; the paper: " + paper + paperFraction(net, eps)).append("), and SB ")
                    .append(Double.isNaN(gap) ? "could not be compared on test data" : better ? "generalized better" : "did not generalize better")
                    .append(" (test accuracy SB − LB ").append(gapText).append(")")
                    .append(": the finding ").append(sharper && better ? "**held**" : "**did not hold**").append(" in this convention (")
                    .append(cs.size() > 1 ? c.label() : conv + " statistics").append("), with ").append(sb.size()).append(" SB and ").append(lb.size())
                    .append(" LB runs. ").append(why(csb, clb, eps)).append(cs.size() > 1 ? "\n" : "\n\n");
        }
        if (cs.size() > 1) md.append('\n');
        md.append("The diagnostics below show how far each maximization went.\n\n");
    }

    /** The paper's LB/SB ratio of mean sharpness for {@code field} at {@code eps}, or a dash. */
    private static String paperRatio(String net, String field, String eps) {
        int col = PaperNumbers.EPS.indexOf(eps);
        if (net == null || col < 0) return "—";
        PaperNumbers.Row p = (field.equals("sharpness") ? PaperNumbers.TABLE3 : PaperNumbers.TABLE4).get(net);
        PaperNumbers.Stat ps = col == 0 ? p.firstSB() : p.secondSB(), pl = col == 0 ? p.firstLB() : p.secondLB();
        return ratio(pl.mean() / ps.mean());
    }

    /** ", 205.14/1.23": the paper's means behind its full-space ratio. */
    private static String paperFraction(String net, String eps) {
        PaperNumbers.Row p = PaperNumbers.TABLE3.get(net);
        boolean first = PaperNumbers.EPS.indexOf(eps) == 0;
        return ", " + Report.fixed2((first ? p.firstLB() : p.secondLB()).mean()) + "/" + Report.fixed2((first ? p.firstSB() : p.secondSB()).mean());
    }

    /**
     * Why, from the diagnostics of the full-space measurements at {@code eps} of one convention: how many maximizers
     * left the centre (reached at least {@link org.minima.analysis.Sharpness#NEAR_CENTRE} of the box on some coordinate),
     * and the mean gradient norm, first-order φ and box reached, per role.
     */
    private static String why(List<JsonNode> sb, List<JsonNode> lb, String eps) {
        StringBuilder b = new StringBuilder("Diagnostics (");
        for (int k = 0; k < 2; k++) {
            List<JsonNode> runs = k == 0 ? sb : lb;
            int left = 0, n = 0;
            for (JsonNode r : runs) {
                JsonNode d = r.path("details").path("sharpness").path(eps);
                if (d.isMissingNode()) continue;
                n++;
                if (d.path("boxReached").path("max").asDouble() >= org.minima.analysis.Sharpness.NEAR_CENTRE) left++;
            }
            b.append(k == 0 ? "SB" : "; LB").append(": the maximizer left the centre in ").append(left).append(" of ").append(n)
                    .append(", mean gradientNorm ").append(Report.format(mean(values(runs, r -> r.path("details").path("sharpness").path(eps).path("gradientNorm"), 1))))
                    .append(", firstOrder ").append(Report.format(mean(values(runs, r -> r.path("details").path("sharpness").path(eps).path("firstOrder"), 1))))
                    .append(", box reached ").append(Report.format(mean(values(runs,
                            r -> r.path("details").path("sharpness").path(eps).path("boxReached").path("max"), 1))));
        }
        return b.append(").").toString();
    }

    /** Each sharpness measurement: the loss at the centre and at the maximizer, iterations, evaluations, and what the analysis records of how far it went. */
    private static void diagnostics(StringBuilder md, Experiment e, JsonNode results) {
        Experiment.SharpnessSettings ss = e.analyses().sharpness();
        if (ss == null) return;
        md.append("## Diagnostics of the sharpness measurements\n\n")
                .append("f(x) is the training loss at the model, max f the best found in the box; `gradientNorm`, `firstOrder` and `boxReached` ")
                .append("(the largest |z_i| / bound_i at the maximizer) are shown where the analysis records them (issue 17).\n\n")
                .append("| run | convention | space | ε | φ | f(x) | max f | iterations | evaluations | gradientNorm | firstOrder | boxReached |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results.get("runs")) {
            for (JsonNode c : r.path("sharpnessConventions")) for (String field : List.of("sharpness", "subspaceSharpness")) {
                JsonNode detail = c.path("details").path(field);
                for (var it = detail.fields(); it.hasNext(); ) {
                    var m = it.next();
                    JsonNode d = m.getValue();
                    JsonNode box = d.path("boxReached");
                    md.append("| ").append(r.get("name").asText()).append(" | ").append(c.path("label").asText())
                            .append(" | ").append(field.equals("sharpness") ? "full" : "p = " + ss.subspace())
                            .append(" | ").append(m.getKey()).append(" | ").append(Report.number(d.get("sharpness"))).append(" | ")
                            .append(Report.number(d.get("loss"))).append(" | ").append(Report.number(d.get("maxLoss"))).append(" | ")
                            .append(d.path("iterations").asText("—")).append(" | ").append(d.path("evaluations").asText("—")).append(" | ")
                            .append(Report.number(d.get("gradientNorm"))).append(" | ").append(Report.number(d.get("firstOrder"))).append(" | ")
                            .append(box.isObject() ? Report.number(box.get("max")) : Report.number(box.isMissingNode() ? null : box)).append(" |\n");
                }
            }
        }
        md.append('\n');
    }

    static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, v >= 10 ? "%.0f×" : "%.2f×", v) : "—";
    }

    static List<JsonNode> roleRuns(JsonNode results, String role) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : results.get("runs")) if (r.get("role").asText().equals(role)) out.add(r);
        return out;
    }

    private static String distinct(JsonNode results, java.util.function.Function<JsonNode, String> f) {
        List<JsonNode> runs = new ArrayList<>();
        results.get("runs").forEach(runs::add);
        return distinct(runs, f);
    }

    private static String distinct(List<JsonNode> runs, java.util.function.Function<JsonNode, String> f) {
        Set<String> v = new LinkedHashSet<>();
        for (JsonNode r : runs) v.add(f.apply(r));
        return String.join("; ", v);
    }

    private static String range(List<JsonNode> runs, String field) {
        TreeSet<Integer> v = new TreeSet<>();
        for (JsonNode r : runs) if (r.path(field).isNumber()) v.add(r.path(field).asInt());
        if (v.isEmpty()) return "—";
        return v.first().equals(v.last()) ? v.first().toString() : v.first() + "–" + v.last();
    }

    private static List<Double> values(List<JsonNode> runs, java.util.function.Function<JsonNode, JsonNode> f, double scale) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : runs) if (f.apply(r).isNumber()) v.add(scale * f.apply(r).asDouble());
        return v;
    }

    static double mean(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        double m = 0;
        for (double d : v) m += d;
        return m / v.size();
    }
}
