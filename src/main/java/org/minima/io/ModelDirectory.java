package org.minima.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model directory (docs/cli.md, "Model directory"): {@code model.json} and {@code weights.safetensors},
 * readable by PyTorch users. Reading checks every tensor model.json needs is there with PyTorch's shape;
 * writing replaces each file atomically.
 */
public final class ModelDirectory {
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS = "weights.safetensors";

    /**
     * A model read from disk. {@code tensors} holds the parameters in flat-vector order (each layer's
     * weight, then bias), then batch norm's running statistics; {@code num_batches_tracked} is dropped.
     */
    public record Loaded(Architecture architecture, Map<String, Tensor> tensors) {
        public ModelSpec spec() {
            return architecture.spec();
        }

        /** The stored dtype ({@code F32} or {@code F64}) of the parameters. */
        public String dtype() {
            return tensors.isEmpty() ? "F64" : tensors.values().iterator().next().dtype();
        }
    }

    private ModelDirectory() {}

    /** Reads and checks {@code dir}/model.json and {@code dir}/weights.safetensors. */
    public static Loaded read(Path dir) {
        if (!Files.exists(dir)) throw new InputException(dir + ": no such model directory");
        if (!Files.isDirectory(dir)) throw new InputException(dir + ": not a directory; a model is a directory with " + MODEL_JSON + " and " + WEIGHTS);
        Path mj = dir.resolve(MODEL_JSON);
        Architecture arch = readArchitecture(mj);
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.exists(wf)) throw new InputException(wf + ": no such file; a model directory needs " + WEIGHTS + " beside " + MODEL_JSON);
        return new Loaded(arch, check(arch, Safetensors.read(wf), wf.toString()));
    }

    /** Reads and checks only {@code dir}/model.json. */
    public static ModelSpec readSpec(Path dir) {
        return readArchitecture(dir.resolve(MODEL_JSON)).spec();
    }

    /** model.json read and checked once, its architecture kept for checking the tensors. */
    private static Architecture readArchitecture(Path mj) {
        if (!Files.exists(mj)) throw new InputException(mj + ": no such file; a model directory needs " + MODEL_JSON);
        return ModelJson.architecture(Json.read(mj), mj.toString());
    }

    /**
     * Picks the tensors {@code arch} needs out of {@code stored}, in order (parameters, then buffers), checking
     * names, shapes and dtype; {@code num_batches_tracked} beside a running_mean is dropped, any other extra
     * tensor is an error. {@code file} names the source in messages.
     */
    public static Map<String, Tensor> check(Architecture arch, Map<String, Tensor> stored, String file) {
        Map<String, Tensor> prefixed = withLayersPrefix(stored, file);
        // messages name a tensor as the file does
        java.util.function.UnaryOperator<String> shown = prefixed == stored ? n -> n : n -> n.substring("layers.".length());
        stored = prefixed;
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, long[]> all = arch.allTensors();
        for (Architecture.Entry e : arch.tensors()) {
            String name = e.name();
            long[] need = e.shape();
            Tensor t = stored.get(name);
            String layer = "layers[" + e.layer() + "] " + arch.spec().layers().get(e.layer()).describe();
            if (t == null) {
                throw new InputException(file + ": tensor " + shown.apply(name) + " is missing, but model.json says " + layer + " needs it with shape "
                        + Arrays.toString(need) + " (" + NAMING + ")");
            }
            if (!Arrays.equals(t.shape(), need)) {
                throw new InputException(file + ": tensor " + shown.apply(name) + " has shape " + Arrays.toString(t.shape()) + ", but model.json says "
                        + layer + " needs " + Arrays.toString(need));
            }
            if (t.dtype().equals("I64")) throw new InputException(file + ": tensor " + shown.apply(name) + " has dtype I64, expected F32 or F64");
            out.put(name, t);
        }
        for (String name : stored.keySet()) {
            if (out.containsKey(name)) continue;
            int dot = name.lastIndexOf('.');
            boolean tracked = name.endsWith(".num_batches_tracked") && all.containsKey(name.substring(0, dot) + ".running_mean");
            if (!tracked) {
                throw new InputException(file + ": tensor " + shown.apply(name) + " is not used by model.json (expected only "
                        + String.join(", ", all.keySet().stream().map(shown).toList()) + ")");
            }
        }
        return out;
    }

    private static final String NAMING = "names expected as a module holding the layers in self.layers, e.g. layers.0.weight,"
            + " or as a bare nn.Sequential's state_dict, e.g. 0.weight";

    /**
     * The tensors under this tool's names ({@code layers.0.weight}). Two namings are accepted, decided by the
     * keys present: every key starting with {@code layers.} (a module keeping its {@code nn.Sequential} in
     * {@code self.layers}), or every key starting with a layer index (a bare {@code nn.Sequential}'s
     * {@code state_dict}: {@code 0.weight}), which gets the prefix. A mix is refused, naming a key of each.
     */
    static Map<String, Tensor> withLayersPrefix(Map<String, Tensor> stored, String file) {
        String prefixed = null, bare = null;
        for (String name : stored.keySet()) {
            if (name.startsWith("layers.")) prefixed = prefixed == null ? name : prefixed;
            else if (!name.isEmpty() && Character.isDigit(name.charAt(0))) bare = bare == null ? name : bare;
            else throw new InputException(file + ": tensor " + name + " has neither naming (" + NAMING + ")");
        }
        if (bare == null) return stored;
        if (prefixed != null) {
            throw new InputException(file + ": tensors " + prefixed + " and " + bare + " mix two namings; use one (" + NAMING + ")");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stored.entrySet()) out.put("layers." + e.getKey(), e.getValue());
        return out;
    }

    /** Writes {@code spec} and {@code tensors} as F32 when every tensor is F32, else as F64. */
    public static void write(Path dir, ModelSpec spec, Map<String, Tensor> tensors) {
        String dtype = "F32";
        for (Tensor t : tensors.values()) if (!t.dtype().equals("F32")) dtype = "F64";
        write(dir, spec, tensors, dtype);
    }

    /**
     * Writes {@code dir}/model.json and {@code dir}/weights.safetensors ({@code dtype} F32 or F64), each
     * atomically; the folder is created when missing. {@code tensors} must be exactly what {@code spec}
     * needs (names and shapes), otherwise {@link IllegalArgumentException}: a program error, not input.
     */
    public static void write(Path dir, ModelSpec spec, Map<String, Tensor> tensors, String dtype) {
        Architecture arch;
        Map<String, Tensor> ordered;
        try {
            arch = Architecture.of(spec, "model spec");
            ordered = check(arch, tensors, "tensors to write");
        } catch (InputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Safetensors.write(dir.resolve(WEIGHTS), ordered, dtype, Map.of("format", "pt"));
        AtomicFiles.writeString(dir.resolve(MODEL_JSON), ModelJson.toText(spec));
    }
}
