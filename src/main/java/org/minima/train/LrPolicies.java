package org.minima.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.minima.io.InputException;

/**
 * The catalogue of learning-rate policies ({@code minima policies} lists it) and the parser of the
 * {@code lrPolicy:} mapping of a training config. Every policy takes {@code lr} (its base rate; default
 * the optimizer's {@code lr}) and {@code warmup}/{@code warmupFrom} (a linear warm-up in front of it).
 */
public final class LrPolicies {
    private LrPolicies() {}

    /** One parameter: its key, what it is, and its default ("required" when there is none). */
    public record Param(String key, String meaning, String fallback) {}

    /**
     * One policy: its config name, formula, parameters, an example (for `policies --plot`), its
     * {@code torch.optim.lr_scheduler} counterpart ("" if none) and the PyTorch parameter names it accepts as
     * aliases (PyTorch name → our key; the same value, so a PyTorch user's numbers mean the same here).
     */
    public record Entry(String name, String formula, List<Param> params, Map<String, Object> example, String torch,
                        Map<String, String> aliases) {
        public Entry(String name, String formula, List<Param> params, Map<String, Object> example) {
            this(name, formula, params, example, "", Map.of());
        }

        /** This entry with PyTorch's counterpart and aliases, given as pairs (torch name, our key, ...). */
        Entry torch(String counterpart, String... pairs) {
            Map<String, String> a = new java.util.LinkedHashMap<>();
            for (int i = 0; i < pairs.length; i += 2) a.put(pairs[i], pairs[i + 1]);
            return new Entry(name, formula, params, example, counterpart, a);
        }

        /** The PyTorch name of our key {@code key}, or null. */
        public String torchName(String key) {
            for (Map.Entry<String, String> e : aliases.entrySet()) if (e.getValue().equals(key)) return e.getKey();
            return null;
        }
    }

    private static final Param LR = new Param("lr", "base rate k0 (k1 where the formula starts high)", "optimizer.lr");
    private static final Param WARMUP = new Param("warmup", "epochs of linear warm-up before the policy starts", "0");
    private static final Param WARMUP_FROM = new Param("warmupFrom", "rate at the start of the warm-up", "0");
    private static final Param GAMMA = new Param("gamma", "decay factor γ", "required");
    private static final Param MAX = new Param("max", "upper bound k1 of the cycle", "required");
    private static final Param HALF = new Param("halfCycle", "l: epochs from k0 to k1 (half a cycle)", "required");
    private static final Param END = new Param("end", "final rate k0", "0");
    private static final Param LENGTH = new Param("length", "l: epochs over which it anneals", "the run's epochs (after warm-up)");

    /** PyTorch's CyclicLR names for the cyclic policies' keys. */
    private static final String[] CYCLIC = {"base_lr", "lr", "max_lr", "max", "step_size_up", "halfCycle"};

    public static final List<Entry> CATALOGUE = List.of(
            new Entry("fixed", "k0", List.of(LR), Map.of()),
            new Entry("step", "k0 · γ^⌊t/l⌋", List.of(LR, new Param("gamma", "decay factor γ", "0.1"),
                    new Param("every", "l: epochs between steps", "required")), Map.of("gamma", 0.5, "every", 5))
                    .torch("StepLR", "step_size", "every", "gamma", "gamma"),
            new Entry("multistep", "k0 · γ^i, i = milestones ≤ t", List.of(LR, new Param("gamma", "decay factor γ", "0.1"),
                    new Param("milestones", "epochs at which the rate is multiplied by γ", "required")),
                    Map.of("gamma", 0.2, "milestones", List.of(6, 12, 16))).torch("MultiStepLR", "milestones", "milestones", "gamma", "gamma"),
            new Entry("exponential", "k0 · γ^t", List.of(LR, GAMMA), Map.of("gamma", 0.85)).torch("ExponentialLR", "gamma", "gamma"),
            new Entry("inverse", "k0 · (1 + γt)^(−p)", List.of(LR, GAMMA, new Param("power", "p", "required")),
                    Map.of("gamma", 0.5, "power", 1.0)),
            new Entry("polynomial", "(k1 − k0)(1 − t/l)^p + k0; k1 = lr, k0 = end", List.of(LR, END,
                    new Param("power", "p", "1"), LENGTH), Map.of("power", 2.0)).torch("PolynomialLR (end 0)", "total_iters", "length", "power", "power"),
            new Entry("sigmoid", "k0 / (1 + e^(−γ(t − l)))", List.of(LR, GAMMA, new Param("center", "l: epoch of the midpoint", "required")),
                    Map.of("gamma", -0.8, "center", 10)),
            new Entry("triangular", "(k1 − k0)·(2/π)|asin(sin(πt/2l))| + k0", List.of(LR, MAX, HALF),
                    Map.of("lr", 2e-4, "max", 1e-3, "halfCycle", 2.5)).torch("CyclicLR mode=triangular", CYCLIC),
            new Entry("triangular2", "TRI term ÷ 2^⌊t/2l⌋", List.of(LR, MAX, HALF),
                    Map.of("lr", 2e-4, "max", 1e-3, "halfCycle", 2.5)).torch("CyclicLR mode=triangular2", CYCLIC),
            new Entry("triangular-exponential", "TRI term × γ^t", List.of(LR, MAX, HALF, GAMMA),
                    Map.of("lr", 2e-4, "max", 1e-3, "halfCycle", 2.5, "gamma", 0.9))
                    .torch("CyclicLR mode=exp_range", "base_lr", "lr", "max_lr", "max", "step_size_up", "halfCycle", "gamma", "gamma"),
            new Entry("sine", "(k1 − k0)·|sin(πt/2l)| + k0", List.of(LR, MAX, HALF),
                    Map.of("lr", 2e-4, "max", 1e-3, "halfCycle", 2.5)),
            new Entry("sine2", "SIN term ÷ 2^⌊t/2l⌋", List.of(LR, MAX, HALF),
                    Map.of("lr", 2e-4, "max", 1e-3, "halfCycle", 2.5)),
            new Entry("sine-exponential", "SIN term × γ^t", List.of(LR, MAX, HALF, GAMMA),
                    Map.of("lr", 2e-4, "max", 1e-3, "halfCycle", 2.5, "gamma", 0.9)),
            new Entry("cosine", "(k1 − k0)·½(1 + cos(πt/l)) + k0; k1 = lr, k0 = end", List.of(LR, END, LENGTH), Map.of())
                    .torch("CosineAnnealingLR", "T_max", "length", "eta_min", "end"),
            new Entry("cosine-restarts", "k0 + ½(k1 − k0)(1 + cos(π·T_cur/T_i)), T_i = T0·mult^i; k1 = lr, k0 = end",
                    List.of(LR, END, new Param("period", "T0: epochs of the first cycle", "required"),
                            new Param("mult", "growth of each period", "1")), Map.of("period", 3, "mult", 2))
                    .torch("CosineAnnealingWarmRestarts", "T_0", "period", "T_mult", "mult", "eta_min", "end"),
            new Entry("one-cycle", "cosine up from lr/div to lr over pctStart·l, then down to lr/(div·finalDiv) at l",
                    List.of(LR, LENGTH, new Param("pctStart", "fraction of l spent rising", "0.3"),
                            new Param("div", "initial rate = lr/div", "25"),
                            new Param("finalDiv", "final rate = lr/(div·finalDiv)", "1e4")), Map.of())
                    .torch("OneCycleLR (anneal_strategy=cos)", "max_lr", "lr", "total_steps", "length", "pct_start", "pctStart",
                            "div_factor", "div", "final_div_factor", "finalDiv"),
            new Entry("reduce-on-plateau", "k0 · γ^c, c = cuts so far: a cut after patience+1 epochs in a row without loss < best·(1 − threshold)",
                    List.of(LR, new Param("gamma", "decay factor γ", "0.1"),
                            new Param("patience", "epochs without improvement that are tolerated", "10"),
                            new Param("threshold", "relative improvement that counts", "1e-4"),
                            new Param("cooldown", "epochs after a cut that count as not bad", "0"),
                            new Param("min", "the lowest rate", "0"),
                            new Param("monitor", "the loss watched: train or test", "train")),
                    Map.of()).torch("ReduceLROnPlateau (mode=min, threshold_mode=rel)", "factor", "gamma", "patience", "patience",
                            "threshold", "threshold", "cooldown", "cooldown", "min_lr", "min"),
            new Entry("piecewise", "pieces[i] over [until_{i−1}, until_i), each on its own time t − start",
                    List.of(new Param("pieces", "list of policies, each with 'until' (epoch) but the last", "required")),
                    Map.of("pieces", List.of(Map.of("name", "fixed", "until", 5, "lr", 1e-3),
                            Map.of("name", "cosine", "until", 15, "lr", 1e-3, "end", 1e-4),
                            Map.of("name", "fixed", "lr", 1e-4)))));

    /** The names of all policies. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        for (Entry e : CATALOGUE) n.add(e.name());
        return n;
    }

    /**
     * Builds the policy described by {@code value} (the {@code lrPolicy:} mapping).
     *
     * @param baseLr the optimizer's lr, the default of {@code lr}
     * @param span   the epochs this policy covers (the run, or its piece): the default {@code length}
     * @param where  where the mapping is, for messages (e.g. {@code run.yaml: lrPolicy})
     */
    public static LrPolicy parse(Object value, double baseLr, double span, String where) {
        return parse(value, baseLr, span, where, Set.of());
    }

    private static LrPolicy parse(Object value, double baseLr, double span, String where, Set<String> extraKeys) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new InputException(where + ": expected a mapping such as {name: fixed}, got " + ConfigMap.describe(value));
        }
        Object nameValue = raw.get("name");
        if (nameValue == null) throw new InputException(where + ": missing key 'name'; one of " + String.join(", ", names()));
        String name = String.valueOf(nameValue);
        Entry entry = CATALOGUE.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new InputException(where + ".name: unknown policy '" + name + "'; one of " + String.join(", ", names())));
        value = renameAliases(entry, raw, where);
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add("name");
        for (Param p : entry.params()) allowed.add(p.key());
        allowed.add(WARMUP.key());
        allowed.add(WARMUP_FROM.key());
        allowed.addAll(extraKeys);
        ConfigMap c = ConfigMap.of(value, where, allowed);
        double warm = c.nonNegative("warmup", 0);
        double lr = c.positive("lr", baseLr);
        double inner = Math.max(span - warm, 0);
        LrPolicy p = build(name, c, lr, inner);
        return warm > 0 ? new LrPolicy.Warmup(warm, c.nonNegative("warmupFrom", 0), p) : p;
    }

    /** The mapping with PyTorch's names replaced by ours; both names of one parameter is an error. */
    private static Map<String, Object> renameAliases(Entry entry, Map<?, ?> raw, String where) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        for (Map.Entry<String, String> a : entry.aliases().entrySet()) {
            if (a.getKey().equals(a.getValue()) || !out.containsKey(a.getKey())) continue;
            if (out.containsKey(a.getValue())) {
                throw new InputException(where + ": '" + a.getKey() + "' is PyTorch's name for '" + a.getValue() + "'; give one of them");
            }
            out.put(a.getValue(), out.remove(a.getKey()));
        }
        return out;
    }

    private static LrPolicy build(String name, ConfigMap c, double lr, double span) {
        double length = c.has("length") ? c.positive("length", 0) : span;
        if ((name.equals("polynomial") || name.equals("cosine") || name.equals("one-cycle")) && !(length > 0)) {
            throw new InputException(c.at("length") + ": needs a positive length (the run has no epochs left after warm-up)");
        }
        return switch (name) {
            case "fixed" -> new LrPolicy.Fixed(lr);
            case "step" -> new LrPolicy.Step(lr, c.positive("gamma", 0.1), c.requirePositive("every"));
            case "multistep" -> {
                List<Double> ms = c.numbers("milestones");
                for (int i = 1; i < ms.size(); i++) {
                    if (!(ms.get(i) > ms.get(i - 1))) throw new InputException(c.at("milestones") + ": must increase, got " + ms);
                }
                yield new LrPolicy.MultiStep(lr, c.positive("gamma", 0.1), ms);
            }
            case "exponential" -> new LrPolicy.Exponential(lr, c.requirePositive("gamma"));
            case "inverse" -> new LrPolicy.Inverse(lr, c.requirePositive("gamma"), c.requireNumber("power"));
            case "polynomial" -> new LrPolicy.Polynomial(lr, c.nonNegative("end", 0), c.positive("power", 1), length);
            case "sigmoid" -> new LrPolicy.Sigmoid(lr, c.requireNumber("gamma"), c.requireNumber("center"));
            case "triangular" -> new LrPolicy.Triangular(lr, c.requirePositive("max"), c.requirePositive("halfCycle"), LrPolicy.Decay.NONE, 1);
            case "triangular2" -> new LrPolicy.Triangular(lr, c.requirePositive("max"), c.requirePositive("halfCycle"), LrPolicy.Decay.HALVE, 1);
            case "triangular-exponential" -> new LrPolicy.Triangular(lr, c.requirePositive("max"), c.requirePositive("halfCycle"),
                    LrPolicy.Decay.EXP, c.requirePositive("gamma"));
            case "sine" -> new LrPolicy.Sine(lr, c.requirePositive("max"), c.requirePositive("halfCycle"), LrPolicy.Decay.NONE, 1);
            case "sine2" -> new LrPolicy.Sine(lr, c.requirePositive("max"), c.requirePositive("halfCycle"), LrPolicy.Decay.HALVE, 1);
            case "sine-exponential" -> new LrPolicy.Sine(lr, c.requirePositive("max"), c.requirePositive("halfCycle"),
                    LrPolicy.Decay.EXP, c.requirePositive("gamma"));
            case "cosine" -> new LrPolicy.Cosine(lr, c.nonNegative("end", 0), length);
            case "cosine-restarts" -> {
                double mult = c.number("mult", 1);
                if (!(mult >= 1)) throw new InputException(c.at("mult") + ": expected a number >= 1, got " + mult);
                yield new LrPolicy.CosineRestarts(lr, c.nonNegative("end", 0), c.requirePositive("period"), mult);
            }
            case "one-cycle" -> {
                double pct = c.number("pctStart", 0.3);
                if (!(pct > 0 && pct < 1)) throw new InputException(c.at("pctStart") + ": expected a number in (0, 1), got " + pct);
                yield new LrPolicy.OneCycle(lr, length, pct, c.positive("div", 25), c.positive("finalDiv", 1e4));
            }
            case "reduce-on-plateau" -> {
                long patience = c.integer("patience", 10), cooldown = c.integer("cooldown", 0);
                if (patience < 0) throw new InputException(c.at("patience") + ": expected an integer >= 0, got " + patience);
                if (cooldown < 0) throw new InputException(c.at("cooldown") + ": expected an integer >= 0, got " + cooldown);
                double gamma = c.positive("gamma", 0.1);
                if (!(gamma < 1)) throw new InputException(c.at("gamma") + ": expected a factor in (0, 1), got " + gamma);
                String monitor = c.string("monitor", "train");
                if (!monitor.equals("train") && !monitor.equals("test")) throw new InputException(c.at("monitor") + ": expected train or test, got " + monitor);
                yield new LrPolicy.ReduceOnPlateau(lr, gamma, (int) patience, c.nonNegative("threshold", 1e-4), (int) cooldown,
                        c.nonNegative("min", 0), monitor.equals("test"));
            }
            case "piecewise" -> piecewise(c, lr, span);
            default -> throw new IllegalStateException(name);
        };
    }

    private static LrPolicy piecewise(ConfigMap c, double lr, double span) {
        if (!(c.raw("pieces") instanceof List<?> list) || list.isEmpty()) {
            throw new InputException(c.at("pieces") + ": expected a non-empty list of policies [{name: ..., until: E}, ...]");
        }
        List<Double> untils = new ArrayList<>();
        List<LrPolicy> pieces = new ArrayList<>();
        double start = 0;
        for (int i = 0; i < list.size(); i++) {
            String at = c.at("pieces") + "[" + i + "]";
            Object o = list.get(i);
            boolean last = i == list.size() - 1;
            double end = span;
            if (!last) {
                if (!(o instanceof Map<?, ?> m) || m.get("until") == null) throw new InputException(at + ": missing key 'until' (every piece but the last needs one)");
                end = ConfigMap.toDouble(m.get("until"), at + ".until");
                if (!(end > start)) throw new InputException(at + ".until: expected an epoch after " + start + ", got " + end);
                untils.add(end);
            }
            pieces.add(parse(o, lr, Math.max(end - start, 0), at, last ? Set.of() : Set.of("until")));
            start = end;
        }
        return new LrPolicy.Piecewise(untils, pieces);
    }

    /** The rate at {@code points} evenly spaced times from 0 to {@code epochs} (both ends), for plots. */
    public static double[] sample(LrPolicy policy, double epochs, int points) {
        double[] y = new double[points];
        for (int i = 0; i < points; i++) y[i] = policy.rate(epochs * i / (points - 1));
        return y;
    }

    /** Each catalogue entry's example, built with base rate {@code lr} over a run of {@code epochs}. */
    public static LrPolicy example(Entry e, double lr, double epochs) {
        Map<String, Object> m = new java.util.HashMap<>(e.example());
        m.put("name", e.name());
        return parse(m, lr, epochs, "example " + e.name());
    }
}
