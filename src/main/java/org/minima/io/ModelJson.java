package org.minima.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

/**
 * The {@code model.json} body of a model directory (docs/cli.md, "Model directory"), read and written
 * exactly: {@code format "minima-model"}, {@code version 1}, {@code input}, {@code classes}, optional
 * {@code preprocess}, {@code layers}. Defaults as PyTorch: conv stride 1 padding 0, max-pool stride =
 * kernel padding 0, batch norm eps 1e-5 momentum 0.1, dropout p 0.5 (each written once, in
 * {@link ModelSpec#TYPES}). Unknown keys and types are errors. A parsed spec has been checked with
 * {@link Architecture#of}, the one check of a spec.
 */
public final class ModelJson {
    public static final String FORMAT = "minima-model";
    public static final int VERSION = 1;

    private static final String TYPES = ModelSpec.TYPES.stream().map(ModelSpec.Type::name).collect(Collectors.joining(", "));
    private static final Set<String> TOP_KEYS = Set.of("format", "version", "input", "classes", "preprocess", "layers");
    private static final Set<String> PREPROCESS_KEYS = Set.of("scale", "mean", "std");

    private ModelJson() {}

    /** Parses the text of a {@code model.json} file; {@code where} names it in messages. */
    public static ModelSpec parse(String text, String where) {
        return parse(Json.parse(text, where), where);
    }

    /** A complete {@code model.json}: {@code format} and {@code version} are required. */
    public static ModelSpec parse(JsonNode root, String where) {
        return parse(root, where, true).spec();
    }

    /** As {@link #parse(JsonNode, String)}, keeping the architecture the spec was checked with. */
    public static Architecture architecture(JsonNode root, String where) {
        return parse(root, where, true);
    }

    /**
     * A model body as a training config embeds it ({@code input, classes, layers, preprocess});
     * {@code format} and {@code version} may be left out, but are checked when present.
     */
    public static ModelSpec parseBody(JsonNode root, String where) {
        return parse(root, where, false).spec();
    }

    private static Architecture parse(JsonNode root, String where, boolean strict) {
        if (root == null || !root.isObject()) throw new InputException(where + ": expected a JSON object with input, classes and layers");
        unknownKeys(root, TOP_KEYS, where);
        if (strict || root.has("format")) {
            JsonNode f = required(root, "format", where, "\"" + FORMAT + "\"");
            if (!f.isTextual() || !FORMAT.equals(f.asText())) {
                throw new InputException(where + ": format is " + f + ", expected \"" + FORMAT + "\"");
            }
        }
        if (strict || root.has("version")) {
            JsonNode v = required(root, "version", where, String.valueOf(VERSION));
            if (!v.isIntegralNumber() || v.asInt() != VERSION) {
                throw new InputException(where + ": version is " + v + ", expected " + VERSION + " (this minima reads version " + VERSION + ")");
            }
        }
        JsonNode in = required(root, "input", where, "[features] or [channels, height, width]");
        if (!in.isArray() || (in.size() != 1 && in.size() != 3)) {
            throw new InputException(where + ": input is " + in + ", expected [features] or [channels, height, width]");
        }
        int[] input = new int[in.size()];
        for (int i = 0; i < input.length; i++) input[i] = positiveInt(in.get(i), where + ": input[" + i + "]");
        int classes = positiveInt(required(root, "classes", where, "a positive integer"), where + ": classes");
        ModelSpec.Preprocess pre = root.has("preprocess") ? preprocess(root.get("preprocess"), where + ": preprocess") : null;
        JsonNode ls = required(root, "layers", where, "an array of layers");
        if (!ls.isArray()) throw new InputException(where + ": layers is " + kind(ls) + ", expected an array of layers");
        List<ModelSpec.Layer> layers = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) layers.add(layer(ls.get(i), where + ": layers[" + i + "]"));
        return Architecture.of(new ModelSpec(input, classes, pre, layers), where);
    }

    private static ModelSpec.Preprocess preprocess(JsonNode p, String at) {
        if (!p.isObject()) throw new InputException(at + " is " + kind(p) + ", expected an object with scale, mean, std");
        unknownKeys(p, PREPROCESS_KEYS, at);
        double scale = p.has("scale") ? finite(p.get("scale"), at + ".scale") : 1.0;
        double[] mean = p.has("mean") ? doubles(p.get("mean"), at + ".mean", false) : new double[] {0.0};
        double[] std = p.has("std") ? doubles(p.get("std"), at + ".std", true) : new double[] {1.0};
        return new ModelSpec.Preprocess(scale, mean, std);
    }

    private static ModelSpec.Layer layer(JsonNode n, String at) {
        if (!n.isObject()) throw new InputException(at + " is " + kind(n) + ", expected an object with a \"type\"");
        JsonNode t = required(n, "type", at, "one of " + TYPES);
        ModelSpec.Type type = t.isTextual() ? ModelSpec.TYPES.stream().filter(x -> x.name().equals(t.asText())).findFirst().orElse(null) : null;
        if (type == null) throw new InputException(at + ": unknown type " + t + ", expected one of " + TYPES);
        at = at + " (" + type.name() + ")";
        Set<String> keys = new HashSet<>(type.keys());
        keys.add("type");
        unknownKeys(n, keys, at);
        return type.read().apply(new Keys(n, at));
    }

    /** A layer's keys in model.json, each read checked: what a {@link ModelSpec.Type} reads a layer from. */
    public static final class Keys {
        private final JsonNode node;
        private final String at;

        private Keys(JsonNode node, String at) {
            this.node = node;
            this.at = at;
        }

        /** The integer {@code key} (at least {@code min}), or {@code dflt} when absent; {@code dflt == null}: required. */
        public int integer(String key, int min, Integer dflt) {
            if (!node.has(key) && dflt != null) return dflt;
            return intValue(required(node, key, at, "an integer >= " + min), at + ": " + key, min);
        }

        /** The finite number {@code key} for which {@code ok} holds ({@code expected} says which), or {@code dflt} when absent. */
        public double number(String key, double dflt, DoublePredicate ok, String expected) {
            if (!node.has(key)) return dflt;
            double x = finite(node.get(key), at + ": " + key);
            if (!ok.test(x)) throw new InputException(at + ": " + key + " is " + node.get(key) + ", expected " + expected);
            return x;
        }
    }

    /** The {@code model.json} body for {@code spec}, every key written out (defaults included). */
    public static ObjectNode toJson(ModelSpec spec) {
        ObjectNode root = Json.object();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ArrayNode in = root.putArray("input");
        for (int d : spec.input()) in.add(d);
        root.put("classes", spec.classes());
        ObjectNode pre = root.putObject("preprocess");
        pre.put("scale", spec.preprocess().scale());
        ArrayNode mean = pre.putArray("mean");
        for (double v : spec.preprocess().mean()) mean.add(v);
        ArrayNode std = pre.putArray("std");
        for (double v : spec.preprocess().std()) std.add(v);
        ArrayNode layers = root.putArray("layers");
        for (ModelSpec.Layer l : spec.layers()) {
            ObjectNode o = layers.addObject();
            o.put("type", l.type());
            l.keys().forEach((k, v) -> o.set(k, Json.MAPPER.valueToTree(v)));
        }
        return root;
    }

    /** {@link #toJson} as pretty text with a final newline. */
    public static String toText(ModelSpec spec) {
        return Json.toString(toJson(spec));
    }

    private static JsonNode required(JsonNode n, String key, String at, String expected) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) throw new InputException(at + ": key \"" + key + "\" is missing, expected " + expected);
        return v;
    }

    private static void unknownKeys(JsonNode n, Set<String> allowed, String at) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new InputException(at + ": unknown key \"" + k + "\", expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private static int positiveInt(JsonNode v, String at) {
        return intValue(v, at, 1);
    }

    private static int intValue(JsonNode v, String at, int min) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) {
            throw new InputException(at + " is " + v + ", expected an integer >= " + min);
        }
        return v.asInt();
    }

    private static double finite(JsonNode v, String at) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new InputException(at + " is " + v + ", expected a finite number");
        }
        return v.asDouble();
    }

    private static double[] doubles(JsonNode v, String at, boolean positive) {
        if (!v.isArray() || v.isEmpty()) throw new InputException(at + " is " + v + ", expected a non-empty array of numbers");
        double[] d = new double[v.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = finite(v.get(i), at + "[" + i + "]");
            if (positive && !(d[i] > 0)) throw new InputException(at + "[" + i + "] is " + v.get(i) + ", expected a number > 0");
        }
        return d;
    }

    private static String kind(JsonNode n) {
        return n.isArray() ? "an array" : n.isObject() ? "an object" : n.isTextual() ? "a string " + n : String.valueOf(n);
    }
}
