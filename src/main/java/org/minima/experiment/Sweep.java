package org.minima.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.minima.io.InputException;
import org.minima.train.TrainConfig;

/**
 * A run entry's {@code sweep: {KEY: [v1, v2, …], …}} (docs/reproduce.md, "Sweeps"): the entry stands for one run
 * per combination of the lists (the first key varies slowest), each with KEY set to its value. A KEY is a config
 * key, dotted for a nested one ({@code seed}, {@code batch.size}, {@code init.epoch}). The name is generated: a
 * {@code {KEY}} in the entry's name or role is replaced by the value; a name without one gets "-" + the key's last
 * part + the value appended for each key ({@code sb} over seeds 1, 2 → {@code sb-seed1}, {@code sb-seed2}).
 * Everything here is checked before any training: an unknown key and an empty list are one error naming them.
 */
final class Sweep {
    /** One expanded entry: the run entry with the values set (no {@code sweep} key) and the values it got. */
    record Expanded(Map<String, Object> entry, Map<String, Object> swept) {}

    private Sweep() {}

    /**
     * Expands {@code entry} (a run entry of the experiment file; {@code at} names it). {@code quick}, when not
     * null (--quick with the file's {@code quick.sweep}), replaces the lists of the keys it names.
     */
    static List<Expanded> expand(Map<String, Object> entry, String at, Map<String, Object> quick) {
        Object value = entry.get("sweep");
        if (value == null) return List.of(new Expanded(entry, Map.of()));
        if (!(value instanceof Map<?, ?> raw) || raw.isEmpty()) {
            throw new InputException(at + ".sweep: expected a mapping {KEY: [values], ...}, e.g. {seed: [1, 2, 3]}, got " + value);
        }
        Map<String, List<Object>> lists = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            String key = String.valueOf(e.getKey());
            String top = key.split("\\.", -1)[0];
            if (!TrainConfig.KEYS.contains(top) || key.endsWith(".") || key.contains("..")) {
                throw new InputException(at + ".sweep: unknown key '" + key + "'; a config key (" + String.join(", ", TrainConfig.KEYS)
                        + "), dotted for a nested one, e.g. batch.size");
            }
            if (present(entry, key)) {
                throw new InputException(at + ".sweep: '" + key + "' is also set in the run entry; set it in one place");
            }
            Object list = quick != null && quick.containsKey(key) ? quick.get(key) : e.getValue();
            String listAt = quick != null && quick.containsKey(key) ? "quick.sweep." + key : at + ".sweep." + key;
            if (!(list instanceof List<?> l) || l.isEmpty()) {
                throw new InputException(listAt + ": expected a non-empty list of values, got " + list);
            }
            lists.put(key, new ArrayList<>(l));
        }
        List<Expanded> out = new ArrayList<>();
        combine(new ArrayList<>(lists.keySet()), lists, 0, new LinkedHashMap<>(), entry, out);
        return out;
    }

    /** Whether the dotted {@code key} is set in {@code entry} (a sweep must not fight an entry's own value). */
    private static boolean present(Map<String, Object> entry, String key) {
        Object o = entry;
        for (String part : key.split("\\.")) {
            if (!(o instanceof Map<?, ?> m) || !m.containsKey(part)) return false;
            o = m.get(part);
        }
        return true;
    }

    private static void combine(List<String> keys, Map<String, List<Object>> lists, int k, Map<String, Object> chosen,
                                Map<String, Object> entry, List<Expanded> out) {
        if (k == keys.size()) {
            out.add(new Expanded(apply(entry, chosen), Map.copyOf(chosen)));
            return;
        }
        for (Object v : lists.get(keys.get(k))) {
            chosen.put(keys.get(k), v);
            combine(keys, lists, k + 1, chosen, entry, out);
        }
        chosen.remove(keys.get(k));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> apply(Map<String, Object> entry, Map<String, Object> chosen) {
        Map<String, Object> e = TrainConfig.deepCopy(entry);
        e.remove("sweep");
        String name = e.get("name") == null ? "" : String.valueOf(e.get("name"));
        String role = e.get("role") == null ? null : String.valueOf(e.get("role"));
        boolean template = name.contains("{");
        StringBuilder suffix = new StringBuilder();
        for (Map.Entry<String, Object> c : chosen.entrySet()) {
            String[] path = c.getKey().split("\\.");
            Map<String, Object> m = e;
            for (int i = 0; i < path.length - 1; i++) {
                m = (Map<String, Object>) m.computeIfAbsent(path[i], x -> new LinkedHashMap<String, Object>());
            }
            m.put(path[path.length - 1], TrainConfig.copyValue(c.getValue()));
            String text = String.valueOf(c.getValue());
            if (template) name = name.replace("{" + c.getKey() + "}", text);
            else suffix.append('-').append(path[path.length - 1]).append(text);
            if (role != null) role = role.replace("{" + c.getKey() + "}", text);
        }
        e.put("name", name + suffix);
        if (role != null) e.put("role", role);
        return e;
    }
}
