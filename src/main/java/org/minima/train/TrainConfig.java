package org.minima.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.minima.io.InputException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A training config (docs/training.md, "Config keys"), checked key by key. {@link #raw()} is the config
 * as used (after {@code --set} and {@code --seed}), which {@code run.json} records so that the run can be
 * repeated from it. docs/training.md documents every key.
 */
public record TrainConfig(
        Map<String, Object> raw,
        Object model,
        String trainData,
        String testData,
        Integer trainExamples,
        Integer testExamples,
        OptimizerSpec optimizer,
        LrPolicy lrPolicy,
        BatchSpec batch,
        int epochs,
        Stop stop,
        long seed,
        String dtype,
        String init,
        boolean saveEpochs,
        Augment augment,
        Adversarial adversarial) {

    public static final Set<String> KEYS = ordered("model", "data", "optimizer", "lrPolicy", "batch", "epochs", "stop", "seed", "dtype", "init", "saveEpochs",
            "augment", "adversarial");
    static final Set<String> DATA_KEYS = ordered("train", "test", "trainExamples", "testExamples");
    static final Set<String> OPTIMIZER_KEYS = ordered("name", "lr", "momentum", "nesterov", "betas", "eps", "weightDecay", "decoupled", "inner", "steps", "lambda");
    static final Set<String> AUGMENT_KEYS = ordered("translate", "crop", "flip");
    static final Set<String> ADVERSARIAL_KEYS = ordered("eps", "fraction");
    static final Set<String> BATCH_KEYS = ordered("size", "schedule", "factor", "milestones");
    static final Set<String> STOP_KEYS = ordered("patience", "minDelta", "loss", "keepBest");

    /** The optimizer and its hyper-parameters. */
    public record OptimizerSpec(String name, double lr, double momentum, boolean nesterov, double beta1, double beta2,
                                double eps, double weightDecay, boolean decoupled, OptimizerSpec inner, int proximalSteps,
                                double lambda) {
        /** Allocates the optimizer's state for {@code n} parameters of {@code dtype}. */
        public Optimizer create(long n, org.nd4j.linalg.api.buffer.DataType dtype) {
            if (name.equals("proximal")) return new Proximal(inner.create(n, dtype), proximalSteps, lambda, n, dtype);
            return name.equals("adam")
                    ? new Adam(n, dtype, beta1, beta2, eps, weightDecay, decoupled)
                    : new Sgd(n, dtype, momentum, nesterov, weightDecay, decoupled);
        }
    }

    /** {@code batch:}: a size (absolute, or a fraction of the training set) and a schedule. */
    public record BatchSpec(Number size, String schedule, double factor, List<Integer> milestones) {
        public BatchSchedule resolve(int n, String where) {
            try {
                return new BatchSchedule(schedule, BatchSchedule.resolveSize(size, n), factor, milestones, n);
            } catch (IllegalArgumentException e) {
                throw new InputException(where + ": " + e.getMessage());
            }
        }
    }

    /**
     * Keskar et al.'s "until the loss ceases to improve": stop when the training loss, evaluated on the whole
     * training set after each epoch by the evaluation named {@code loss} (a key of {@link Trainer#STOP_LOSSES}),
     * has not fallen below (best − minDelta) for {@code patience} epochs in a row; {@code epochs} is the cap.
     * {@code patience} 0 means no early stop. With {@code keepBest} the run ends with the weights of its best
     * epoch (lowest stop loss), so that it never ends on a loss spike.
     */
    public record Stop(int patience, double minDelta, String loss, boolean keepBest) {
        /** No early stop: every epoch up to the cap, the last epoch's weights. */
        public static final Stop NONE = new Stop(0, 0, Trainer.DEFAULT_STOP_LOSS, false);

        public boolean active() {
            return patience > 0;
        }
    }

    private static Set<String> ordered(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }

    /** Reads a YAML config, or the {@code config} of a {@code run.json}, applies the overrides and checks it. */
    public static TrainConfig load(Path file, List<String> sets, Long seedOverride) {
        Map<String, Object> map = readMap(file);
        String where = file.getFileName().toString();
        if (file.toString().endsWith(".json") && map.containsKey("config")) {
            Object c = map.get("config");
            if (!(c instanceof Map)) throw new InputException(where + ": 'config' is not a mapping");
            map = deepCopy(c);
            where = where + ": config";
        }
        Map<String, Object> fromFile = sets.isEmpty() ? null : deepCopy(map);
        for (String s : sets) applySet(map, s);
        if (seedOverride != null) map.put("seed", seedOverride);
        try {
            return parse(map, where);
        } catch (InputException e) {
            if (fromFile != null) blameSet(fromFile, sets, where);
            throw e;
        }
    }

    /**
     * When the file's own config checks but the overridden one does not, the first {@code --set} that breaks it alone
     * is named: a bad key is the command line's mistake, not the YAML file's. Costs one parse per --set, on error only.
     */
    private static void blameSet(Map<String, Object> fromFile, List<String> sets, String where) {
        try {
            parse(deepCopy(fromFile), where);
        } catch (InputException fileItself) {
            return; // the file is wrong too: its own message stands
        }
        for (String s : sets) {
            Map<String, Object> m = deepCopy(fromFile);
            applySet(m, s);
            try {
                parse(m, where);
            } catch (InputException e) {
                String key = s.substring(0, s.indexOf('=')).strip();
                String msg = e.getMessage().startsWith(where + ": ") ? e.getMessage().substring(where.length() + 2) : e.getMessage();
                throw new InputException("--set " + key + ": " + msg);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(Path file) {
        if (!Files.isRegularFile(file)) throw new InputException(file + ": no such file");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r); // JSON is read as YAML too
            if (!(o instanceof Map)) throw new InputException(file + ": expected a mapping of config keys (" + String.join(", ", KEYS) + ")");
            return deepCopy(o);
        } catch (YAMLException e) {
            throw yamlError(file, e);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * A YAML parser error as one line: where (line and column, 1-based), what the parser expected and what it
     * found, and the construct it was in with where that started ("while parsing a flow sequence at line 2,
     * column 8"). SnakeYAML's own message spans several lines with a source excerpt.
     */
    public static InputException yamlError(Path file, YAMLException e) {
        if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            String at = " at " + mark(m.getProblemMark());
            String problem = m.getProblem() == null ? "" : ": " + m.getProblem().strip();
            String context = m.getContext() == null ? "" : " (" + m.getContext().strip()
                    + (m.getContextMark() == null ? "" : " that starts at " + mark(m.getContextMark())) + ")";
            return new InputException(file + ": not valid YAML" + at + problem + context);
        }
        return new InputException(file + ": not valid YAML: " + String.join(" ", e.getMessage().lines().map(String::strip).toList()));
    }

    private static String mark(org.yaml.snakeyaml.error.Mark m) {
        return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
    }

    /** A deep copy of a YAML/JSON mapping: nested maps and lists copied, keys as strings. */
    public static Map<String, Object> deepCopy(Object o) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) out.put(String.valueOf(e.getKey()), copyValue(e.getValue()));
        return out;
    }

    /** A deep copy of a YAML value: maps and lists copied, scalars as they are. */
    public static Object copyValue(Object v) {
        if (v instanceof Map<?, ?> m) return deepCopy(m);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(copyValue(o));
            return out;
        }
        return v;
    }

    /** {@code --set a.b=VALUE}: VALUE is read as YAML (so 0.1, true, [1, 2] and {name: fixed} work). */
    @SuppressWarnings("unchecked")
    public static void applySet(Map<String, Object> map, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new InputException("--set " + assignment + ": expected KEY=VALUE, e.g. optimizer.lr=0.01");
        String key = assignment.substring(0, eq).strip();
        Object value;
        try {
            value = copyValue(new Yaml(new SafeConstructor(new LoaderOptions())).load(assignment.substring(eq + 1)));
        } catch (YAMLException e) {
            throw new InputException("--set " + key + ": value is not valid YAML: " + assignment.substring(eq + 1));
        }
        String[] path = key.split("\\.");
        Map<String, Object> m = map;
        for (int i = 0; i < path.length - 1; i++) {
            Object next = m.get(path[i]);
            if (next == null) {
                next = new LinkedHashMap<String, Object>();
                m.put(path[i], next);
            } else if (!(next instanceof Map)) {
                throw new InputException("--set " + key + ": '" + path[i] + "' is not a mapping in the config");
            }
            m = (Map<String, Object>) next;
        }
        m.put(path[path.length - 1], value);
    }

    /** Checks {@code map} key by key; {@code where} names the file in messages. */
    public static TrainConfig parse(Map<String, Object> map, String where) {
        ConfigMap c = ConfigMap.of(map, where, KEYS);
        if (!c.has("model")) throw new InputException(where + ": missing key 'model' (a preset f1, c1..c4, or a model.json body)");
        Object model = c.raw("model");
        if (!(model instanceof String || model instanceof Map)) throw new InputException(c.at("model") + ": expected a preset name or a mapping");

        if (!c.has("data")) throw new InputException(where + ": missing key 'data' ({train: SPEC, test: SPEC})");
        ConfigMap d = ConfigMap.of(c.raw("data"), c.at("data"), DATA_KEYS);
        String train = d.requireString("train");
        String test = d.string("test", null);
        Integer trainEx = d.has("trainExamples") ? (int) positiveInt(d, "trainExamples") : null;
        Integer testEx = d.has("testExamples") ? (int) positiveInt(d, "testExamples") : null;

        int epochs = (int) c.integer("epochs", 0);
        if (!c.has("epochs") || epochs < 1) throw new InputException(c.at("epochs") + ": expected the maximum number of epochs, an integer >= 1");

        if (!c.has("optimizer")) throw new InputException(where + ": missing key 'optimizer' ({name: adam, lr: 0.001})");
        OptimizerSpec opt = optimizer(ConfigMap.of(c.raw("optimizer"), c.at("optimizer"), OPTIMIZER_KEYS));

        Object policy = c.has("lrPolicy") ? c.raw("lrPolicy") : Map.of("name", "fixed");
        LrPolicy lr = LrPolicies.parse(policy, opt.lr(), epochs, c.at("lrPolicy"));

        if (!c.has("batch")) throw new InputException(where + ": missing key 'batch' ({size: 256} or {size: 0.1})");
        BatchSpec batch = batch(ConfigMap.of(c.raw("batch"), c.at("batch"), BATCH_KEYS));

        Stop stop = Stop.NONE;
        if (c.has("stop")) {
            ConfigMap s = ConfigMap.of(c.raw("stop"), c.at("stop"), STOP_KEYS);
            long patience = s.integer("patience", 0);
            if (patience < 0 || patience > Integer.MAX_VALUE) throw new InputException(s.at("patience") + ": expected an integer >= 0, got " + patience);
            String loss = s.string("loss", Trainer.DEFAULT_STOP_LOSS);
            if (!Trainer.STOP_LOSSES.containsKey(loss)) {
                throw new InputException(s.at("loss") + ": expected one of " + String.join(", ", Trainer.STOP_LOSSES.keySet()) + ", got " + loss);
            }
            stop = new Stop((int) patience, s.nonNegative("minDelta", 0), loss, s.bool("keepBest", patience > 0));
        }
        long seed = c.integer("seed", 1);
        String dtype = c.string("dtype", "float32");
        if (!dtype.equals("float32") && !dtype.equals("float64")) throw new InputException(c.at("dtype") + ": expected float32 or float64, got " + dtype);
        String init = c.string("init", null);
        boolean saveEpochs = c.bool("saveEpochs", false);
        Augment augment = Augment.NONE;
        if (c.has("augment")) {
            ConfigMap a = ConfigMap.of(c.raw("augment"), c.at("augment"), AUGMENT_KEYS);
            long translate = Math.max(a.integer("translate", 0), a.integer("crop", 0)); // a padded crop is a translation
            if (a.integer("translate", 0) < 0 || a.integer("crop", 0) < 0 || translate > 1000) {
                throw new InputException(a.where() + ": translate and crop are pixels, integers in [0, 1000]");
            }
            augment = new Augment((int) translate, a.bool("flip", false));
        }
        Adversarial adversarial = Adversarial.NONE;
        if (c.has("adversarial")) {
            ConfigMap a = ConfigMap.of(c.raw("adversarial"), c.at("adversarial"), ADVERSARIAL_KEYS);
            double eps = a.requirePositive("eps");
            double fraction = a.positive("fraction", 0.5);
            if (fraction > 1) throw new InputException(a.at("fraction") + ": expected a fraction of the batch in (0, 1], got " + fraction);
            adversarial = new Adversarial(eps, fraction);
        }
        return new TrainConfig(map, model, train, test, trainEx, testEx, opt, lr, batch, epochs, stop, seed, dtype, init, saveEpochs,
                augment, adversarial);
    }

    private static long positiveInt(ConfigMap m, String key) {
        long v = m.integer(key, 0);
        if (v < 1) throw new InputException(m.at(key) + ": expected an integer >= 1, got " + v);
        return v;
    }

    private static OptimizerSpec optimizer(ConfigMap o) {
        String name = o.requireString("name");
        if (name.equals("proximal")) {
            // Conservative training: {name: proximal, inner: {name: adam, lr: ...}, steps: 3, lambda: 0.1}
            for (String k : OPTIMIZER_KEYS) {
                if (o.has(k) && !List.of("name", "inner", "steps", "lambda").contains(k)) {
                    throw new InputException(o.at(k) + ": belongs in 'inner'; proximal takes inner, steps, lambda");
                }
            }
            if (!o.has("inner")) throw new InputException(o.where() + ": missing key 'inner' (the inner optimizer, e.g. {name: adam, lr: 0.001})");
            OptimizerSpec inner = optimizer(ConfigMap.of(o.raw("inner"), o.at("inner"), OPTIMIZER_KEYS));
            if (inner.name().equals("proximal")) throw new InputException(o.at("inner") + ": expected sgd or adam, got proximal");
            long steps = o.integer("steps", 3);
            if (steps < 1 || steps > 1000) throw new InputException(o.at("steps") + ": expected an integer in [1, 1000], got " + steps);
            double lambda = o.nonNegative("lambda", 0);
            if (!o.has("lambda")) throw new InputException(o.where() + ": missing key 'lambda' (the proximal weight, e.g. 0.1)");
            return new OptimizerSpec(name, inner.lr(), 0, false, 0, 0, 0, 0, false, inner, (int) steps, lambda);
        }
        for (String k : List.of("inner", "steps", "lambda")) if (o.has(k)) throw new InputException(o.at(k) + ": is a proximal key");
        if (!name.equals("sgd") && !name.equals("adam")) throw new InputException(o.at("name") + ": expected sgd, adam or proximal, got " + name);
        double lr = o.requirePositive("lr");
        double wd = o.nonNegative("weightDecay", 0);
        boolean decoupled = o.bool("decoupled", false);
        if (name.equals("sgd")) {
            for (String k : List.of("betas", "eps")) if (o.has(k)) throw new InputException(o.at(k) + ": is an adam key; sgd takes lr, momentum, nesterov, weightDecay, decoupled");
            double m = o.nonNegative("momentum", 0);
            if (!(m < 1)) throw new InputException(o.at("momentum") + ": expected a number in [0, 1), got " + m);
            boolean nesterov = o.bool("nesterov", false);
            if (nesterov && m == 0) throw new InputException(o.at("nesterov") + ": Nesterov needs momentum > 0");
            return new OptimizerSpec(name, lr, m, nesterov, 0, 0, 0, wd, decoupled, null, 0, 0);
        }
        for (String k : List.of("momentum", "nesterov")) if (o.has(k)) throw new InputException(o.at(k) + ": is an sgd key; adam takes lr, betas, eps, weightDecay, decoupled");
        double b1 = 0.9, b2 = 0.999;
        if (o.has("betas")) {
            List<Double> b = o.numbers("betas");
            if (b.size() != 2) throw new InputException(o.at("betas") + ": expected [beta1, beta2], got " + b);
            b1 = b.get(0);
            b2 = b.get(1);
            if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new InputException(o.at("betas") + ": expected values in [0, 1), got " + b);
        }
        return new OptimizerSpec(name, lr, 0, false, b1, b2, o.positive("eps", 1e-8), wd, decoupled, null, 0, 0);
    }

    private static BatchSpec batch(ConfigMap b) {
        if (!b.has("size")) throw new InputException(b.where() + ": missing key 'size' (e.g. 256, or 0.1 for 10% of the training set)");
        Object sv = b.raw("size");
        Number size = sv instanceof Number num ? num : ConfigMap.toDouble(sv, b.at("size"));
        double s = size.doubleValue();
        boolean fraction = (size instanceof Double || size instanceof Float) && s <= 1;
        if (!(s > 0) || (!fraction && s != Math.rint(s))) {
            throw new InputException(b.at("size") + ": expected an integer >= 1 or a fraction in (0, 1], got " + sv);
        }
        String schedule = b.string("schedule", "constant");
        if (!BatchSchedule.KINDS.contains(schedule)) {
            throw new InputException(b.at("schedule") + ": unknown schedule '" + schedule + "'; one of " + String.join(", ", BatchSchedule.KINDS));
        }
        List<Integer> ms = new ArrayList<>();
        if (!schedule.equals("constant")) {
            for (double m : b.numbers("milestones")) {
                if (m != Math.rint(m) || m < 1) throw new InputException(b.at("milestones") + ": expected epochs, integers >= 1, got " + m);
                if (!ms.isEmpty() && m <= ms.get(ms.size() - 1)) throw new InputException(b.at("milestones") + ": must increase");
                ms.add((int) m);
            }
        } else if (b.has("milestones") || b.has("factor")) {
            throw new InputException(b.where() + ": 'factor' and 'milestones' need a schedule (" + String.join(", ", BatchSchedule.KINDS.subList(1, 5)) + ")");
        }
        double factor = b.positive("factor", schedule.equals("constant") ? 1 : 5); // Smith et al. step by 5
        return new BatchSpec(size, schedule, factor, ms);
    }
}
