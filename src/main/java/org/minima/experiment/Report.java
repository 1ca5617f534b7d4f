package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.minima.train.TrainRun;

/**
 * {@code report.md}: the runs and their figures, then the measured SB / LB numbers beside Keskar et al.'s Tables
 * 2–4, then the plots. Every number is taken from {@code results.json} (the same values, rounded for reading), so
 * the report and the JSON cannot disagree.
 */
public final class Report {
    private Report() {}

    public static String markdown(Experiment e, JsonNode results, List<Path> plots, Path out, TrainRun.Info info) {
        StringBuilder md = new StringBuilder();
        md.append("# Experiment ").append(e.name()).append("\n\n");
        if (!e.description().isBlank()) md.append(e.description().strip()).append("\n\n");
        if (e.invocation() != null) md.append("Command: `").append(e.invocation().commandLine()).append("`\n\n");
        if (e.quick()) md.append("**Quick run** (").append(e.quickNote()).append("). Its numbers are not comparable with the paper's.\n\n");
        md.append("minima ").append(info.toolVersion()).append(" (commit ").append(info.gitCommit()).append("), ")
                .append(info.threads()).append(info.threads() == 1 ? " thread, " : " threads, ").append(Instant.now().toString()).append(". Every figure below is in `results.json`.\n\n");

        md.append("## Runs\n\n");
        md.append("Loss and accuracy of the model each run ended with (the last epoch, or the best one when the run's stop rule keeps it; `epochs` counts every epoch trained), in inference mode, on the whole training and test sets the run used. ")
                .append("Sharpness is Keskar's Metric 2.1 (percent) of the training loss; λ_max the largest Hessian eigenvalue of the same loss.\n\n");
        List<String> eps = new ArrayList<>();
        Experiment.SharpnessSettings ss = e.analyses().sharpness();
        if (ss != null) eps.addAll(ss.eps());
        StringBuilder head = new StringBuilder("| run | role | batch | seed | epochs | steps | train loss | train acc. (%) | test loss | test acc. (%) |");
        for (String x : eps) head.append(" φ ε=").append(x).append(" |");
        if (ss != null && ss.subspace() != null) for (String x : eps) head.append(" φ p=").append(ss.subspace()).append(" ε=").append(x).append(" |");
        boolean hessian = e.analyses().hessian() != null;
        if (hessian) head.append(" λ_max |");
        head.append(" model |");
        md.append(head).append('\n').append(head.toString().replaceAll("[^|]+", "---")).append('\n');
        for (JsonNode r : results.get("runs")) {
            md.append("| ").append(r.get("name").asText()).append(" | ").append(r.get("role").asText()).append(" | ")
                    .append(r.get("batch").asInt()).append(" | ").append(r.get("seed").asLong()).append(" | ").append(r.get("epochs").asInt())
                    .append(" | ").append(r.get("steps").asLong()).append(" | ").append(loss(r.get("trainLoss"))).append(" | ")
                    .append(percent(r.get("trainAccuracy"))).append(" | ").append(loss(r.get("testLoss"))).append(" | ")
                    .append(percent(r.get("testAccuracy"))).append(" |");
            for (String x : eps) md.append(' ').append(number(r.get("sharpness").get(x))).append(" |");
            if (ss != null && ss.subspace() != null) for (String x : eps) md.append(' ').append(number(r.get("subspaceSharpness").get(x))).append(" |");
            if (hessian) md.append(' ').append(number(r.get("topEigenvalue"))).append(" |");
            md.append(" `").append(out.relativize(Path.of(r.get("model").asText())).toString()).append("` |\n");
        }
        md.append('\n');

        if (e.paper() != null) paperTables(md, e, results);
        KeskarComparison.append(md, e, results);
        RemediesComparison.append(md, results, eps, PaperRemedies.load());

        md.append("## Plots\n\n");
        for (Path p : plots) {
            if (!p.toString().endsWith(".png")) continue;
            String rel = out.relativize(p).toString();
            String caption = caption(p.getFileName().toString());
            if (caption != null) md.append(caption).append("\n\n");
            md.append("![").append(p.getFileName()).append("](").append(rel).append(")\n\n");
        }
        md.append("## Settings of the analyses\n\n");
        if (ss != null) {
            md.append("- Sharpness (Keskar Metric 2.1): ε ∈ ").append(ss.eps()).append(", full space")
                    .append(ss.subspace() == null ? "" : " and a random " + ss.subspace() + "-dimensional subspace")
                    .append(", ").append(ss.maxIter()).append(" L-BFGS-B iterations per start, seed ").append(ss.seed())
                    .append(", in ").append(ss.conventions().size() == 1 ? "one convention: " : ss.conventions().size() + " conventions (the first is the headline): ")
                    .append(String.join("; ", ss.conventions().stream().map(Experiment.Convention::label).toList()))
                    .append(", float64, on ").append(first(ss.examples())).append(" training examples.\n");
        }
        Experiment.HessianSettings hs = e.analyses().hessian();
        if (hs != null) {
            md.append("- Hessian: top ").append(hs.top()).append(" eigenvalue(s) by Lanczos on exact Hessian-vector products, at most ")
                    .append(hs.maxSteps()).append(" steps, relative residual tolerance ").append(hs.tol()).append(", seed ").append(hs.seed())
                    .append(", float64, on ").append(first(hs.examples())).append(" training examples.\n");
        }
        Experiment.InterpolateSettings is = e.analyses().interpolate();
        if (is != null) {
            md.append("- Interpolation (Keskar Figure 3): (1 − α)·from + α·to, batch-norm statistics included, α = ").append(is.alpha())
                    .append(", on ").append(first(is.examples())).append(" training and test examples.\n");
        }
        md.append("- Analyses are cached in `analyses/` and reused while their settings and the model are unchanged; ")
                .append("a complete run is not trained again (docs/reproduce.md).\n");
        return md.toString();
    }

    /** What a plot of reproduce's shows, for the report (null: the file name says it). */
    private static String caption(String file) {
        if (file.startsWith("interpolation-")) return "Keskar's Figure 3: the loss and accuracy along the line between two models (α = 0: from, α = 1: to).";
        if (file.equals("figure4.png")) return "Keskar's Figure 4: sharpness (log axis) and test accuracy against the batch size (log10), mean ± std over seeds.";
        if (file.equals("figure5.png")) return "Keskar's Figure 5: the large-batch runs warm-started from the small-batch iterate after K epochs, "
                + "sharpness and test accuracy against K, mean ± std over seeds.";
        return null;
    }

    private static void paperTables(StringBuilder md, Experiment e, JsonNode results) {
        String net = e.paper().network();
        md.append("## Compared with the paper\n\n");
        md.append(PaperNumbers.SOURCE).append(", network ").append(net).append(" on ").append(PaperNumbers.DATA.get(net))
                .append(". Measured: the mean over this experiment's runs of each role (± the sample standard deviation when there are ")
                .append("two or more; n = number of runs).\n\n");
        List<JsonNode> sb = role(results, "SB");
        List<JsonNode> lb = role(results, "LB");
        String n = "n = " + sb.size() + " SB, " + lb.size() + " LB";
        String measured = "measured, inference mode (" + n + ")";
        Set<String> conventions = new java.util.LinkedHashSet<>();
        for (JsonNode r : results.get("runs")) conventions.add(r.path("conventions").path("bn").asText("running"));
        String measuredPhi = "measured, " + String.join(" + ", conventions) + " statistics (" + n + ")";
        String paperLabel = "paper (" + net + ", " + PaperNumbers.DATA.get(net) + ", n = 5)";
        if (e.paper().tables().contains(2)) {
            PaperNumbers.Row p = PaperNumbers.TABLE2.get(net);
            md.append("### Table 2: accuracy (%)\n\n| | train SB | train LB | test SB | test LB |\n|---|---|---|---|---|\n");
            md.append("| ").append(measured).append(" | ").append(meanPercent(sb, "trainAccuracy")).append(" | ").append(meanPercent(lb, "trainAccuracy"))
                    .append(" | ").append(meanPercent(sb, "testAccuracy")).append(" | ").append(meanPercent(lb, "testAccuracy")).append(" |\n");
            md.append("| ").append(paperLabel).append(" | ").append(stat(p.firstSB())).append(" | ").append(stat(p.firstLB())).append(" | ")
                    .append(stat(p.secondSB())).append(" | ").append(stat(p.secondLB())).append(" |\n\n");
        }
        Experiment.SharpnessSettings ss = e.analyses().sharpness();
        for (int t : List.of(3, 4)) {
            if (!e.paper().tables().contains(t)) continue;
            PaperNumbers.Row p = (t == 3 ? PaperNumbers.TABLE3 : PaperNumbers.TABLE4).get(net);
            String field = t == 3 ? "sharpness" : "subspaceSharpness";
            md.append(t == 3 ? "### Table 3: sharpness, full space\n\n"
                    : "### Table 4: sharpness, random subspace p = " + PaperNumbers.SUBSPACE
                            + (ss != null && ss.subspace() != null && ss.subspace() != PaperNumbers.SUBSPACE ? " (measured: p = " + ss.subspace() + ")" : "")
                            + "\n\n");
            String a = PaperNumbers.EPS.get(0);
            String b = PaperNumbers.EPS.get(1);
            md.append("| | ε=").append(a).append(" SB | ε=").append(a).append(" LB | ε=").append(b).append(" SB | ε=").append(b).append(" LB |\n|---|---|---|---|---|\n");
            List<Experiment.Convention> cs = ss == null ? List.of() : ss.conventions();
            if (cs.size() <= 1) {
                md.append("| ").append(measuredPhi).append(" | ").append(mean(sb, field, a)).append(" | ").append(mean(lb, field, a)).append(" | ")
                        .append(mean(sb, field, b)).append(" | ").append(mean(lb, field, b)).append(" |\n");
            }
            for (int i = 0; cs.size() > 1 && i < cs.size(); i++) { // issue 18: the headline convention, then one labelled row per other
                Experiment.Convention c = cs.get(i);
                List<JsonNode> csb = inConvention(sb, c), clb = inConvention(lb, c);
                md.append("| measured, ").append(c.label()).append(i == 0 ? " (headline; " : " (").append(n).append(") | ")
                        .append(mean(csb, field, a)).append(" | ").append(mean(clb, field, a)).append(" | ")
                        .append(mean(csb, field, b)).append(" | ").append(mean(clb, field, b)).append(" |\n");
            }
            md.append("| ").append(paperLabel).append(" | ").append(stat(p.firstSB())).append(" | ").append(stat(p.firstLB())).append(" | ")
                    .append(stat(p.secondSB())).append(" | ").append(stat(p.secondLB())).append(" |\n\n");
        }
    }

    /** Each run's entry of {@code sharpnessConventions} for convention {@code c} (runs without it are left out). */
    static List<JsonNode> inConvention(List<JsonNode> runs, Experiment.Convention c) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : runs) {
            for (JsonNode x : r.path("sharpnessConventions")) if (c.key().equals(x.path("convention").asText())) out.add(x);
        }
        return out;
    }

    private static String first(Integer examples) {
        return examples == null ? "all the run's" : "the first " + examples + " (or all, where a run has fewer) of the run's";
    }

    private static List<JsonNode> role(JsonNode results, String role) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : results.get("runs")) if (r.get("role").asText().equals(role)) out.add(r);
        return out;
    }

    private static String meanPercent(List<JsonNode> runs, String field) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : runs) if (r.get(field).isNumber()) v.add(100 * r.get(field).asDouble());
        return summary(v, Report::fixed2);
    }

    private static String mean(List<JsonNode> runs, String field, String eps) {
        List<Double> v = new ArrayList<>();
        for (JsonNode r : runs) {
            JsonNode x = r.path(field).path(eps);
            if (x.isNumber()) v.add(x.asDouble());
        }
        return summary(v, Report::format);
    }

    /** One value as is; two or more as mean ± sample standard deviation; none as a dash. */
    static String summary(List<Double> v, java.util.function.DoubleFunction<String> f) {
        if (v.isEmpty()) return "—";
        if (v.size() == 1) return f.apply(v.get(0));
        double m = 0;
        for (double x : v) m += x;
        m /= v.size();
        double ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return f.apply(m) + " ± " + f.apply(Math.sqrt(ss / (v.size() - 1)));
    }

    private static String stat(PaperNumbers.Stat s) {
        return fixed2(s.mean()) + " ± " + fixed2(s.std());
    }

    static String fixed2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Sharpness and eigenvalues: two decimals as the paper prints them, more significant digits when small. */
    static String format(double v) {
        return Math.abs(v) >= 1 ? fixed2(v) : String.format(Locale.ROOT, "%.3g", v);
    }

    static String number(JsonNode v) {
        return v == null || !v.isNumber() ? "—" : format(v.asDouble());
    }

    static String percent(JsonNode v) {
        return v == null || !v.isNumber() ? "—" : fixed2(100 * v.asDouble());
    }

    static String loss(JsonNode v) {
        return v == null || !v.isNumber() ? "—" : String.format(Locale.ROOT, "%.4f", v.asDouble());
    }
}
