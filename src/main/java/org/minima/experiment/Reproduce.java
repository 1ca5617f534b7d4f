package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.minima.analysis.AnalysisProgress;
import org.minima.analysis.HessianAnalysis;
import org.minima.analysis.HessianOperator;
import org.minima.analysis.ModelAndData;
import org.minima.analysis.Interpolation;
import org.minima.analysis.NetworkObjective;
import org.minima.analysis.ParameterLayout;
import org.minima.analysis.Score;
import org.minima.analysis.Sharpness;
import org.minima.analysis.SharpnessAnalysis;
import org.minima.analysis.SharpnessOptions;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.nn.Network;
import org.minima.plot.InterpolationPlot;
import org.minima.plot.TrainingCurvesPlot;
import org.minima.train.TrainConfig;
import org.minima.train.TrainRun;
import org.minima.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code reproduce}: trains every run of an {@link Experiment} with {@link TrainRun} (what {@code train} does),
 * measures each model with {@link Sharpness} and {@link HessianAnalysis} (what {@code sharpness} and
 * {@code hessian} do, float64, inference mode, on the first N training examples), interpolates the pairs with
 * {@link Interpolation} (what {@code interpolate} does), and writes {@code results.json}, {@code report.md} and
 * {@code plots/} (docs/reproduce.md).
 *
 * <p>Resuming: a run whose {@code run.json} says {@code complete} is not trained again; an interrupted one is
 * continued from its checkpoint. Each run's analyses are kept in {@code analyses/NAME.json} with the settings
 * they were made with and the model's end time, and reused while both are unchanged. Interpolations and plots
 * are always redone.
 */
public final class Reproduce {

    /** One run's figures as written to results.json. */
    public record RunResult(Experiment.Run run, Path dir, JsonNode record, HistoryCsv history, JsonNode analyses) {}

    /** What was written. */
    public record Outcome(Path results, Path report, List<Path> plots, List<RunResult> runs, ObjectNode resultsJson) {}

    private final Experiment experiment;
    private final Path out;
    private final TrainRun.Info info;
    private final Trainer.Listener trainListener;
    private final Consumer<String> log;
    private final AnalysisProgress progress;

    /**
     * @param info          tool version, git commit and threads, recorded in each run.json and the report
     * @param trainListener progress of each training (may be {@link Trainer.Listener#NONE})
     * @param log           one line per step of the experiment (may ignore them)
     * @param progress      progress inside each analysis (may be {@link AnalysisProgress#NONE})
     */
    public Reproduce(Experiment experiment, Path out, TrainRun.Info info, Trainer.Listener trainListener, Consumer<String> log,
                     AnalysisProgress progress) {
        this.experiment = experiment;
        this.out = out;
        this.info = info;
        this.trainListener = trainListener;
        this.log = log;
        this.progress = progress;
    }

    public Outcome run() {
        try {
            Files.createDirectories(out.resolve("plots"));
            Files.createDirectories(out.resolve("analyses"));
        } catch (IOException e) {
            throw new InputException(out + ": cannot create the output folder: " + e.getMessage());
        }
        for (Experiment.Run r : experiment.runs()) checkReusable(r, out.resolve(r.name()));

        List<RunResult> results = new ArrayList<>();
        for (Experiment.Run r : experiment.runs()) {
            Path dir = out.resolve(r.name());
            train(r, dir);
            JsonNode record = Json.read(dir.resolve(TrainRun.RUN_JSON));
            HistoryCsv history = HistoryCsv.read(dir.resolve("history.csv"));
            results.add(new RunResult(r, dir, record, history, analyses(r, dir, record)));
        }

        List<Path> plots = new ArrayList<>();
        Path curves = out.resolve("plots").resolve("training-curves.png");
        plots.addAll(TrainingCurvesPlot.of(curveList(results), experiment.name()).write(curves));
        Experiment.InterpolateSettings is = experiment.analyses().interpolate();
        if (is != null) {
            for (List<String> pair : is.pairs()) plots.addAll(interpolate(pair.get(0), pair.get(1), is));
        }

        ObjectNode json = Results.json(experiment, results, out);
        plots.addAll(keskarFigures45(json));
        Path resultsFile = out.resolve("results.json");
        Json.write(resultsFile, json);
        Path report = out.resolve("report.md");
        AtomicFiles.writeString(report, Report.markdown(experiment, json, plots, out, info));
        return new Outcome(resultsFile, report, plots, results, json);
    }

    /**
     * Keskar's Figures 4 and 5 (issue 18): the per-batch-size and per-warm-start-epoch aggregates into results.json
     * ({@link Figures}) and their plots, plots/figure4.png and plots/figure5.png.
     */
    private List<Path> keskarFigures45(ObjectNode json) {
        List<Path> written = new ArrayList<>();
        Experiment.Analyses a = experiment.analyses();
        for (int k : new int[] {4, 5}) {
            Experiment.FigureSettings f = k == 4 ? a.figure4() : a.figure5();
            if (f == null) continue;
            ObjectNode fig = k == 4 ? Figures.figure4(json.get("runs"), f) : Figures.figure5(json.get("runs"), f);
            json.set("figure" + k, fig);
            String phi = "φ ε=" + f.eps() + (f.subspace() ? " subspace" : "");
            String title = experiment.name() + (k == 4 ? ": sharpness and test accuracy against the batch size"
                    : ": large-batch runs warm-started from small-batch epochs");
            written.addAll(org.minima.plot.MeanStdPlot.of(List.of(Figures.points(fig, k == 4)), title,
                    k == 4 ? "batch size (log10)" : "small-batch epochs before the large-batch run", phi)
                    .write(out.resolve("plots").resolve("figure" + k + ".png")));
        }
        return written;
    }

    /**
     * The config a run is trained with: its own, plus (a warm start, issue 18) {@code init} = the folder of the
     * epoch it starts from, {@code OUT/RUN/epochs/epoch-K}.
     */
    TrainConfig configOf(Experiment.Run r) {
        if (r.initFrom() == null) return r.config();
        Map<String, Object> raw = TrainConfig.deepCopy(r.config().raw());
        raw.put("init", Trainer.epochDir(out.resolve(r.initFrom().run()), r.initFrom().epoch()).toString());
        return TrainConfig.parse(raw, r.name());
    }

    /** The config a run is trained with, as run.json records it (TrainRun writes the raw config plus the seed). */
    static String recordedConfig(TrainConfig cfg) {
        Map<String, Object> config = new LinkedHashMap<>(cfg.raw());
        config.put("seed", cfg.seed());
        return Json.toString(Json.MAPPER.valueToTree(config));
    }

    /**
     * Refuses, before any training starts, a run directory that holds a run of another config (e.g. the experiment
     * file was edited, or --quick and a full run share one --out): its model would be reported as this run's.
     */
    private void checkReusable(Experiment.Run r, Path dir) {
        Path runJson = dir.resolve(TrainRun.RUN_JSON);
        if (!Files.isRegularFile(runJson)) return;
        String recorded = Json.toString(Json.read(runJson).path("config"));
        if (!recorded.equals(recordedConfig(configOf(r)))) {
            throw new InputException(runJson + ": was trained with another config than run '" + r.name()
                    + "' of the experiment now asks for; choose another --out or delete " + dir);
        }
    }

    private void train(Experiment.Run r, Path dir) {
        Path runJson = dir.resolve(TrainRun.RUN_JSON);
        if (Files.isRegularFile(runJson)) {
            if ("complete".equals(Json.read(runJson).path("status").asText())) {
                log.accept(r.name() + ": complete in " + dir + ", not trained again");
                return;
            }
            log.accept(r.name() + ": resuming the interrupted run in " + dir);
            TrainRun.resume(dir, info, trainListener);
            return;
        }
        TrainConfig cfg = configOf(r);
        if (cfg.init() != null && !Files.isRegularFile(Path.of(cfg.init()).resolve("model.json"))) {
            throw new InputException(r.name() + ": warm start from " + cfg.init() + ", which does not exist (did run '" + r.initFrom().run()
                    + "' stop before epoch " + r.initFrom().epoch() + "?)");
        }
        log.accept(r.name() + " (" + r.role() + "): training into " + dir + (cfg.init() == null ? "" : ", starting from " + cfg.init()));
        TrainRun.start(cfg, dir, info, trainListener);
    }

    /** The analysis data of a run: its training set (as trained on), the first {@code examples} of it. */
    private static DataSet trainingData(TrainConfig cfg, Integer examples) {
        DataSet set = DataSets.load(cfg.trainData(), cfg.trainExamples());
        return examples == null ? set : set.head(examples);
    }

    /** Sharpness and Hessian of one model, from the cache when its settings and the model are unchanged. */
    private JsonNode analyses(Experiment.Run r, Path dir, JsonNode record) {
        Experiment.SharpnessSettings ss = experiment.analyses().sharpness();
        Experiment.HessianSettings hs = experiment.analyses().hessian();
        ObjectNode settings = Json.object();
        settings.put("modelEnd", record.path("end").asText());
        // layout 2: each measurement as the sharpness and hessian commands print it (older caches are measured again)
        settings.put("layout", 2);
        settings.set("sharpness", ss == null ? null : Json.MAPPER.valueToTree(ss));
        settings.set("hessian", hs == null ? null : Json.MAPPER.valueToTree(hs));
        Path cache = out.resolve("analyses").resolve(r.name() + ".json");
        if (Files.isRegularFile(cache)) {
            JsonNode old = Json.read(cache);
            if (Json.toString(old.path("settings")).equals(Json.toString(settings))) {
                log.accept(r.name() + ": analyses unchanged, read from " + cache);
                return old;
            }
        }
        ObjectNode a = Json.object();
        a.set("settings", settings);
        if (ss == null && hs == null) {
            Json.write(cache, a);
            return a;
        }
        ModelDirectory.Loaded model = ModelDirectory.read(dir);
        Network net = Network.load(model, DataType.DOUBLE);
        if (ss != null) {
            DataSet data = trainingData(r.config(), ss.examples());
            ModelAndData.requireFits(model.spec(), data, dir);
            ObjectNode full = a.putObject("sharpness");
            ObjectNode sub = a.putObject("subspaceSharpness");
            for (String eps : ss.eps()) {
                full.set(eps, measure(r.name(), dir, net, data, ss.options(eps, false)));
                if (ss.subspace() != null) sub.set(eps, measure(r.name(), dir, net, data, ss.options(eps, true)));
            }
        }
        if (hs != null) {
            DataSet data = trainingData(r.config(), hs.examples());
            ModelAndData.requireFits(model.spec(), data, dir);
            long t0 = System.nanoTime();
            log.accept(r.name() + ": top-" + hs.top() + " Hessian eigenvalues (Lanczos) on " + data.size() + " examples");
            HessianAnalysis.Options options = hs.options();
            HessianAnalysis.Measurement h;
            try (AnalysisProgress.HessianTask bar = progress.hessian(r.name() + ": hessian", options.maxProducts())) {
                h = HessianAnalysis.run(net, data, options, bar);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            a.set("hessian", h.toJson(dir.toString(), seconds));
            log.accept(String.format(java.util.Locale.ROOT, "%s: lambda_max %.6g (%d Hessian-vector products, %.0f s)", r.name(),
                    h.result().spectrum().eigenvalues()[0], h.result().hvps(), seconds));
        }
        Json.write(cache, a);
        return a;
    }

    /** One sharpness measurement of the model in {@code dir}, as {@code minima sharpness} writes it. */
    private ObjectNode measure(String name, Path dir, Network net, DataSet data, SharpnessOptions o) {
        long t0 = System.nanoTime();
        SharpnessAnalysis.Result res;
        String task = name + ": sharpness eps " + Experiment.epsKey(o.eps()) + (o.subspace() == null ? "" : " subspace " + o.subspace());
        try (AnalysisProgress.SharpnessTask bar = progress.sharpness(task)) {
            res = SharpnessAnalysis.run(net, data, o, bar);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(java.util.Locale.ROOT, "%s: sharpness eps %s %s = %.6g (%d evaluations, %.0f s)", name, Experiment.epsKey(o.eps()),
                o.subspace() == null ? "full space" : "subspace " + o.subspace(), res.sharpness().sharpness(), res.sharpness().evaluations(),
                seconds));
        if (res.note() != null) log.accept(name + ": " + res.note());
        return res.toJson(dir.toString(), seconds);
    }

    /** Keskar's Figure 3 between two runs' models: plots/interpolation-FROM-TO.{csv,png,svg}, as {@code interpolate} writes them. */
    private List<Path> interpolate(String from, String to, Experiment.InterpolateSettings is) {
        TrainConfig cfg = experiment.runs().stream().filter(r -> r.name().equals(from)).findFirst().orElseThrow().config();
        ModelDirectory.Loaded a = ModelDirectory.read(out.resolve(from));
        ModelDirectory.Loaded b = ModelDirectory.read(out.resolve(to));
        ModelAndData.requireSameArchitecture(a.spec(), out.resolve(from), b.spec(), out.resolve(to));
        Network netFrom = Network.load(a, DataType.DOUBLE);
        Network netTo = Network.load(b, DataType.DOUBLE);
        DataSet train = trainingData(cfg, is.examples());
        DataSet test = DataSets.load(cfg.testData(), cfg.testExamples());
        if (is.examples() != null) test = test.head(is.examples());
        log.accept("interpolating " + from + " -> " + to + " at " + is.grid().count() + " points on " + train.size() + " training and "
                + test.size() + " test examples");
        Interpolation.Options options = is.options();
        Interpolation.Result result;
        try (AnalysisProgress.PointsTask bar = progress.interpolation("interpolation " + from + "-" + to, is.grid().count())) {
            result = Interpolation.run(netFrom, netTo, train, test, options, bar);
        }
        Path plots = out.resolve("plots");
        String base = "interpolation-" + from + "-" + to;
        result.writeCsv(plots.resolve(base + ".csv"));
        List<Path> written = new ArrayList<>();
        written.add(plots.resolve(base + ".csv"));
        // the loss on a log axis: near-zero losses at the two minimizers and the barrier between them both readable
        written.addAll(new InterpolationPlot(result.points(), options.path(), from, to, true).chart().write(plots.resolve(base + ".png")));
        return written;
    }

    private static List<TrainingCurvesPlot.Curve> curveList(List<RunResult> results) {
        List<TrainingCurvesPlot.Curve> curves = new ArrayList<>();
        for (RunResult r : results) {
            curves.add(new TrainingCurvesPlot.Curve(r.run().name() + " (" + r.run().role() + ")", r.history().epochs(),
                    r.history().trainLoss(), r.history().testAccuracy()));
        }
        return curves;
    }
}
