package org.minima.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code model.json} body of a model directory (docs/model-directory.md), read and written
 * exactly: {@code format "minima-model"}, {@code version 1}, {@code input}, {@code classes}, optional
 * {@code preprocess}, {@code layers}. Defaults as PyTorch: conv stride 1 padding 0, max-pool stride =
 * kernel padding 0, batch norm eps 1e-5 momentum 0.1, dropout p 0.5. Unknown keys and types are errors.
 * A parsed spec has been checked with {@link Architecture#of}.
 */
public final class ModelJson {
    public static final String FORMAT = "minima-model";
    public static final int VERSION = 1;

    private static final Map<String, Set<String>> LAYER_KEYS = Map.of(
            "linear", Set.of("type", "in", "out"),
            "conv2d", Set.of("type", "in", "out", "kernel", "stride", "padding"),
            "maxpool2d", Set.of("type", "kernel", "stride", "padding"),
            "batchnorm", Set.of("type", "features", "eps", "momentum"),
            "relu", Set.of("type"),
            "dropout", Set.of("type", "p"),
            "flatten", Set.of("type"));
    private static final String TYPES = "linear, conv2d, maxpool2d, batchnorm, relu, dropout, flatten";
    private static final Set<String> TOP_KEYS = Set.of("format", "version", "input", "classes", "preprocess", "layers");
    private static final Set<String> PREPROCESS_KEYS = Set.of("scale", "mean", "std");

    private ModelJson() {}

    /** Parses the text of a {@code model.json} file; {@code where} names it in messages. */
    public static ModelSpec parse(String text, String where) {
        return parse(Json.parse(text, where), where);
    }

    /** A complete {@code model.json}: {@code format} and {@code version} are required. */
    public static ModelSpec parse(JsonNode root, String where) {
        return parse(root, where, true);
    }

    /**
     * A model body as a training config embeds it ({@code input, classes, layers, preprocess});
     * {@code format} and {@code version} may be left out, but are checked when present.
     */
    public static ModelSpec parseBody(JsonNode root, String where) {
        return parse(root, where, false);
    }

    private static ModelSpec parse(JsonNode root, String where, boolean strict) {
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
        ModelSpec spec = new ModelSpec(input, classes, pre, layers);
        Architecture.of(spec, where);
        return spec;
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
        String type = t.asText();
        Set<String> keys = LAYER_KEYS.get(type);
        if (!t.isTextual() || keys == null) throw new InputException(at + ": unknown type " + t + ", expected one of " + TYPES);
        at = at + " (" + type + ")";
        unknownKeys(n, keys, at);
        return switch (type) {
            case "linear" -> new ModelSpec.Linear(intKey(n, "in", at, 1, null), intKey(n, "out", at, 1, null));
            case "conv2d" -> new ModelSpec.Conv2d(intKey(n, "in", at, 1, null), intKey(n, "out", at, 1, null),
                    intKey(n, "kernel", at, 1, null), intKey(n, "stride", at, 1, 1), intKey(n, "padding", at, 0, 0));
            case "maxpool2d" -> {
                int k = intKey(n, "kernel", at, 1, null);
                yield new ModelSpec.MaxPool2d(k, intKey(n, "stride", at, 1, k), intKey(n, "padding", at, 0, 0));
            }
            case "batchnorm" -> {
                int f = intKey(n, "features", at, 1, null);
                double eps = n.has("eps") ? finite(n.get("eps"), at + ": eps") : 1e-5;
                if (!(eps > 0)) throw new InputException(at + ": eps is " + n.get("eps") + ", expected a number > 0");
                double m = n.has("momentum") ? finite(n.get("momentum"), at + ": momentum") : 0.1;
                if (!(m >= 0 && m <= 1)) throw new InputException(at + ": momentum is " + n.get("momentum") + ", expected a number in [0, 1]");
                yield new ModelSpec.BatchNorm(f, eps, m);
            }
            case "dropout" -> {
                double p = n.has("p") ? finite(n.get("p"), at + ": p") : 0.5;
                if (!(p >= 0 && p < 1)) throw new InputException(at + ": p is " + n.get("p") + ", expected a probability in [0, 1)");
                yield new ModelSpec.Dropout(p);
            }
            case "relu" -> new ModelSpec.Relu();
            case "flatten" -> new ModelSpec.Flatten();
            default -> throw new IllegalStateException(type);
        };
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
            if (l instanceof ModelSpec.Linear x) {
                o.put("in", x.in());
                o.put("out", x.out());
            } else if (l instanceof ModelSpec.Conv2d x) {
                o.put("in", x.in());
                o.put("out", x.out());
                o.put("kernel", x.kernel());
                o.put("stride", x.stride());
                o.put("padding", x.padding());
            } else if (l instanceof ModelSpec.MaxPool2d x) {
                o.put("kernel", x.kernel());
                o.put("stride", x.stride());
                o.put("padding", x.padding());
            } else if (l instanceof ModelSpec.BatchNorm x) {
                o.put("features", x.features());
                o.put("eps", x.eps());
                o.put("momentum", x.momentum());
            } else if (l instanceof ModelSpec.Dropout x) {
                o.put("p", x.p());
            }
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

    private static int intKey(JsonNode n, String key, String at, int min, Integer dflt) {
        if (!n.has(key) && dflt != null) return dflt;
        JsonNode v = required(n, key, at, "an integer >= " + min);
        int x = intValue(v, at + ": " + key, min);
        return x;
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
