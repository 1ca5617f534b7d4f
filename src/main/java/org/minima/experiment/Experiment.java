package org.minima.experiment;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.minima.analysis.Grid;
import org.minima.analysis.Interpolation;
import org.minima.analysis.HessianAnalysis;
import org.minima.analysis.RandomSubspace;
import org.minima.analysis.SharpnessOptions;
import org.minima.io.InputException;
import org.minima.nn.BatchNormMode;
import org.minima.train.TrainConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * An experiment file (docs/reproduce.md): a name, the paper numbers it is compared with, a {@code base} training
 * config, the runs (each {@code name}, {@code role} and overrides of base keys) and the analyses. Every key is
 * checked; an unknown one is an {@link InputException} naming it and the keys allowed, as {@link TrainConfig} does.
 * Each run's config is checked by {@link TrainConfig#parse} itself, so a run means exactly what {@code train} would
 * make of the same keys.
 */
public record Experiment(String name, String description, Paper paper, List<Run> runs, Analyses analyses, boolean quick, String quickNote,
                         Invocation invocation) {

    /**
     * How the experiment was asked for on the command line (issue 18): the file as given, the {@code --set}
     * overrides in order and {@code --quick}; results.json and report.md record it. Null when parsed from a map.
     */
    public record Invocation(String file, List<String> sets, boolean quick) {
        public Invocation {
            sets = List.copyOf(sets);
        }

        /** E.g. {@code minima reproduce experiments/keskar-f1.yaml --quick --set base.epochs=6}, values shell-quoted when needed. */
        public String commandLine() {
            StringBuilder b = new StringBuilder("minima reproduce ").append(quote(file));
            if (quick) b.append(" --quick");
            for (String s : sets) b.append(" --set ").append(quote(s));
            return b.toString();
        }

        private static String quote(String w) {
            return w.matches("[A-Za-z0-9_./:=,+@%-]+") ? w : "'" + w.replace("'", "'\\''") + "'";
        }
    }

    /** This experiment as asked for by {@code invocation}. */
    public Experiment withInvocation(Invocation invocation) {
        return new Experiment(name, description, paper, runs, analyses, quick, quickNote, invocation);
    }

    static final Set<String> KEYS = ordered("experiment", "description", "paper", "base", "runs", "analyses", "quick");
    static final Set<String> QUICK_KEYS = ordered("base", "sweep", "analyses");
    /** A run entry's own keys besides the config's (docs/reproduce.md, "Sweeps" and "Warm starts"). */
    static final Set<String> RUN_OWN_KEYS = ordered("name", "role", "sweep");
    static final Set<String> INIT_FROM_KEYS = ordered("run", "epoch");
    static final Set<String> FIGURE_KEYS = ordered("eps", "subspace");
    static final Set<String> PAPER_KEYS = ordered("table", "network");
    static final Set<String> ANALYSES_KEYS = ordered("sharpness", "hessian", "interpolate", "figure4", "figure5");
    static final Set<String> SHARPNESS_KEYS = ordered("eps", "subspace", "maxIter", "examples", "seed", "bn", "bnBatch", "subspaceMatrix", "start",
            "restarts");
    static final Set<String> HESSIAN_KEYS = ordered("top", "maxSteps", "tol", "examples", "seed", "bn", "bnBatch");
    static final Set<String> INTERPOLATE_KEYS = ordered("pairs", "alpha", "examples", "bn", "bnBatch", "linearLoss");

    /** Base keys a run replaces whole instead of merging key by key (a policy's parameters depend on its name). */
    static final Set<String> REPLACED_WHOLE = Set.of("model", "lrPolicy");

    /** {@code --quick}: what a smoke run keeps at most (docs/reproduce.md). */
    public static final int QUICK_EPOCHS = 2;
    public static final int QUICK_TRAIN_EXAMPLES = 4000;
    public static final int QUICK_TEST_EXAMPLES = 1000;
    public static final int QUICK_ANALYSIS_EXAMPLES = 1000;
    public static final int QUICK_LANCZOS_STEPS = 20;
    public static final String QUICK_NOTE = "--quick: at most " + QUICK_EPOCHS + " epochs, the first " + QUICK_TRAIN_EXAMPLES
            + " training and " + QUICK_TEST_EXAMPLES + " test examples, analyses on at most " + QUICK_ANALYSIS_EXAMPLES
            + " examples and at most " + QUICK_LANCZOS_STEPS + " Lanczos steps; a smoke run, not a reproduction";

    /** Which of Keskar et al.'s tables (2, 3, 4) the runs are compared with, for which network (F1, F2, C1–C4). */
    public record Paper(List<Integer> tables, String network) {}

    /**
     * One training: its directory name, its role ("SB", "LB" or the experiment's own label), its checked config,
     * the values its sweep gave it (dotted key → value; empty without a sweep) and the run and epoch it is
     * warm-started from (null: initialized from its seed or its config's {@code init}).
     */
    public record Run(String name, String role, TrainConfig config, Map<String, Object> swept, InitFrom initFrom) {
        public Run(String name, String role, TrainConfig config) {
            this(name, role, config, Map.of(), null);
        }
    }

    /** {@code init: {run: NAME, epoch: K}}: start from the weights run NAME (with saveEpochs) had after epoch K (Keskar's Figure 5). */
    public record InitFrom(String run, int epoch) {}

    /**
     * Keskar's Figure 4 (sharpness and test accuracy against the batch size, mean ± std over the runs of each size)
     * or Figure 5 (the same against the warm-start epoch of the warm-started runs): φ at {@code eps}, in the full
     * space or the subspace.
     */
    public record FigureSettings(String eps, boolean subspace) {}

    /**
     * Keskar's Metric 2.1 at each ε, in the full space and (if {@code subspace} is set) in a random p-subspace, in
     * every {@link Convention}: each batch-norm statistics of {@code bn} with each start of {@code start} (issue 18).
     * The first of each list is the headline convention (the paper's: batch statistics, centre start); {@code restarts}
     * seeded random starts follow every non-centre start (a centre start is the paper's single start).
     */
    public record SharpnessSettings(List<String> eps, Integer subspace, int maxIter, Integer examples, long seed, List<BatchNormMode> bns,
                                    RandomSubspace.Kind subspaceMatrix, List<SharpnessOptions.StartAt> starts, int restarts) {
        public SharpnessSettings {
            if (bns.isEmpty() || starts.isEmpty()) throw new IllegalArgumentException("bn and start need at least one value each");
            bns = List.copyOf(bns);
            starts = List.copyOf(starts);
        }

        /** One convention of one start: as the older files wrote it (one bn, one start, no restarts). */
        public SharpnessSettings(List<String> eps, Integer subspace, int maxIter, Integer examples, long seed, BatchNormMode bn,
                                 RandomSubspace.Kind subspaceMatrix, SharpnessOptions.StartAt start) {
            this(eps, subspace, maxIter, examples, seed, List.of(bn), subspaceMatrix, List.of(start), 0);
        }

        /** The headline convention's batch norm (the first of {@code bn}). */
        public BatchNormMode bn() {
            return bns.get(0);
        }

        /** The headline convention's start (the first of {@code start}). */
        public SharpnessOptions.StartAt start() {
            return starts.get(0);
        }

        /** Every (bn, start) combination, bn-major: the headline first. */
        public List<Convention> conventions() {
            List<Convention> c = new ArrayList<>();
            for (BatchNormMode b : bns) {
                for (SharpnessOptions.StartAt s : starts) c.add(new Convention(b, s, s == SharpnessOptions.StartAt.CENTRE ? 0 : restarts));
            }
            return List.copyOf(c);
        }

        /** More than one convention? */
        public boolean several() {
            return bns.size() * starts.size() > 1;
        }

        /** What {@code minima sharpness} would be given for {@code eps} (a key of {@link #eps()}) in the headline convention. */
        public SharpnessOptions options(String eps, boolean inSubspace) {
            return options(eps, inSubspace, conventions().get(0));
        }

        /** What {@code minima sharpness} would be given for {@code eps} in convention {@code c}, in the subspace or the full space. */
        public SharpnessOptions options(String eps, boolean inSubspace, Convention c) {
            return SharpnessOptions.defaults().withEps(Double.parseDouble(eps)).withSubspace(inSubspace ? subspace : null)
                    .withMaxIter(maxIter).withSeed(seed).withBatchNorm(c.bn()).withSubspaceMatrix(subspaceMatrix).withStart(c.start())
                    .withRestarts(c.restarts());
        }

        /**
         * The settings as the analyses cache records them: with one convention exactly as before issue 18's lists
         * (so the caches of older files stay valid), else with the lists and {@code restarts}.
         */
        public Map<String, Object> cacheKey() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eps", eps);
            m.put("subspace", subspace);
            m.put("maxIter", maxIter);
            m.put("examples", examples);
            m.put("seed", seed);
            m.put("bn", several() ? bns : bns.get(0));
            m.put("subspaceMatrix", subspaceMatrix);
            m.put("start", several() ? starts : starts.get(0));
            if (restarts > 0) m.put("restarts", restarts);
            return m;
        }
    }

    /**
     * One convention of the sharpness analysis: batch norm's statistics, the first start and the seeded restarts
     * after it. {@link #label()} names it in the report, {@link #key()} in the JSON.
     */
    public record Convention(BatchNormMode bn, SharpnessOptions.StartAt start, int restarts) {
        /** E.g. "batch statistics, centre start" or "running statistics, corner start + 2 restarts". */
        public String label() {
            return bn.key() + " statistics, " + start.label() + " start" + (restarts == 0 ? "" : " + " + restarts + (restarts == 1 ? " restart" : " restarts"));
        }

        /** E.g. "batch-centre" or "running-corner+2r". */
        public String key() {
            return bn.key() + "-" + start.label() + (restarts == 0 ? "" : "+" + restarts + "r");
        }
    }

    /** The top eigenvalues of the Hessian of the training loss (Lanczos). */
    public record HessianSettings(int top, int maxSteps, double tol, Integer examples, long seed, BatchNormMode bn) {
        /** What {@code minima hessian --top top --max-steps maxSteps --tol tol --seed seed --bn … --bn-batch …} runs. */
        public HessianAnalysis.Options options() {
            return HessianAnalysis.Options.defaults().withTop(top).withMaxSteps(maxSteps).withTolerance(tol).withSeed(seed).withBatchNorm(bn);
        }
    }

    /** Keskar's Figure 3 for each pair [from, to] of run names. */
    public record InterpolateSettings(List<List<String>> pairs, String alpha, Grid grid, Integer examples, BatchNormMode bn, boolean linearLoss) {
        /** What {@code minima interpolate --alpha alpha --bn … --bn-batch …} runs. */
        public Interpolation.Options options() {
            return Interpolation.Options.defaults().withAlphas(grid).withBatchNorm(bn);
        }
    }

    /** Each analysis, or null when the file does not ask for it. */
    public record Analyses(SharpnessSettings sharpness, HessianSettings hessian, InterpolateSettings interpolate, FigureSettings figure4,
                           FigureSettings figure5) {}

    /** Reads and checks an experiment file; with {@code quick}, shrinks it as {@link #QUICK_NOTE} says. */
    public static Experiment load(Path file, boolean quick) {
        return load(file, quick, List.of());
    }

    /** As {@link #load(Path, boolean)}, with {@code --set KEY=VALUE} overrides of the file's keys applied first. */
    public static Experiment load(Path file, boolean quick, List<String> sets) {
        Map<String, Integer> sizes = new java.util.HashMap<>();
        Map<String, Object> map = readMap(file);
        for (String s : sets) TrainConfig.applySet(map, s);
        return parse(map, file.getFileName().toString(), quick,
                spec -> sizes.computeIfAbsent(spec, s -> org.minima.data.DataSets.load(s).size()))
                .withInvocation(new Invocation(file.toString(), sets, quick));
    }

    /**
     * Checks {@code map} (the file's mapping); {@code where} names the file in messages. {@code sizeOf} gives the
     * number of examples of a data SPEC; only {@code quick} asks it (to cap the examples used at the set's size).
     */
    @SuppressWarnings("unchecked")
    public static Experiment parse(Map<String, Object> map, String where, boolean quick, java.util.function.ToIntFunction<String> sizeOf) {
        check(map, where, KEYS);
        Object nameValue = map.get("experiment");
        if (nameValue == null) throw new InputException(where + ": missing key 'experiment' (the experiment's name)");
        String name = String.valueOf(nameValue);
        String description = map.get("description") == null ? "" : String.valueOf(map.get("description"));

        Paper paper = null;
        if (map.get("paper") != null) paper = paper(mapping(map.get("paper"), where + ": paper"), where + ": paper");

        Map<String, Object> base = map.get("base") == null ? Map.of() : mapping(map.get("base"), where + ": base");
        check(base, where + ": base", TrainConfig.KEYS);

        Map<String, Object> quickMap = map.get("quick") == null ? Map.of() : mapping(map.get("quick"), where + ": quick");
        check(quickMap, where + ": quick", QUICK_KEYS);
        Map<String, Object> quickBase = quickMap.get("base") == null ? null : mapping(quickMap.get("base"), where + ": quick.base");
        if (quickBase != null) check(quickBase, where + ": quick.base", TrainConfig.KEYS);
        Map<String, Object> quickSweep = quickMap.get("sweep") == null ? null : mapping(quickMap.get("sweep"), where + ": quick.sweep");

        Object runsValue = map.get("runs");
        if (!(runsValue instanceof List<?> runList) || runList.isEmpty()) {
            throw new InputException(where + ": 'runs' must be a non-empty list of {name, role, ...overrides of base keys}");
        }
        Set<String> runKeys = new LinkedHashSet<>(RUN_OWN_KEYS);
        runKeys.addAll(TrainConfig.KEYS);
        List<Map<String, Object>> entries = new ArrayList<>();
        List<String> entryWhere = new ArrayList<>();
        List<Map<String, Object>> entrySwept = new ArrayList<>();
        for (int i = 0; i < runList.size(); i++) {
            String at = where + ": runs[" + i + "]";
            Map<String, Object> r = mapping(runList.get(i), at);
            check(r, at, runKeys);
            for (Sweep.Expanded x : Sweep.expand(r, at, quick ? quickSweep : null)) {
                entries.add(x.entry());
                entryWhere.add(at);
                entrySwept.add(x.swept());
            }
        }
        List<Run> runs = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = entryWhere.get(i);
            Map<String, Object> r = entries.get(i);
            String runName = r.get("name") == null ? null : String.valueOf(r.get("name"));
            if (runName == null || !runName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new InputException(at + ".name: expected a name of letters, digits, '.', '_', '-' (it names the run's directory), got "
                        + runName);
            }
            if (!names.add(runName)) throw new InputException(at + ".name: '" + runName + "' is used twice (a sweep's names come from its keys and values)");
            Object role = r.get("role");
            if (role == null) throw new InputException(at + ": missing key 'role' (SB, LB, or the experiment's own label)");
            Map<String, Object> merged = TrainConfig.deepCopy(base);
            Map<String, Object> overrides = new LinkedHashMap<>(r);
            for (String k : RUN_OWN_KEYS) overrides.remove(k);
            overlay(merged, overrides);
            if (quick && quickBase != null) overlay(merged, quickBase);
            else if (quick) shrink(merged, sizeOf);
            InitFrom initFrom = null;
            if (merged.get("init") instanceof Map<?, ?> im) {
                initFrom = initFrom(TrainConfig.deepCopy(im), at + ".init", runs, runName);
                merged.remove("init");
            }
            TrainConfig cfg = TrainConfig.parse(merged, at + " (" + runName + ")");
            checkBatchFits(cfg, at + " (" + runName + ")", null);
            runs.add(new Run(runName, String.valueOf(role), cfg, entrySwept.get(i), initFrom));
        }

        Analyses analyses = new Analyses(null, null, null, null, null);
        Map<String, Object> quickAnalyses = quickMap.get("analyses") == null ? null : mapping(quickMap.get("analyses"), where + ": quick.analyses");
        if (quickAnalyses != null) check(quickAnalyses, where + ": quick.analyses", ANALYSES_KEYS);
        if (map.get("analyses") != null) {
            String at = where + ": analyses";
            Map<String, Object> a = mapping(map.get("analyses"), at);
            check(a, at, ANALYSES_KEYS);
            if (quick && quickAnalyses != null) { // --quick: the file's quick.analyses laid over each analysis key by key
                for (Map.Entry<String, Object> q : quickAnalyses.entrySet()) {
                    if (a.get(q.getKey()) == null) {
                        throw new InputException(where + ": quick.analyses." + q.getKey() + ": the experiment has no analyses." + q.getKey() + " to change");
                    }
                    Map<String, Object> merged = mapping(a.get(q.getKey()), at + "." + q.getKey());
                    merged.putAll(mapping(q.getValue(), where + ": quick.analyses." + q.getKey()));
                    a.put(q.getKey(), merged);
                }
            }
            analyses = new Analyses(
                    a.get("sharpness") == null ? null : sharpness(mapping(a.get("sharpness"), at + ".sharpness"), at + ".sharpness", quick),
                    a.get("hessian") == null ? null : hessian(mapping(a.get("hessian"), at + ".hessian"), at + ".hessian", quick),
                    a.get("interpolate") == null ? null
                            : interpolate(mapping(a.get("interpolate"), at + ".interpolate"), at + ".interpolate", names, quick),
                    figure(a.get("figure4"), at + ".figure4"), figure(a.get("figure5"), at + ".figure5"));
            for (FigureSettings f : java.util.Arrays.asList(analyses.figure4(), analyses.figure5())) {
                if (f == null) continue;
                String fat = at + (f == analyses.figure4() ? ".figure4" : ".figure5");
                SharpnessSettings ss = analyses.sharpness();
                if (ss == null || !ss.eps().contains(f.eps()) || (f.subspace() && ss.subspace() == null)) {
                    throw new InputException(fat + ": needs analyses.sharpness with eps " + f.eps() + (f.subspace() ? " and a subspace" : ""));
                }
            }
            if (analyses.figure5() != null && runs.stream().noneMatch(r -> r.initFrom() != null)) {
                throw new InputException(at + ".figure5: no run is warm-started (init: {run: NAME, epoch: K}); Figure 5 plots those runs");
            }
        }
        if (analyses.interpolate() != null) {
            for (List<String> pair : analyses.interpolate().pairs()) {
                for (Run r : runs) {
                    if (r.name().equals(pair.get(0)) && r.config().testData() == null) {
                        throw new InputException(where + ": analyses.interpolate: run '" + r.name() + "' has no data.test; Figure 3 needs the test set too");
                    }
                }
            }
        }
        String note = quickBase == null ? QUICK_NOTE
                : "--quick: every run with " + org.minima.io.Json.MAPPER.valueToTree(quickBase).toString()
                        + (quickSweep == null ? "" : ", sweeps over " + org.minima.io.Json.MAPPER.valueToTree(quickSweep).toString())
                        + (quickAnalyses == null ? "" : ", analyses with " + org.minima.io.Json.MAPPER.valueToTree(quickAnalyses).toString())
                        + ", analyses on at most " + QUICK_ANALYSIS_EXAMPLES + " examples and at most " + QUICK_LANCZOS_STEPS
                        + " Lanczos steps (the file's 'quick' key)";
        return new Experiment(name, description, paper, List.copyOf(runs), analyses, quick, note, null);
    }

    /** Lays {@code overrides} over {@code config} (in place): mappings merged key by key, except {@link #REPLACED_WHOLE}. */
    @SuppressWarnings("unchecked")
    static void overlay(Map<String, Object> config, Map<String, Object> overrides) {
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            Object old = config.get(e.getKey());
            if (old instanceof Map && e.getValue() instanceof Map && !REPLACED_WHOLE.contains(e.getKey())) {
                ((Map<String, Object>) old).putAll(TrainConfig.deepCopy(e.getValue()));
            } else {
                config.put(e.getKey(), TrainConfig.copyValue(e.getValue()));
            }
        }
    }

    /** {@code init: {run, epoch}}: the run must come earlier in the list (it is trained first) and keep its epochs. */
    private static InitFrom initFrom(Map<String, Object> m, String at, List<Run> earlier, String self) {
        check(m, at, INIT_FROM_KEYS);
        String run = m.get("run") == null ? null : String.valueOf(m.get("run"));
        if (run == null || m.get("epoch") == null) throw new InputException(at + ": expected {run: NAME, epoch: K}, got " + m);
        long epoch = integer(m.get("epoch"), at + ".epoch");
        Run from = earlier.stream().filter(r -> r.name().equals(run)).findFirst().orElse(null);
        if (from == null) {
            throw new InputException(at + ".run: no run named '" + run + "' before '" + self + "' (a warm start needs its source trained first)");
        }
        if (!from.config().saveEpochs()) throw new InputException(at + ".run: run '" + run + "' does not keep its epochs; give it saveEpochs: true");
        if (epoch < 0 || epoch > from.config().epochs()) {
            throw new InputException(at + ".epoch: expected an epoch of run '" + run + "', 0 to " + from.config().epochs() + ", got " + m.get("epoch"));
        }
        return new InitFrom(run, (int) epoch);
    }

    /**
     * A fixed batch size larger than the training set the run uses is refused before any training. Without
     * {@code sizeOf} (parsing and planning load no data) only against {@code data.trainExamples}; {@link Reproduce}
     * checks every run against its data set before it trains any.
     */
    static void checkBatchFits(TrainConfig cfg, String at, java.util.function.ToIntFunction<String> sizeOf) {
        Number size = cfg.batch().size();
        if ((size instanceof Double || size instanceof Float) && size.doubleValue() <= 1) return; // a fraction always fits
        int n = sizeOf == null ? Integer.MAX_VALUE : sizeOf.applyAsInt(cfg.trainData());
        if (cfg.trainExamples() != null) n = Math.min(n, cfg.trainExamples());
        if (size.doubleValue() > n) {
            throw new InputException(at + ": batch.size " + size.intValue() + " is larger than the " + n + " training examples the run uses");
        }
    }

    private static FigureSettings figure(Object value, String at) {
        if (value == null) return null;
        Map<String, Object> m = mapping(value, at);
        check(m, at, FIGURE_KEYS);
        String eps = epsKey(m.get("eps") == null ? 1e-3 : number(m.get("eps"), at + ".eps"));
        Object sub = m.getOrDefault("subspace", false);
        if (!(sub instanceof Boolean b)) throw new InputException(at + ".subspace: expected true or false, got " + sub);
        return new FigureSettings(eps, b);
    }

    /** The --quick shrink of one run's config (in place). */
    @SuppressWarnings("unchecked")
    static void shrink(Map<String, Object> config, java.util.function.ToIntFunction<String> sizeOf) {
        Object epochs = config.get("epochs");
        if (epochs instanceof Number n && n.doubleValue() > QUICK_EPOCHS) config.put("epochs", QUICK_EPOCHS);
        if (config.get("data") instanceof Map<?, ?> d) {
            Map<String, Object> data = (Map<String, Object>) d;
            cap(data, "train", "trainExamples", QUICK_TRAIN_EXAMPLES, sizeOf);
            cap(data, "test", "testExamples", QUICK_TEST_EXAMPLES, sizeOf);
        }
    }

    /** data.KEY = min(data.KEY, cap), unless the set has no more than that anyway (then it is left alone). */
    private static void cap(Map<String, Object> data, String spec, String key, int cap, java.util.function.ToIntFunction<String> sizeOf) {
        if (data.get(spec) == null) return;
        Object value = data.get(key);
        if (value instanceof Number n && n.doubleValue() <= cap) return;
        if (sizeOf.applyAsInt(String.valueOf(data.get(spec))) <= cap) return;
        data.put(key, cap);
    }

    private static Paper paper(Map<String, Object> p, String at) {
        check(p, at, PAPER_KEYS);
        Object network = p.get("network");
        if (network == null || !PaperNumbers.NETWORKS.contains(String.valueOf(network))) {
            throw new InputException(at + ".network: expected one of " + String.join(", ", PaperNumbers.NETWORKS) + ", got " + network);
        }
        Object t = p.get("table");
        List<?> raw = t instanceof List<?> l ? l : t == null ? List.of(2, 3, 4) : List.of(t);
        List<Integer> tables = new ArrayList<>();
        for (Object o : raw) {
            if (!(o instanceof Integer i) || i < 2 || i > 4) {
                throw new InputException(at + ".table: expected Keskar et al.'s table 2, 3 or 4 (or a list of them), got " + o);
            }
            tables.add(i);
        }
        return new Paper(List.copyOf(tables), String.valueOf(network));
    }

    private static SharpnessSettings sharpness(Map<String, Object> s, String at, boolean quick) {
        check(s, at, SHARPNESS_KEYS);
        List<String> eps = new ArrayList<>();
        Object e = s.get("eps");
        for (Object o : e == null ? List.of("1e-3", "5e-4") : e instanceof List<?> l ? l : List.of(e)) {
            double v = number(o, at + ".eps");
            if (!(v > 0) || !Double.isFinite(v)) throw new InputException(at + ".eps: expected numbers > 0, got " + o);
            String key = epsKey(v);
            if (!eps.contains(key)) eps.add(key);
        }
        Integer subspace = s.get("subspace") == null ? null : positiveInt(s.get("subspace"), at + ".subspace");
        SharpnessOptions defaults = SharpnessOptions.defaults();
        int maxIter = s.get("maxIter") == null ? defaults.maxIter() : positiveInt(s.get("maxIter"), at + ".maxIter");
        Integer examples = examples(s.get("examples"), at + ".examples", quick);
        long seed = s.get("seed") == null ? defaults.seed() : integer(s.get("seed"), at + ".seed");
        RandomSubspace.Kind matrix = defaults.subspaceMatrix();
        if (s.get("subspaceMatrix") != null) {
            matrix = RandomSubspace.Kind.parse(String.valueOf(s.get("subspaceMatrix")));
            if (matrix == null) throw new InputException(at + ".subspaceMatrix: expected gaussian or unit, got " + s.get("subspaceMatrix"));
        }
        List<SharpnessOptions.StartAt> starts = new ArrayList<>();
        for (Object o : list(s.get("start"), defaults.start().label(), at + ".start", "centre or corner")) {
            SharpnessOptions.StartAt start = SharpnessOptions.StartAt.parse(String.valueOf(o));
            if (start == null) throw new InputException(at + ".start: expected centre or corner (or a list of them), got " + o);
            if (starts.contains(start)) throw new InputException(at + ".start: '" + o + "' is given twice");
            starts.add(start);
        }
        int bnBatch = s.get("bnBatch") == null ? defaults.bn().batch() : positiveInt(s.get("bnBatch"), at + ".bnBatch");
        List<BatchNormMode> bns = new ArrayList<>();
        for (Object o : list(s.get("bn"), defaults.bn().key(), at + ".bn", "running or batch")) {
            BatchNormMode bn = new BatchNormMode(BatchNormMode.Statistics.parse(String.valueOf(o), at + ".bn"), bnBatch);
            if (bns.contains(bn)) throw new InputException(at + ".bn: '" + o + "' is given twice");
            bns.add(bn);
        }
        int restarts = s.get("restarts") == null ? 0 : nonNegativeInt(s.get("restarts"), at + ".restarts");
        return new SharpnessSettings(List.copyOf(eps), subspace, maxIter, examples, seed, bns, matrix, starts, restarts);
    }

    /** A key that takes one value or a non-empty list of them (null: the default alone). */
    private static List<?> list(Object value, Object defaultValue, String at, String expected) {
        if (value == null) return List.of(defaultValue);
        if (!(value instanceof List<?> l)) return List.of(value);
        if (l.isEmpty()) throw new InputException(at + ": expected " + expected + " or a non-empty list of them, got an empty list");
        return l;
    }

    private static HessianSettings hessian(Map<String, Object> h, String at, boolean quick) {
        check(h, at, HESSIAN_KEYS);
        HessianAnalysis.Options defaults = HessianAnalysis.Options.defaults();
        int top = h.get("top") == null ? defaults.top() : positiveInt(h.get("top"), at + ".top");
        int maxSteps = h.get("maxSteps") == null ? defaults.maxSteps() : positiveInt(h.get("maxSteps"), at + ".maxSteps");
        if (quick) maxSteps = Math.min(maxSteps, QUICK_LANCZOS_STEPS);
        double tol = h.get("tol") == null ? defaults.tolerance() : number(h.get("tol"), at + ".tol");
        if (!(tol > 0)) throw new InputException(at + ".tol: expected a number > 0, got " + h.get("tol"));
        Integer examples = examples(h.get("examples"), at + ".examples", quick);
        long seed = h.get("seed") == null ? defaults.seed() : integer(h.get("seed"), at + ".seed");
        return new HessianSettings(top, maxSteps, tol, examples, seed, batchNorm(h, at, defaults.bn()));
    }

    private static InterpolateSettings interpolate(Map<String, Object> m, String at, Set<String> runNames, boolean quick) {
        check(m, at, INTERPOLATE_KEYS);
        List<List<String>> pairs = new ArrayList<>();
        if (!(m.get("pairs") instanceof List<?> list) || list.isEmpty()) {
            throw new InputException(at + ".pairs: expected a list of [from, to] run names, e.g. [[sb, lb]]");
        }
        for (Object o : list) {
            if (!(o instanceof List<?> pair) || pair.size() != 2) {
                throw new InputException(at + ".pairs: expected [from, to] run names, got " + o);
            }
            for (Object n : pair) {
                if (!runNames.contains(String.valueOf(n))) {
                    throw new InputException(at + ".pairs: no run named '" + n + "'; runs: " + String.join(", ", runNames));
                }
            }
            pairs.add(List.of(String.valueOf(pair.get(0)), String.valueOf(pair.get(1))));
        }
        String alpha = m.get("alpha") == null ? Interpolation.Options.defaults().alphas().toString() : String.valueOf(m.get("alpha"));
        Grid grid = Grid.parse(alpha, at + ".alpha");
        Object linear = m.getOrDefault("linearLoss", org.minima.plot.InterpolationPlot.LINEAR_LOSS);
        if (!(linear instanceof Boolean)) throw new InputException(at + ".linearLoss: expected true or false, got " + linear);
        return new InterpolateSettings(List.copyOf(pairs), alpha, grid, examples(m.get("examples"), at + ".examples", quick),
                batchNorm(m, at, Interpolation.Options.defaults().bn()), (Boolean) linear);
    }

    /** The keys {@code bn} (running or batch) and {@code bnBatch} of an analysis, each defaulting to {@code defaults}'. */
    private static BatchNormMode batchNorm(Map<String, Object> m, String at, BatchNormMode defaults) {
        BatchNormMode.Statistics statistics = m.get("bn") == null ? defaults.statistics()
                : BatchNormMode.Statistics.parse(String.valueOf(m.get("bn")), at + ".bn");
        int batch = m.get("bnBatch") == null ? defaults.batch() : positiveInt(m.get("bnBatch"), at + ".bnBatch");
        return new BatchNormMode(statistics, batch);
    }

    /**
     * ε as the key of {@code "sharpness": {"1e-3": …}}: shortest decimal mantissa and exponent, so that 0.001,
     * 1e-3 and 1.0e-3 are one key and match the paper's column headings.
     */
    public static String epsKey(double eps) {
        BigDecimal d = new BigDecimal(Double.toString(eps)).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + "e" + exponent;
    }

    private static Integer examples(Object value, String at, boolean quick) {
        Integer n = value == null ? null : positiveInt(value, at);
        if (quick) n = n == null ? QUICK_ANALYSIS_EXAMPLES : Math.min(n, QUICK_ANALYSIS_EXAMPLES);
        return n;
    }

    static void check(Map<String, Object> map, String where, Set<String> allowed) {
        for (String k : map.keySet()) {
            if (!allowed.contains(k)) {
                throw new InputException(where + ": unknown key '" + k + "'; allowed keys: " + String.join(", ", allowed));
            }
        }
    }

    private static Map<String, Object> mapping(Object value, String where) {
        if (!(value instanceof Map<?, ?>)) throw new InputException(where + ": expected a mapping {key: value, ...}, got " + value);
        return TrainConfig.deepCopy(value);
    }

    static double number(Object v, String where) {
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(String.valueOf(v).strip()); // YAML 1.1 reads 1e-3 (no dot) as a string
        } catch (NumberFormatException e) {
            throw new InputException(where + ": expected a number, got " + v);
        }
    }

    private static long integer(Object v, String where) {
        double d = number(v, where);
        if (d != Math.rint(d) || Math.abs(d) > 1L << 53) throw new InputException(where + ": expected an integer, got " + v);
        return (long) d;
    }

    private static int nonNegativeInt(Object v, String where) {
        long n = integer(v, where);
        if (n < 0 || n > Integer.MAX_VALUE) throw new InputException(where + ": expected an integer >= 0, got " + v);
        return (int) n;
    }

    private static int positiveInt(Object v, String where) {
        long n = integer(v, where);
        if (n < 1 || n > Integer.MAX_VALUE) throw new InputException(where + ": expected an integer >= 1, got " + v);
        return (int) n;
    }

    static Map<String, Object> readMap(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException(file + ": no such file");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (!(o instanceof Map)) throw new InputException(file + ": expected a mapping of experiment keys (" + String.join(", ", KEYS) + ")");
            return TrainConfig.deepCopy(o);
        } catch (YAMLException e) {
            throw TrainConfig.yamlError(file, e);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
