package org.minima.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.minima.io.InputException;

/**
 * A strict view of one YAML mapping: every key must be one the caller declares, values are checked for
 * type and range, and each message names where the key is (e.g. {@code config.yaml: lrPolicy.gamma}).
 */
final class ConfigMap {
    private final Map<String, Object> map;
    private final String where;

    private ConfigMap(Map<String, Object> map, String where) {
        this.map = map;
        this.where = where;
    }

    /** Wraps {@code value} (which must be a mapping) and rejects any key not in {@code allowed}. */
    static ConfigMap of(Object value, String where, Set<String> allowed) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new InputException(where + ": expected a mapping {key: value, ...}, got " + describe(value));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!allowed.contains(k)) {
                throw new InputException(where + ": unknown key '" + k + "'; allowed keys: " + String.join(", ", allowed));
            }
            m.put(k, e.getValue());
        }
        return new ConfigMap(m, where);
    }

    String where() { return where; }

    /** {@code file: a.b.key}: the file, then the dotted path of the key. */
    String at(String key) { return where + (where.contains(":") ? "." : ": ") + key; }

    boolean has(String key) { return map.get(key) != null; }

    Object raw(String key) { return map.get(key); }

    String string(String key, String fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        if (v instanceof Map || v instanceof List) throw new InputException(at(key) + ": expected a string, got " + describe(v));
        return String.valueOf(v);
    }

    String requireString(String key) {
        String s = string(key, null);
        if (s == null) throw new InputException(where + ": missing key '" + key + "'");
        return s;
    }

    double number(String key, double fallback) {
        Object v = map.get(key);
        return v == null ? fallback : toDouble(v, at(key));
    }

    double requireNumber(String key) {
        if (!has(key)) throw new InputException(where + ": missing key '" + key + "'");
        return number(key, Double.NaN);
    }

    double positive(String key, double fallback) {
        double d = number(key, fallback);
        if (!(d > 0) || Double.isInfinite(d)) throw new InputException(at(key) + ": expected a number > 0, got " + d);
        return d;
    }

    double requirePositive(String key) {
        if (!has(key)) throw new InputException(where + ": missing key '" + key + "'");
        return positive(key, Double.NaN);
    }

    double nonNegative(String key, double fallback) {
        double d = number(key, fallback);
        if (!(d >= 0) || Double.isInfinite(d)) throw new InputException(at(key) + ": expected a number >= 0, got " + d);
        return d;
    }

    long integer(String key, long fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        double d = toDouble(v, at(key));
        if (d != Math.rint(d) || Math.abs(d) > 1L << 53) throw new InputException(at(key) + ": expected an integer, got " + v);
        return (long) d;
    }

    boolean bool(String key, boolean fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        if ("true".equalsIgnoreCase(String.valueOf(v))) return true;
        if ("false".equalsIgnoreCase(String.valueOf(v))) return false;
        throw new InputException(at(key) + ": expected true or false, got " + v);
    }

    List<Double> numbers(String key) {
        Object v = map.get(key);
        if (v == null) throw new InputException(where + ": missing key '" + key + "'");
        if (!(v instanceof List<?> list)) throw new InputException(at(key) + ": expected a list of numbers [a, b, ...], got " + describe(v));
        List<Double> out = new ArrayList<>();
        for (Object o : list) out.add(toDouble(o, at(key)));
        return out;
    }

    static double toDouble(Object v, String where) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip()); // YAML 1.1 reads 1e-3 (no dot) as a string
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new InputException(where + ": expected a number, got " + describe(v));
    }

    static String describe(Object v) {
        if (v == null) return "nothing";
        if (v instanceof Map) return "a mapping";
        if (v instanceof List) return "a list";
        return "'" + v + "'";
    }
}
