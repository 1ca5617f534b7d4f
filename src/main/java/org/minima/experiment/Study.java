package org.minima.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.train.RangeTest;
import org.minima.train.TrainConfig;
import org.minima.train.TrainRun;
import org.minima.train.Trainer;

/**
 * A study file (docs/reproduce.md, "Studies"): every arm (a set of overrides of the base training config) trained
 * with every optimizer and every seed, plus robustness runs with the base rate scaled; {@link StudyReport} turns
 * the runs into mean ± std per arm, a ranking, and plots. It answers questions that need many seeds of few
 * configurations (Smith et al.'s schedules and scaling rules, the learning-rate policy benchmark), where
 * {@link Experiment} answers Keskar's per-model analyses.
 *
 * <p>Run names: GROUP[-xSCALE]-sSEED, GROUP = ARM, or ARM-OPTIMIZER when the study lists optimizers.
 */
public record Study(String name, String description, String file, Map<String, Object> base, List<Arm> arms, List<Map<String, Object>> optimizers,
                    List<Long> seeds, List<Double> scales, List<Long> scaleSeeds, Double target, boolean relativeRates,
                    List<String> sets, boolean quick) {

    static final Set<String> KEYS = ordered("study", "description", "base", "arms", "optimizers", "seeds", "scales", "scaleSeeds",
            "target", "relativeRates");

    /** The lrPolicy keys that are rates: scaled by {@code scales}, and multiples of the optimizer's lr with {@code relativeRates}. */
    static final Set<String> RATE_KEYS = Set.of("lr", "max", "end", "min", "warmupFrom", "base_lr", "max_lr", "eta_min", "min_lr");

    /** One arm: its name, its overrides of base keys, and whether its rate comes from a range test on each seed. */
    public record Arm(String name, Map<String, Object> overrides, boolean rangeTest) {}

    /** One training of the study: its merged config as written (before rates are scaled and checked). */
    public record Run(String name, String group, String arm, String optimizer, double scale, long seed, Map<String, Object> raw) {}

    /** True when the file's top-level mapping has the key {@code study} (not {@code experiment}). */
    public static boolean isStudy(Path file) {
        return Experiment.readMap(file).containsKey("study");
    }

    /** Reads a study file, applies {@code --set} overrides (keys of the file, e.g. base.epochs=6), and checks it. */
    public static Study load(Path file, List<String> sets, boolean quick) {
        Map<String, Object> map = Experiment.readMap(file);
        for (String s : sets) TrainConfig.applySet(map, s);
        return parse(map, file.toString(), sets, quick);
    }

    @SuppressWarnings("unchecked")
    static Study parse(Map<String, Object> map, String where, List<String> sets, boolean quick) {
        Experiment.check(map, where, KEYS);
        String name = String.valueOf(map.get("study"));
        String description = map.get("description") == null ? "" : String.valueOf(map.get("description")).strip();
        if (!(map.get("base") instanceof Map<?, ?> b)) throw new InputException(where + ": missing key 'base' (a training config)");
        Map<String, Object> base = TrainConfig.deepCopy(b);
        Experiment.check(base, where + ": base", TrainConfig.KEYS);
        if (!(map.get("arms") instanceof List<?> armList) || armList.isEmpty()) {
            throw new InputException(where + ": 'arms' must be a non-empty list of {name, ...overrides of base keys}");
        }
        Set<String> armKeys = new LinkedHashSet<>(List.of("name", "rangeTest"));
        armKeys.addAll(TrainConfig.KEYS);
        List<Arm> arms = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < armList.size(); i++) {
            String at = where + ": arms[" + i + "]";
            if (!(armList.get(i) instanceof Map<?, ?> m)) throw new InputException(at + ": expected a mapping {name: ..., ...}");
            Map<String, Object> a = TrainConfig.deepCopy(m);
            Experiment.check(a, at, armKeys);
            String armName = a.get("name") == null ? null : String.valueOf(a.get("name"));
            if (armName == null || !armName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new InputException(at + ".name: expected a name of letters, digits, '.', '_', '-', got " + armName);
            }
            if (!names.add(armName)) throw new InputException(at + ".name: '" + armName + "' is used twice");
            boolean rt = Boolean.TRUE.equals(a.remove("rangeTest"));
            a.remove("name");
            arms.add(new Arm(armName, a, rt));
        }
        List<Map<String, Object>> optimizers = new ArrayList<>();
        if (map.get("optimizers") != null) {
            if (!(map.get("optimizers") instanceof List<?> ol) || ol.isEmpty()) throw new InputException(where + ": 'optimizers' must be a non-empty list of optimizer mappings");
            Set<String> seen = new LinkedHashSet<>();
            for (Object o : ol) {
                if (!(o instanceof Map<?, ?> om) || om.get("name") == null) throw new InputException(where + ": optimizers: expected {name: sgd|adam, lr: ...}, got " + o);
                if (!seen.add(String.valueOf(om.get("name")))) throw new InputException(where + ": optimizers: '" + om.get("name") + "' is listed twice");
                optimizers.add(TrainConfig.deepCopy(om));
            }
        }
        List<Long> seeds = longs(map.get("seeds"), where + ": seeds", List.of(1L));
        List<Double> scales = new ArrayList<>();
        for (Object o : map.get("scales") == null ? List.of() : map.get("scales") instanceof List<?> l ? l : List.of(map.get("scales"))) {
            double s = Experiment.number(o, where + ": scales");
            if (!(s > 0)) throw new InputException(where + ": scales: expected factors > 0, got " + o);
            scales.add(s);
        }
        List<Long> scaleSeeds = longs(map.get("scaleSeeds"), where + ": scaleSeeds", List.of(seeds.get(0)));
        Double target = null;
        if (map.get("target") != null) {
            target = Experiment.number(map.get("target"), where + ": target");
            if (!(target > 0 && target <= 1)) throw new InputException(where + ": target: expected a test accuracy in (0, 1], got " + target);
        }
        boolean relative = Boolean.TRUE.equals(map.get("relativeRates"));
        Study s = new Study(name, description, where, base, List.copyOf(arms), List.copyOf(optimizers), seeds, List.copyOf(scales), scaleSeeds, target,
                relative, List.copyOf(sets), quick);
        for (Run r : s.runs()) s.config(r, 1.0, where); // every run's config checked before anything is trained
        return s;
    }

    private static List<Long> longs(Object value, String at, List<Long> fallback) {
        if (value == null) return fallback;
        List<Long> out = new ArrayList<>();
        for (Object o : value instanceof List<?> l ? l : List.of(value)) {
            double d = Experiment.number(o, at);
            if (d != Math.rint(d)) throw new InputException(at + ": expected integers, got " + o);
            if (out.contains((long) d)) throw new InputException(at + ": " + o + " is listed twice");
            out.add((long) d);
        }
        if (out.isEmpty()) throw new InputException(at + ": expected a non-empty list of integers");
        return List.copyOf(out);
    }

    /** The groups (arm, or arm-optimizer), in file order. */
    public List<String> groups() {
        List<String> g = new ArrayList<>();
        for (Run r : runs()) if (!g.contains(r.group())) g.add(r.group());
        return g;
    }

    /** Every training: per arm and optimizer, the seeds at scale 1, then each scale with the scale seeds. */
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        List<Map<String, Object>> opts = optimizers.isEmpty() ? java.util.Collections.singletonList(null) : optimizers;
        for (Arm a : arms) {
            for (Map<String, Object> o : opts) {
                String optName = o == null ? null : String.valueOf(o.get("name"));
                String group = o == null ? a.name() : a.name() + "-" + optName;
                for (long seed : seeds) runs.add(new Run(group + "-s" + seed, group, a.name(), optName, 1, seed, merged(a, o, seed)));
                for (double scale : scales) {
                    for (long seed : scaleSeeds) {
                        runs.add(new Run(group + "-x" + scaleName(scale) + "-s" + seed, group, a.name(), optName, scale, seed, merged(a, o, seed)));
                    }
                }
            }
        }
        return runs;
    }

    static String scaleName(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    /** base, then the optimizer, then the arm (maps merged key by key, but model and lrPolicy replaced whole), then the seed. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> merged(Arm a, Map<String, Object> optimizer, long seed) {
        Map<String, Object> m = TrainConfig.deepCopy(base);
        if (optimizer != null) m.put("optimizer", TrainConfig.deepCopy(optimizer));
        for (Map.Entry<String, Object> e : a.overrides().entrySet()) {
            Object old = m.get(e.getKey());
            if (old instanceof Map && e.getValue() instanceof Map && !Experiment.REPLACED_WHOLE.contains(e.getKey())) {
                ((Map<String, Object>) old).putAll(TrainConfig.deepCopy(e.getValue()));
            } else {
                m.put(e.getKey(), TrainConfig.copyValue(e.getValue()));
            }
        }
        m.put("seed", seed);
        return m;
    }

    /**
     * The checked config of run {@code r} with the optimizer's rate multiplied by {@code rateFactor} (a range
     * test's suggestion over the file's rate) and by the run's scale; the lrPolicy's rate keys follow: multiplied
     * by the final rate with {@code relativeRates}, by the scale otherwise.
     */
    @SuppressWarnings("unchecked")
    TrainConfig config(Run r, double rateFactor, String where) {
        Map<String, Object> m = TrainConfig.deepCopy(r.raw());
        if (quick) Experiment.shrink(m, spec -> org.minima.data.DataSets.load(spec).size());
        if (!(m.get("optimizer") instanceof Map<?, ?> o) || !(o.get("lr") instanceof Number lrValue)) {
            throw new InputException(where + ": run " + r.name() + ": optimizer.lr must be a number");
        }
        double lr = lrValue.doubleValue() * rateFactor * r.scale();
        ((Map<String, Object>) o).put("lr", lr);
        if (m.get("lrPolicy") instanceof Map<?, ?> p) scaleRates((Map<String, Object>) p, relativeRates ? lr : r.scale());
        return TrainConfig.parse(m, where + ": run " + r.name());
    }

    @SuppressWarnings("unchecked")
    private static void scaleRates(Map<String, Object> policy, double factor) {
        for (Map.Entry<String, Object> e : policy.entrySet()) {
            if (RATE_KEYS.contains(e.getKey()) && e.getValue() instanceof Number n) e.setValue(n.doubleValue() * factor);
        }
        if (policy.get("pieces") instanceof List<?> pieces) {
            for (Object p : pieces) if (p instanceof Map<?, ?> pm) scaleRates((Map<String, Object>) pm, factor);
        }
    }

    /** One finished (or diverged) run: its config and its directory's history. */
    public record Done(Run run, TrainConfig config, Path dir, String status, HistoryCsv history, JsonNode rangeTest) {}

    /**
     * Trains every run into {@code out/NAME} (a complete run with the same config is reused, an interrupted one
     * resumed, a diverged one kept as diverged), then writes results.json, report.md and plots/ with
     * {@link StudyReport}.
     */
    public StudyReport.Outcome run(Path out, TrainRun.Info info, Trainer.Listener listener, Consumer<String> log) {
        try {
            Files.createDirectories(out.resolve("plots"));
            Files.createDirectories(out.resolve("range-tests"));
        } catch (IOException e) {
            throw new InputException(out + ": cannot create the output folder: " + e.getMessage());
        }
        List<Done> done = new ArrayList<>();
        for (Run r : runs()) done.add(train(r, out, info, listener, log));
        return StudyReport.write(this, done, out, info);
    }

    private Done train(Run r, Path out, TrainRun.Info info, Trainer.Listener listener, Consumer<String> log) {
        Path dir = out.resolve(r.name());
        JsonNode rt = null;
        double factor = 1;
        if (arm(r.arm()).rangeTest()) {
            rt = rangeTest(r, out, log);
            factor = rt.path("suggestedLr").asDouble() / config(r, 1, "study").optimizer().lr() * r.scale();
        }
        TrainConfig cfg = config(r, factor, "study");
        Path runJson = dir.resolve(TrainRun.RUN_JSON);
        String status = "complete";
        if (Files.isRegularFile(runJson)) {
            JsonNode old = Json.read(runJson);
            JsonNode recorded = old.path("config");
            Map<String, Object> now = new LinkedHashMap<>(cfg.raw());
            now.put("seed", cfg.seed());
            if (!sameJson(recorded, now)) {
                throw new InputException(runJson + ": was trained with another config than run '" + r.name() + "' of the study now asks for; "
                        + "choose another --out or delete " + dir);
            }
            status = old.path("status").asText();
            if (status.equals("complete") || status.equals("diverged")) {
                log.accept(r.name() + ": " + status + " in " + dir + ", not trained again");
            } else {
                log.accept(r.name() + ": resuming the interrupted run in " + dir);
                status = trainCatching(() -> TrainRun.resume(dir, info, listener), r, log);
            }
        } else {
            log.accept(r.name() + ": training into " + dir);
            status = trainCatching(() -> TrainRun.start(cfg, dir, info, listener), r, log);
        }
        Path history = dir.resolve("history.csv");
        HistoryCsv h = Files.isRegularFile(history) ? HistoryCsv.read(history) : HistoryCsv.empty();
        return new Done(r, cfg, dir, status, h, rt);
    }

    /** Equal as JSON documents, key order aside (both read back from text, so 1 and 1L are one number). */
    private static boolean sameJson(JsonNode recorded, Object now) {
        try {
            return Json.MAPPER.readTree(Json.toString(recorded)).equals(Json.MAPPER.readTree(Json.toString(Json.MAPPER.valueToTree(now))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String trainCatching(Runnable training, Run r, Consumer<String> log) {
        try {
            training.run();
            return "complete";
        } catch (Trainer.DivergedException e) {
            log.accept(r.name() + ": " + e.getMessage());
            return "diverged";
        }
    }

    /** The range test of a range-test arm's run, from out/range-tests/NAME.json when it was made already. */
    private JsonNode rangeTest(Run r, Path out, Consumer<String> log) {
        // one test per group and seed: the sweep does not depend on the rate, so the scaled runs share it
        Path file = out.resolve("range-tests").resolve(r.group() + "-s" + r.seed() + ".json");
        if (Files.isRegularFile(file)) return Json.read(file);
        log.accept(r.name() + ": LR range test");
        long t0 = System.nanoTime();
        RangeTest.Result res = RangeTest.run(config(r, 1, "study"), RangeTest.Options.defaults());
        ObjectNode json = res.toJson((System.nanoTime() - t0) / 1e9);
        if (!Double.isFinite(res.suggested())) throw new InputException(r.name() + ": the range test found no rate (" + res.stop() + ")");
        log.accept(String.format(java.util.Locale.ROOT, "%s: range test suggests lr %.3g", r.name(), res.suggested()));
        Json.write(file, json);
        return json;
    }

    Arm arm(String name) {
        return arms.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
