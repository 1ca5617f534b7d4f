package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minima.io.AtomicFiles;
import org.minima.io.Json;
import org.minima.plot.Lines;
import org.minima.plot.PolicyPlot;
import org.minima.plot.Row;
import org.minima.plot.Style;
import org.minima.train.BatchSchedule;
import org.minima.train.LrPolicy;
import org.minima.train.TrainConfig;
import org.minima.train.TrainRun;

/**
 * The figures of a {@link Study}: per group (arm, or arm-optimizer) the mean ± sample std over seeds of the final
 * and best test accuracy, updates and seconds, the epochs and seconds to the target accuracy, the accuracy at each
 * rate scale; a ranking by mean final test accuracy; results.json, report.md, and plots of the test accuracy
 * against epochs and updates, the learning rate and the noise scale against epochs.
 */
public final class StudyReport {
    /** What was written. */
    public record Outcome(Path results, Path report, List<Path> plots, ObjectNode json) {}

    /** Mean and sample standard deviation (n − 1; 0 for one value) of the finite values, and how many there were. */
    public record Stat(double mean, double std, int n) {
        static Stat of(List<Double> values) {
            double sum = 0, sq = 0;
            int n = 0;
            for (double v : values) if (Double.isFinite(v)) { sum += v; n++; }
            double mean = n == 0 ? Double.NaN : sum / n;
            for (double v : values) if (Double.isFinite(v)) sq += (v - mean) * (v - mean);
            return new Stat(mean, n > 1 ? Math.sqrt(sq / (n - 1)) : n == 1 ? 0 : Double.NaN, n);
        }

        ObjectNode json() {
            ObjectNode o = Json.object();
            o.put("mean", mean);
            o.put("std", std);
            o.put("n", n);
            return o;
        }
    }

    /** One run's figures: final (NaN when diverged) and best test accuracy, updates, seconds (with its range test), target. */
    record Figures(double finalAccuracy, double bestAccuracy, double updates, double seconds, double epochToTarget, double secondsToTarget) {
        static Figures of(Study.Done d, Double target) {
            HistoryCsv h = d.history();
            int n = h.epochs().length;
            double best = Double.NaN, secs = 0, epochTo = Double.NaN, secsTo = Double.NaN;
            for (int i = 0; i < n; i++) {
                secs += h.seconds()[i];
                if (!(h.testAccuracy()[i] <= best)) best = h.testAccuracy()[i];
                if (target != null && Double.isNaN(epochTo) && h.testAccuracy()[i] >= target) {
                    epochTo = h.epochs()[i];
                    secsTo = secs;
                }
            }
            double rt = d.rangeTest() == null ? 0 : d.rangeTest().path("seconds").asDouble();
            double last = d.status().equals("complete") && n > 0 ? h.testAccuracy()[n - 1] : Double.NaN;
            long rtSteps = d.rangeTest() == null ? 0 : d.rangeTest().path("steps").asLong();
            return new Figures(last, best, n == 0 ? 0 : h.steps()[n - 1] + rtSteps, secs + rt, epochTo, Double.isNaN(secsTo) ? secsTo : secsTo + rt);
        }
    }

    private StudyReport() {}

    static Outcome write(Study s, List<Study.Done> done, Path out, TrainRun.Info info) {
        Map<String, List<Study.Done>> groups = new LinkedHashMap<>();
        for (String g : s.groups()) groups.put(g, new ArrayList<>());
        for (Study.Done d : done) groups.get(d.run().group()).add(d);

        ObjectNode json = Json.object();
        json.put("study", s.name());
        json.put("description", s.description());
        json.put("file", s.file());
        json.set("sets", Json.MAPPER.valueToTree(s.sets()));
        json.put("quick", s.quick());
        if (s.target() != null) json.put("target", s.target());
        json.put("threads", info.threads());
        json.put("gitCommit", info.gitCommit());
        ArrayNode groupArray = json.putArray("groups");
        for (Map.Entry<String, List<Study.Done>> e : groups.entrySet()) groupArray.add(group(e.getKey(), e.getValue(), s));
        List<JsonNode> ranked = new ArrayList<>();
        groupArray.forEach(ranked::add);
        ranked.sort(Comparator.comparingDouble((JsonNode g) -> {
            double m = g.path("finalAccuracy").path("mean").asDouble(Double.NaN);
            return Double.isNaN(m) ? Double.POSITIVE_INFINITY : -m;
        }));
        for (int i = 0; i < ranked.size(); i++) ((ObjectNode) ranked.get(i)).put("rank", i + 1);
        ArrayNode runs = json.putArray("runs");
        for (Study.Done d : done) {
            Figures f = Figures.of(d, s.target());
            ObjectNode r = runs.addObject();
            r.put("name", d.run().name());
            r.put("group", d.run().group());
            r.put("seed", d.run().seed());
            r.put("scale", d.run().scale());
            r.put("status", d.status());
            r.put("lr", d.config().optimizer().lr());
            r.put("finalAccuracy", f.finalAccuracy());
            r.put("bestAccuracy", f.bestAccuracy());
            r.put("updates", f.updates());
            r.put("seconds", f.seconds());
            if (d.rangeTest() != null) r.put("rangeTestLr", d.rangeTest().path("suggestedLr").asDouble());
        }
        List<Path> plots = plots(s, groups, out.resolve("plots"));
        Path results = out.resolve("results.json");
        Json.write(results, json);
        Path report = out.resolve("report.md");
        AtomicFiles.writeString(report, markdown(s, json, ranked, plots, out));
        return new Outcome(results, report, plots, json);
    }

    private static ObjectNode group(String name, List<Study.Done> runs, Study s) {
        List<Figures> base = new ArrayList<>();
        Map<Double, List<Figures>> scaled = new LinkedHashMap<>();
        int diverged = 0;
        for (Study.Done d : runs) {
            Figures f = Figures.of(d, s.target());
            if (d.run().scale() == 1) {
                base.add(f);
                if (!d.status().equals("complete")) diverged++;
            } else {
                scaled.computeIfAbsent(d.run().scale(), k -> new ArrayList<>()).add(f);
            }
        }
        ObjectNode g = Json.object();
        g.put("name", name);
        g.put("lr", runs.get(0).config().optimizer().lr());
        g.put("seeds", base.size());
        g.put("diverged", diverged);
        g.set("finalAccuracy", Stat.of(base.stream().map(Figures::finalAccuracy).toList()).json());
        g.set("bestAccuracy", Stat.of(base.stream().map(Figures::bestAccuracy).toList()).json());
        g.set("updates", Stat.of(base.stream().map(Figures::updates).toList()).json());
        g.set("seconds", Stat.of(base.stream().map(Figures::seconds).toList()).json());
        if (s.target() != null) {
            Stat e = Stat.of(base.stream().map(Figures::epochToTarget).toList());
            g.put("reachedTarget", e.n());
            g.set("epochsToTarget", e.json());
            g.set("secondsToTarget", Stat.of(base.stream().map(Figures::secondsToTarget).toList()).json());
        }
        ObjectNode sc = g.putObject("scales");
        for (Map.Entry<Double, List<Figures>> e : scaled.entrySet()) {
            sc.set(Study.scaleName(e.getKey()), Stat.of(e.getValue().stream().map(Figures::finalAccuracy).toList()).json());
        }
        return g;
    }

    /** Mean ± std in percent; the mean alone for one run; "(n = k)" after it when fewer than the column's {@code n} runs count. */
    static String pct(JsonNode stat, int n) {
        int k = stat.path("n").asInt();
        if (k == 0) return "diverged";
        String mean = String.format(Locale.ROOT, "%.2f", 100 * stat.path("mean").asDouble());
        String v = k == 1 ? mean : mean + String.format(Locale.ROOT, " ± %.2f", 100 * stat.path("std").asDouble());
        return k < n ? v + " (n = " + k + ")" : v;
    }

    private static String num(JsonNode stat, String format) {
        if (stat.path("n").asInt() == 0) return "–";
        return String.format(Locale.ROOT, format, stat.path("mean").asDouble());
    }

    static String markdown(Study s, ObjectNode json, List<JsonNode> ranked, List<Path> plots, Path out) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(s.name()).append("\n\n");
        if (!s.description().isEmpty()) md.append(s.description()).append("\n\n");
        StringBuilder cmd = new StringBuilder("java -jar target/minima.jar reproduce " + s.file());
        for (String set : s.sets()) cmd.append(" --set '").append(set).append("'");
        if (s.quick()) cmd.append(" --quick");
        md.append("Command: `").append(cmd).append(" --out DIR --threads ").append(json.path("threads").asInt()).append("`  \n");
        md.append("Seeds: ").append(s.seeds()).append(s.scales().isEmpty() ? "" : "; rate scales " + s.scales() + " with seeds " + s.scaleSeeds())
                .append("; git commit ").append(json.path("gitCommit").asText()).append(".\n\n");
        boolean target = s.target() != null;
        int n = s.seeds().size(), nScaled = s.scaleSeeds().size();
        md.append("| rank | group | lr | final test acc. (%, n = ").append(n).append(") | best test acc. (%, n = ").append(n).append(") |");
        if (target) md.append(String.format(Locale.ROOT, " epochs to %.0f%% | seconds to %.0f%% |", 100 * s.target(), 100 * s.target()));
        md.append(" updates | seconds |");
        for (double sc : s.scales()) md.append(" acc. at lr × ").append(Study.scaleName(sc)).append(" (%, n = ").append(nScaled).append(") |");
        md.append("\n|");
        int cols = 7 + (target ? 2 : 0) + s.scales().size();
        md.append("---|".repeat(cols)).append("\n");
        for (JsonNode g : ranked) {
            md.append("| ").append(g.path("rank").asInt()).append(" | ").append(g.path("name").asText())
                    .append(String.format(Locale.ROOT, " | %.3g | ", g.path("lr").asDouble()))
                    .append(pct(g.path("finalAccuracy"), g.path("finalAccuracy").path("n").asInt()))
                    .append(g.path("diverged").asInt() > 0 ? " (" + g.path("diverged").asInt() + " diverged)" : "")
                    .append(" | ").append(pct(g.path("bestAccuracy"), n)).append(" | ");
            if (target) {
                int reached = g.path("reachedTarget").asInt();
                if (reached == 0) md.append("not reached | not reached | ");
                else md.append(num(g.path("epochsToTarget"), "%.1f")).append(reached < g.path("seeds").asInt() ? " (" + reached + "/" + g.path("seeds").asInt() + " seeds)" : "")
                        .append(" | ").append(num(g.path("secondsToTarget"), "%.0f")).append(" | ");
            }
            md.append(num(g.path("updates"), "%.0f")).append(" | ").append(num(g.path("seconds"), "%.0f")).append(" |");
            for (double sc : s.scales()) md.append(" ").append(pct(g.path("scales").path(Study.scaleName(sc)), nScaled)).append(" |");
            md.append("\n");
        }
        md.append("\nn = runs per group (diverged ones left out of the accuracies and counted beside them): mean ± sample std over them, the mean"
                + " alone where n = 1; accuracies of the last epoch; updates = optimizer steps (with a range test's);"
                + " seconds = wall time of the epochs (training and the two evaluations), mean per seed.\n\n");
        for (Path p : plots) {
            if (p.toString().endsWith(".png")) md.append("![").append(p.getFileName()).append("](").append(out.relativize(p)).append(")\n\n");
        }
        md.append("## Runs\n\n| run | status | lr | final test acc. (%) | best (%) | updates | seconds |\n|---|---|---|---|---|---|---|\n");
        for (JsonNode r : json.path("runs")) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.3g | %.2f | %.2f | %.0f | %.0f |%n", r.path("name").asText(), r.path("status").asText(),
                    r.path("lr").asDouble(), 100 * r.path("finalAccuracy").asDouble(Double.NaN), 100 * r.path("bestAccuracy").asDouble(Double.NaN),
                    r.path("updates").asDouble(), r.path("seconds").asDouble()));
        }
        return md.toString();
    }

    /** The mean over seeds (scale 1, complete runs) of a history column, epoch by epoch, up to the shortest run. */
    private static double[] meanColumn(List<Study.Done> runs, java.util.function.Function<HistoryCsv, double[]> column) {
        List<double[]> cols = new ArrayList<>();
        for (Study.Done d : runs) if (d.run().scale() == 1 && d.status().equals("complete")) cols.add(column.apply(d.history()));
        if (cols.isEmpty()) return new double[0];
        int n = cols.stream().mapToInt(c -> c.length).min().orElse(0);
        double[] m = new double[n];
        for (double[] c : cols) for (int i = 0; i < n; i++) m[i] += c[i] / cols.size();
        return m;
    }

    private static double[] steps(HistoryCsv h) {
        double[] s = new double[h.steps().length];
        for (int i = 0; i < s.length; i++) s[i] = h.steps()[i];
        return s;
    }

    /** The learning rate of the first seed's run, 20 samples per epoch, replaying its losses into a state-based policy. */
    static double[][] rateCurve(Study.Done d, Path dir) {
        TrainConfig cfg = d.config();
        HistoryCsv h = d.history();
        int epochs = h.epochs().length;
        int n = Json.read(dir.resolve(TrainRun.RUN_JSON)).path("trainExamples").asInt();
        BatchSchedule schedule = cfg.batch().resolve(n, "batch");
        LrPolicy p = cfg.lrPolicy();
        p.restart();
        int per = 20;
        double[] t = new double[epochs * per + 1], lr = new double[epochs * per + 1];
        for (int e = 0; e < epochs; e++) {
            for (int k = 0; k < per; k++) {
                t[e * per + k] = e + (double) k / per;
                lr[e * per + k] = p.rate(t[e * per + k]) * schedule.lrScale(e);
            }
            p.epochEnded(h.trainLoss()[e], h.testLoss()[e]);
        }
        t[epochs * per] = epochs;
        lr[epochs * per] = lr[Math.max(epochs * per - 1, 0)];
        return new double[][] {t, lr};
    }

    private static final int PANEL_WIDTH = 540, PANEL_HEIGHT = 440;

    /** One line of a section's chart: a group's name, its points, colour and dash. */
    private record Curve(String name, double[] x, double[] y, Color color, boolean dashed) {}

    /** One section's (one optimizer's, or the whole study's) curves: a line per group, mean over seeds, and its first seed's g. */
    private record Curves(List<Curve> accuracy, List<Curve> accuracyUpdates, List<Curve> noise, double gRange) {
        static Curves of(Map<String, List<Study.Done>> groups, List<String> names) {
            List<Curve> acc = new ArrayList<>(), steps = new ArrayList<>(), noise = new ArrayList<>();
            double glo = Double.POSITIVE_INFINITY, ghi = 0;
            for (int i = 0; i < names.size(); i++) {
                List<Study.Done> runs = groups.get(names.get(i));
                Color c = names.size() <= Style.PALETTE.length ? Style.PALETTE[i]
                        : Color.getHSBColor((float) i / names.size(), 0.8f, i % 2 == 0 ? 0.75f : 0.55f);
                boolean dashed = i % 3 == 2;
                double[] a = meanColumn(runs, HistoryCsv::testAccuracy);
                for (int k = 0; k < a.length; k++) a[k] *= 100;
                acc.add(new Curve(names.get(i), meanColumn(runs, HistoryCsv::epochs), a, c, dashed));
                steps.add(new Curve(names.get(i), meanColumn(runs, StudyReport::steps), a, c, dashed));
                HistoryCsv first = runs.get(0).history();
                for (double v : first.noiseScale()) if (v > 0) { glo = Math.min(glo, v); ghi = Math.max(ghi, v); }
                noise.add(new Curve(names.get(i), first.epochs(), first.noiseScale(), c, dashed));
            }
            return new Curves(acc, steps, noise, ghi / glo);
        }

        private static Lines chart(String title, String xLabel, String yLabel, List<Curve> curves) {
            Lines l = new Lines(title, xLabel, yLabel);
            for (Curve c : curves) l.line(c.name(), c.x(), c.y(), c.color(), c.dashed());
            return l;
        }

        Lines accuracy(String title) {
            return chart(title, "epoch", "test accuracy (%), mean over seeds", accuracy);
        }

        Lines accuracyUpdates(String title) {
            return chart(title, "parameter updates (optimizer steps)", "test accuracy (%), mean over seeds", accuracyUpdates);
        }

        /** A log axis where g spans more than a decade and a half. */
        Lines noise(String title) {
            return chart(title, "epoch", "g (first seed)", noise).logY(gRange > 30);
        }
    }

    /**
     * Per section (optimizer): test accuracy against epochs and against updates, the noise scale against epochs,
     * and the three as panels of one figure (Smith et al.'s Figure 2 in small); then the learning rate of every
     * arm over the run, a panel per arm with a line per optimizer.
     */
    private static List<Path> plots(Study s, Map<String, List<Study.Done>> groups, Path dir) {
        List<Path> written = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        if (s.optimizers().isEmpty()) sections.add(null);
        else for (Map<String, Object> o : s.optimizers()) sections.add(String.valueOf(o.get("name")));
        for (String opt : sections) {
            String suffix = opt == null ? "" : "-" + opt;
            String title = s.name() + (opt == null ? "" : " (" + opt + ")");
            List<String> names = new ArrayList<>();
            for (String g : groups.keySet()) if (opt == null || g.endsWith("-" + opt)) names.add(g);
            Curves c = Curves.of(groups, names);
            written.addAll(c.accuracy(title + ": test accuracy, mean over seeds").figure().write(dir.resolve(s.name() + suffix + "-test-accuracy.png")));
            written.addAll(c.accuracyUpdates(title + ": test accuracy against updates").figure().write(dir.resolve(s.name() + suffix + "-test-accuracy-updates.png")));
            written.addAll(c.noise(title + ": noise scale g = lr·N/(B(1−m)) per epoch").figure().write(dir.resolve(s.name() + suffix + "-noise-scale.png")));
            Row summary = new Row(title + ": test accuracy against epochs and against updates, and the noise scale g = lr·N/(B(1−m))",
                    List.of(Style.figure(c.accuracy("against epochs").chart(PANEL_WIDTH, PANEL_HEIGHT)),
                            Style.figure(c.accuracyUpdates("against updates").chart(PANEL_WIDTH, PANEL_HEIGHT)),
                            Style.figure(c.noise("noise scale g").chart(PANEL_WIDTH, PANEL_HEIGHT))));
            written.addAll(summary.write(dir.resolve(s.name() + suffix + "-summary.png")));
        }
        written.addAll(PolicyPlot.figure(ratePanels(s, groups, sections)).write(dir.resolve(s.name() + "-rates.png")));
        return written;
    }

    /**
     * A panel per arm: its learning rate over the run (first seed, state-based policies replayed on its losses), a
     * line per optimizer; with {@code relativeRates} as a multiple of the optimizer's lr (the run's, so a range-test
     * arm's suggestion is 1), which puts SGD's and Adam's lines on one scale.
     */
    static List<PolicyPlot.Panel> ratePanels(Study s, Map<String, List<Study.Done>> groups, List<String> sections) {
        List<PolicyPlot.Panel> panels = new ArrayList<>();
        for (Study.Arm arm : s.arms()) {
            double[] x = null;
            List<String> names = new ArrayList<>();
            List<double[]> ys = new ArrayList<>();
            for (String opt : sections) {
                Study.Done first = groups.get(opt == null ? arm.name() : arm.name() + "-" + opt).get(0);
                if (first.history().epochs().length == 0) continue;
                double[][] r = rateCurve(first, first.dir());
                if (x != null && r[0].length != x.length) continue; // a run that diverged earlier than the first line's
                x = r[0];
                if (s.relativeRates()) for (int k = 0; k < r[1].length; k++) r[1][k] /= first.config().optimizer().lr();
                names.add(opt == null ? "lr" : opt);
                ys.add(r[1]);
            }
            if (x != null) panels.add(new PolicyPlot.Panel(arm.name(), s.relativeRates() ? "lr ÷ optimizer lr" : "learning rate", x, names, ys));
        }
        return panels;
    }
}
