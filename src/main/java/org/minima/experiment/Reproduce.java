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
import org.minima.io.LockFile;
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
 *
 * <p>The work is the {@link Plan}'s units: {@link #run()} computes all of them, {@link #runTask} one task's share of
 * an array (docs/cluster.md). Each unit writes only its own files, atomically, and is computed under a
 * {@link LockFile} ({@code locks/} in --out), so several processes, on one machine or on the nodes of a cluster
 * sharing --out, never compute one unit twice.
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
    private final Plan plan;

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
        this.plan = Plan.of(experiment);
    }

    /** The plan of this experiment (its units, in the order they run). */
    public Plan plan() {
        return plan;
    }

    /**
     * A unit's state in {@code --out}: done or not, and {@code lockedBy}, the content of its lock file ({@code host},
     * {@code pid}, {@code start}) while a process computes it (or left by one that died), else null.
     */
    public record UnitState(Plan.Unit unit, boolean done, JsonNode lockedBy) {}

    /** Every unit of the plan with its state in {@code --out} (what {@code reproduce --plan} prints); reads files only. */
    public List<UnitState> states() {
        List<UnitState> states = new ArrayList<>();
        for (Plan.Unit u : plan.units()) states.add(new UnitState(u, done(u), lockContent(lockFile(u))));
        return states;
    }

    /** A lock file's JSON; {"file": path} when it cannot be read as JSON (its holder is writing it); null when there is none. */
    private static JsonNode lockContent(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Json.read(file);
        } catch (RuntimeException e) {
            return Json.object().put("file", file.toString());
        }
    }

    /**
     * Every unit: the trainings and analyses not done yet (waiting for those another process is computing), then the
     * interpolations and the report, which are always redone.
     */
    public Outcome run() {
        prepare(experiment.runs());
        List<Path> interpolations = new ArrayList<>();
        for (Plan.Unit u : plan.units()) {
            if (u.kind() != Plan.Kind.REPORT) interpolations.addAll(compute(u));
        }
        try (LockFile lock = lock(plan.units().get(plan.units().size() - 1))) {
            return report(interpolations);
        }
    }

    /**
     * Only the units {@link Plan#forTask} gives task {@code task} of {@code tasks} (a slice of a job array,
     * docs/cluster.md): trainings and their models' analyses. Returns the units it ran or found done.
     */
    public List<Plan.Unit> runTask(int task, int tasks) {
        List<Plan.Unit> mine = plan.forTask(task, tasks);
        prepare(experiment.runs().stream().filter(r -> mine.stream().anyMatch(u -> u.runs().contains(r.name()))).toList());
        log.accept("task " + task + " of " + tasks + ": " + String.join(", ", mine.stream().map(Plan.Unit::id).toList()));
        for (Plan.Unit u : mine) compute(u);
        return mine;
    }

    /** The output folders, and the check that the run directories of {@code runs} hold nothing else. */
    private void prepare(List<Experiment.Run> runs) {
        for (Experiment.Run r : runs) checkReusable(r, out.resolve(r.name()));
        // issue 18: a fixed batch larger than a run's training set is one error before any training (sizes cached per SPEC)
        Map<String, Integer> sizes = new java.util.HashMap<>();
        for (Experiment.Run r : runs) {
            Experiment.checkBatchFits(r.config(), r.name(), spec -> sizes.computeIfAbsent(spec, x -> DataSets.load(x).size()));
        }
        try {
            Files.createDirectories(out.resolve("plots"));
            Files.createDirectories(out.resolve("analyses"));
        } catch (IOException e) {
            throw new InputException(out + ": cannot create the output folder: " + e.getMessage());
        }
    }

    /**
     * One unit under its lock, so that no two processes compute it at once: a per-task unit found done (before or
     * after the wait for another holder) is skipped. Returns the files an interpolation wrote (else nothing).
     */
    private List<Path> compute(Plan.Unit u) {
        boolean cached = u.kind().perTask();
        if (cached && done(u)) {
            log.accept(u.id() + ": done in " + out + ", not computed again");
            return List.of();
        }
        try (LockFile lock = lock(u)) {
            if (cached && done(u)) {
                log.accept(u.id() + ": done by another process meanwhile");
                return List.of();
            }
            return execute(u);
        }
    }

    /** The lock file of a unit: {@code locks/KIND-NAME.lock} in --out. */
    private Path lockFile(Plan.Unit u) {
        return out.resolve("locks").resolve(u.id().replace(':', '-') + ".lock");
    }

    /** Takes the unit's lock, waiting while another live process holds it (polling every {@link #LOCK_POLL_MILLIS}). */
    private LockFile lock(Plan.Unit u) {
        Path file = lockFile(u);
        LockFile lock;
        try {
            return LockFile.acquire(file, u.id());
        } catch (InputException held) {
            log.accept(held.getMessage() + "; waiting");
        }
        while ((lock = LockFile.tryAcquire(file)) == null) {
            try {
                Thread.sleep(LOCK_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + file, e);
            }
        }
        return lock;
    }

    /** How often a process waiting for a unit looks at its lock: a few file reads a second at most. */
    static final long LOCK_POLL_MILLIS = 1000;

    /** Whether a unit's output is in --out (for an interpolation or the report: its files exist). */
    private boolean done(Plan.Unit u) {
        String name = u.runs().get(0);
        return switch (u.kind()) {
            case TRAINING -> trainingComplete(out.resolve(name));
            case ANALYSES -> trainingComplete(out.resolve(name)) && Files.isRegularFile(analysesFile(name))
                    && Json.toString(Json.read(analysesFile(name)).path("settings"))
                            .equals(Json.toString(analysisSettings(Json.read(out.resolve(name).resolve(TrainRun.RUN_JSON)))));
            case INTERPOLATION -> Files.isRegularFile(out.resolve("plots").resolve(interpolationBase(name, u.runs().get(1)) + ".csv"));
            case REPORT -> Files.isRegularFile(out.resolve("results.json")) && Files.isRegularFile(out.resolve("report.md"));
        };
    }

    /** Computes one unit (its lock held); returns the files an interpolation wrote. */
    private List<Path> execute(Plan.Unit u) {
        String name = u.runs().get(0);
        switch (u.kind()) {
            case TRAINING -> train(run(name), out.resolve(name));
            case ANALYSES -> analyses(run(name), out.resolve(name), Json.read(out.resolve(name).resolve(TrainRun.RUN_JSON)));
            case INTERPOLATION -> {
                return interpolate(name, u.runs().get(1), experiment.analyses().interpolate());
            }
            case REPORT -> throw new IllegalStateException("the report is written by run()");
        }
        return List.of();
    }

    /** results.json, report.md and the training curves, from the files of the runs and analyses (all done). */
    private Outcome report(List<Path> interpolations) {
        List<RunResult> results = new ArrayList<>();
        for (Experiment.Run r : experiment.runs()) {
            Path dir = out.resolve(r.name());
            JsonNode record = Json.read(dir.resolve(TrainRun.RUN_JSON));
            results.add(new RunResult(r, dir, record, HistoryCsv.read(dir.resolve("history.csv")), Json.read(analysesFile(r.name()))));
        }
        List<Path> plots = new ArrayList<>();
        Path curves = out.resolve("plots").resolve("training-curves.png");
        plots.addAll(TrainingCurvesPlot.of(curveList(results), experiment.name()).write(curves));
        plots.addAll(interpolations);

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
            written.addAll(org.minima.plot.MeanStdPlot.of(List.of(Figures.points(fig)), title,
                    k == 4 ? "batch size (log scale)" : "small-batch epochs before the large-batch run", phi, k == 4)
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

    private Experiment.Run run(String name) {
        return experiment.runs().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean trainingComplete(Path dir) {
        Path runJson = dir.resolve(TrainRun.RUN_JSON);
        return Files.isRegularFile(runJson) && "complete".equals(Json.read(runJson).path("status").asText());
    }

    private Path analysesFile(String run) {
        return out.resolve("analyses").resolve(run + ".json");
    }

    private static String interpolationBase(String from, String to) {
        return "interpolation-" + from + "-" + to;
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
    private void analyses(Experiment.Run r, Path dir, JsonNode record) {
        Experiment.SharpnessSettings ss = experiment.analyses().sharpness();
        Experiment.HessianSettings hs = experiment.analyses().hessian();
        ObjectNode settings = analysisSettings(record);
        Path cache = analysesFile(r.name());
        ObjectNode a = Json.object();
        a.set("settings", settings);
        if (ss == null && hs == null) {
            Json.write(cache, a);
            return;
        }
        ModelDirectory.Loaded model = ModelDirectory.read(dir);
        Network net = Network.load(model, DataType.DOUBLE);
        if (ss != null) {
            DataSet data = trainingData(r.config(), ss.examples());
            ModelAndData.requireFits(model.spec(), data, dir);
            // every convention (issue 18), the headline first; its measurements are also "sharpness" and "subspaceSharpness"
            var conventions = a.putArray("conventions");
            for (Experiment.Convention c : ss.conventions()) {
                ObjectNode co = conventions.addObject();
                conventionFields(co, c);
                ObjectNode full = co.putObject("sharpness");
                ObjectNode sub = co.putObject("subspaceSharpness");
                String named = ss.several() ? " (" + c.label() + ")" : ""; // progress and log lines name the convention when there are several
                for (String eps : ss.eps()) {
                    full.set(eps, measure(r.name(), dir, net, data, ss.options(eps, false, c), named));
                    if (ss.subspace() != null) sub.set(eps, measure(r.name(), dir, net, data, ss.options(eps, true, c), named));
                }
            }
            a.set("sharpness", conventions.get(0).get("sharpness"));
            a.set("subspaceSharpness", conventions.get(0).get("subspaceSharpness"));
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
    }

    /**
     * What a model's analyses were made with: the settings and the model's end time. The cached analyses are reused
     * while these are unchanged.
     */
    private ObjectNode analysisSettings(JsonNode record) {
        Experiment.SharpnessSettings ss = experiment.analyses().sharpness();
        Experiment.HessianSettings hs = experiment.analyses().hessian();
        ObjectNode settings = Json.object();
        settings.put("modelEnd", record.path("end").asText());
        // layout 2: each measurement as the sharpness and hessian commands print it (older caches are measured again)
        settings.put("layout", 2);
        settings.set("sharpness", ss == null ? null : Json.MAPPER.valueToTree(ss.cacheKey()));
        settings.set("hessian", hs == null ? null : Json.MAPPER.valueToTree(hs));
        return settings;
    }

    /** {@code convention} (its key), {@code label}, {@code bn}, {@code bnBatch}, {@code start}, {@code restarts} of one convention. */
    static void conventionFields(ObjectNode o, Experiment.Convention c) {
        o.put("convention", c.key());
        o.put("label", c.label());
        o.put("bn", c.bn().key());
        o.put("bnBatch", c.bn().batch());
        o.put("start", c.start().label());
        o.put("restarts", c.restarts());
    }

    /** One sharpness measurement of the model in {@code dir}, as {@code minima sharpness} writes it. */
    private ObjectNode measure(String name, Path dir, Network net, DataSet data, SharpnessOptions o, String convention) {
        long t0 = System.nanoTime();
        SharpnessAnalysis.Result res;
        String task = name + ": sharpness eps " + Experiment.epsKey(o.eps()) + (o.subspace() == null ? "" : " subspace " + o.subspace())
                + convention;
        try (AnalysisProgress.SharpnessTask bar = progress.sharpness(task)) {
            res = SharpnessAnalysis.run(net, data, o, bar);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(java.util.Locale.ROOT, "%s: sharpness eps %s %s%s = %.6g (%d evaluations, %.0f s)", name,
                Experiment.epsKey(o.eps()), o.subspace() == null ? "full space" : "subspace " + o.subspace(), convention,
                res.sharpness().sharpness(), res.sharpness().evaluations(), seconds));
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
        String base = interpolationBase(from, to);
        result.writeCsv(plots.resolve(base + ".csv"));
        List<Path> written = new ArrayList<>();
        written.add(plots.resolve(base + ".csv"));
        String about = experiment.name() + " on " + train.spec() + " / " + test.spec() + ", " + train.size() + " + " + test.size() + " examples";
        written.addAll(new InterpolationPlot(result.points(), options.path(), from, to, !is.linearLoss(), about).chart()
                .write(plots.resolve(base + ".png")));
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
