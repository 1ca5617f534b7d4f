package org.minima.experiment;

import static org.minima.experiment.KeskarComparison.mean;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The part of report.md that answers Keskar et al.'s question about their remedies for large batches (issue 13):
 * for every role besides SB and plain LB (LB+augment, LB+conservative, LB+adversarial in
 * experiments/keskar-remedies*.yaml), whether it closed the SB − LB test-accuracy gap and whether its minimizer
 * stayed sharp, with each role's test accuracy and full-space φ (mean ± sample std), then the paper's values from
 * {@link PaperRemedies}' fixture, or a sentence saying the fixture holds none. Written only when an experiment has
 * SB, LB and at least one other role; every number of ours is read from results.json.
 */
final class RemediesComparison {
    private RemediesComparison() {}

    /** A role's numbers: test accuracy in percent and φ at each ε of the sharpness settings. */
    private record Role(String name, List<Double> test, List<List<Double>> phi) {
        double testMean() {
            return mean(test);
        }

        double testStd() {
            return std(test);
        }

        double phiMean(int k) {
            return mean(phi.get(k));
        }

        double phiStd(int k) {
            return std(phi.get(k));
        }
    }

    static void append(StringBuilder md, JsonNode results, List<String> eps, List<PaperRemedies.Value> paper) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode r : results.get("runs")) names.add(r.get("role").asText());
        if (!names.contains("SB") || !names.contains("LB") || names.size() < 3) return;
        List<Role> roles = new ArrayList<>();
        roles.add(role(results, "SB", eps));
        roles.add(role(results, "LB", eps));
        for (String n : names) if (!n.equals("SB") && !n.equals("LB")) roles.add(role(results, n, eps));
        Role sb = roles.get(0), lb = roles.get(1);

        md.append("## Remedies: did they close the gap, did the minimizer stay sharp?\n\n");
        md.append("Test accuracy (%) of the model each run ended with and full-space φ (Metric 2.1, percent), mean ± sample std over ")
                .append("the runs of each role (no ± for one run).\n\n");
        StringBuilder head = new StringBuilder("| role | runs | test acc. (%) |");
        for (String x : eps) head.append(" φ ε=").append(x).append(" | φ / φ_SB ε=").append(x).append(" |");
        md.append(head).append('\n').append(head.toString().replaceAll("[^|]+", "---")).append('\n');
        for (Role r : roles) {
            md.append("| ").append(r.name()).append(" | ").append(r.test().size()).append(" | ").append(Report.summary(r.test(), Report::fixed2)).append(" |");
            for (int k = 0; k < eps.size(); k++) {
                md.append(' ').append(Report.summary(r.phi().get(k), Report::format)).append(" | ")
                        .append(KeskarComparison.ratio(mean(r.phi().get(k)) / mean(sb.phi().get(k)))).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');

        double gap = sb.testMean() - lb.testMean();
        md.append("SB − LB test-accuracy gap: ").append(Double.isNaN(gap) ? "unknown (no test set)" : String.format(Locale.ROOT, "%+.2f points", gap));
        if (gap > 0 && within(gap, sb.testStd(), lb.testStd()))
            md.append(String.format(Locale.ROOT, ", within noise (below the larger standard deviation of SB and LB, %.2f): there is no clear gap for a remedy to close",
                    Math.max(zeroIfNaN(sb.testStd()), zeroIfNaN(lb.testStd()))));
        md.append(".\n\n");
        md.append("| remedy | test acc. − LB (points) | share of the gap closed | the gap |");
        for (String x : eps) md.append(" φ at ε=").append(x).append(" |");
        md.append('\n').append("|---|---|---|---|").append("---|".repeat(eps.size())).append('\n');
        for (Role r : roles.subList(2, roles.size())) {
            double d = r.testMean() - lb.testMean();
            md.append("| ").append(r.name()).append(" | ").append(Double.isNaN(d) ? "—" : String.format(Locale.ROOT, "%+.2f", d)).append(" | ")
                    .append(gap > 0 && !within(gap, sb.testStd(), lb.testStd()) ? String.format(Locale.ROOT, "%.0f%%", 100 * d / gap) : "—").append(" | ").append(gapVerdict(r, sb, lb))
                    .append(" |");
            for (int k = 0; k < eps.size(); k++) md.append(' ').append(sharpVerdict(k, r, sb, lb)).append(" |");
            md.append('\n');
        }
        md.append('\n');
        md.append("A remedy **closed** the gap when its mean test accuracy reached SB's, **narrowed** it when its mean lies between LB's ")
                .append("and SB's (the share closed is (remedy − LB) / (SB − LB)), and **did not narrow** it otherwise; a difference smaller ")
                .append("than the larger standard deviation of the two roles compared is marked *within noise*; when SB − LB itself is within ")
                .append("noise there is no clear gap to close. The minimizer **stayed sharp** at an ε when the remedy's mean φ is at least ")
                .append("the geometric mean of SB's and LB's (nearer LB's on a log scale), and **became flat** when it is below it, *within ")
                .append("noise* when its distance from that mean is below the largest standard deviation of the remedy, SB and LB; when LB ")
                .append("is not sharper than SB at that ε (or not by more than the larger standard deviation of the two), there is nothing ")
                .append("to stay sharp.\n\n");

        paper(md, results, paper);
    }

    private static String gapVerdict(Role r, Role sb, Role lb) {
        double gap = sb.testMean() - lb.testMean();
        if (Double.isNaN(gap) || Double.isNaN(r.testMean())) return "unknown (no test set)";
        if (gap <= 0) return "no gap to close (LB ≥ SB)";
        if (within(gap, sb.testStd(), lb.testStd())) return "no clear gap to close (SB − LB within noise)";
        double m = r.testMean();
        if (m >= sb.testMean()) return "**closed**" + noise(m - sb.testMean(), r, sb);
        if (m > lb.testMean()) return "**narrowed**" + noise(m - lb.testMean(), r, lb);
        return "**did not narrow**" + noise(m - lb.testMean(), r, lb);
    }

    private static String noise(double diff, Role a, Role b) {
        return within(diff, a.testStd(), b.testStd()) ? " (within noise)" : "";
    }

    /** Is |diff| below the largest of the standard deviations (NaN, for one run, counts as 0)? */
    private static boolean within(double diff, double... stds) {
        double s = 0;
        for (double x : stds) s = Math.max(s, zeroIfNaN(x));
        return Math.abs(diff) < s;
    }

    private static String sharpVerdict(int k, Role role, Role sbRole, Role lbRole) {
        double r = role.phiMean(k), sb = sbRole.phiMean(k), lb = lbRole.phiMean(k);
        if (Double.isNaN(r) || Double.isNaN(sb) || Double.isNaN(lb)) return "—";
        if (!(lb > sb)) return "LB not sharper than SB";
        if (within(lb - sb, sbRole.phiStd(k), lbRole.phiStd(k))) return "LB not clearly sharper than SB (within noise)";
        double mid = Math.sqrt(Math.max(sb, 0) * lb);
        return (r >= mid ? "**stayed sharp**" : "**became flat**") + (within(r - mid, role.phiStd(k), sbRole.phiStd(k), lbRole.phiStd(k)) ? " (within noise)" : "")
                + " (" + Report.format(r) + "; SB " + Report.format(sb) + ", LB " + Report.format(lb) + ")";
    }

    /** The paper's values for the runs' network from the fixture, or why there are none. */
    private static void paper(StringBuilder md, JsonNode results, List<PaperRemedies.Value> values) {
        Set<String> specs = new LinkedHashSet<>();
        for (JsonNode r : results.get("runs")) specs.add(r.path("modelSpec").asText("").toUpperCase(Locale.ROOT));
        String net = specs.size() == 1 && PaperNumbers.NETWORKS.contains(specs.iterator().next()) ? specs.iterator().next() : null;
        md.append("### The paper's values\n\n");
        List<PaperRemedies.Value> rows = new ArrayList<>();
        for (PaperRemedies.Value v : values) if (v.network().equals(net)) rows.add(v);
        if (net == null) {
            md.append("The runs' network is not one of the paper's (").append(String.join(", ", PaperNumbers.NETWORKS))
                    .append("), so no values of the paper are set beside them.\n\n");
            return;
        }
        if (rows.isEmpty()) {
            md.append("The fixture `").append(PaperRemedies.FIXTURE).append("` holds no values of the paper for ").append(net)
                    .append(" (it ships empty: the paper's remedy tables could not be read from the primary source when it was written, ")
                    .append("and no value is typed from memory). The paper's finding, qualitatively: the remedies improve the large-batch ")
                    .append("test accuracy somewhat, but the large-batch minimizers stay sharp.\n\n");
            return;
        }
        md.append("Keskar et al. 2017 for ").append(net).append(" on ").append(PaperNumbers.DATA.get(net)).append(", from the fixture `")
                .append(PaperRemedies.FIXTURE).append("`.\n\n| role | quantity | the paper | where |\n|---|---|---|---|\n");
        for (PaperRemedies.Value v : rows) {
            md.append("| ").append(v.role()).append(" | ").append(v.quantity().equals("testAccuracy") ? "test acc. (%)" : "φ ε=" + v.quantity().substring(10))
                    .append(" | ").append(Report.fixed2(v.mean())).append(Double.isNaN(v.std()) ? "" : " ± " + Report.fixed2(v.std())).append(" | ")
                    .append(v.source()).append(" |\n");
        }
        md.append('\n');
    }

    private static Role role(JsonNode results, String name, List<String> eps) {
        List<Double> test = new ArrayList<>();
        List<List<Double>> phi = new ArrayList<>();
        for (int k = 0; k < eps.size(); k++) phi.add(new ArrayList<>());
        for (JsonNode r : KeskarComparison.roleRuns(results, name)) {
            if (r.path("testAccuracy").isNumber()) test.add(100 * r.path("testAccuracy").asDouble());
            for (int k = 0; k < eps.size(); k++) {
                JsonNode v = r.path("sharpness").path(eps.get(k));
                if (v.isNumber()) phi.get(k).add(v.asDouble());
            }
        }
        return new Role(name, test, phi);
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static double std(List<Double> v) {
        if (v.size() < 2) return Double.NaN;
        double m = mean(v), ss = 0;
        for (double d : v) ss += (d - m) * (d - m);
        return Math.sqrt(ss / (v.size() - 1));
    }
}
