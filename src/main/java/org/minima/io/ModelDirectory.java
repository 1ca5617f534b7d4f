package org.minima.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model directory (docs/cli.md, "Model directory"): {@code model.json} and {@code weights.safetensors},
 * readable by PyTorch users. Reading checks every tensor model.json needs is there with PyTorch's shape (from the
 * safetensors header, before any data is read; tensors it does not need are skipped) and that every value is finite.
 * Writing is whole: a new directory is written beside its place and renamed in; in an existing one (a run
 * directory) the weights carry the digest of their model.json, so a pair mixed by a crash is refused on reading.
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
        String f = wf.toString();
        // names, dtypes and shapes are checked from the header alone; tensors model.json does not need are never read
        Safetensors.Contents c = Safetensors.readContents(wf, headers -> checkHeaders(arch, headers, f));
        String digest = c.metadata().get(DIGEST_KEY);
        if (digest != null && !digest.equals(digest(arch.spec()))) {
            throw new InputException(dir + ": " + WEIGHTS + " was written for another " + MODEL_JSON + " (its " + DIGEST_KEY
                    + " differs): a write that was interrupted between the two files, or a model.json edited since; expected the "
                    + MODEL_JSON + " written with these weights");
        }
        Map<String, Tensor> tensors = check(arch, c.tensors(), f);
        requireFinite(tensors, f);
        return new Loaded(arch, tensors);
    }

    /**
     * The key in weights.safetensors' {@code __metadata__} that ties it to its model.json: the SHA-256 of the
     * canonical model.json text ({@link ModelJson#toText}), so formatting changes do not matter.
     */
    static final String DIGEST_KEY = "minima.model.sha256";

    static String digest(ModelSpec spec) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(ModelJson.toText(spec).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * NaN or ±Inf in a weight or a running statistic is bad input: every loss and every analysis would be NaN
     * (or die in a bound check far away). Names the file, the tensor and the first bad index (row-major).
     */
    public static void requireFinite(Map<String, Tensor> tensors, String file) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            double[] d = e.getValue().data();
            for (int i = 0; i < d.length; i++) {
                if (!Double.isFinite(d[i])) {
                    throw new InputException(file + ": tensor " + e.getKey() + " holds " + d[i] + " at index " + index(e.getValue().shape(), i)
                            + " (flat " + i + "); expected finite weights and statistics");
                }
            }
        }
    }

    /** Row-major flat index {@code i} as a multi-index, e.g. [2, 0, 1, 1]. */
    private static String index(long[] shape, long i) {
        long[] idx = new long[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = shape[k] == 0 ? 0 : i % shape[k];
            i = shape[k] == 0 ? i : i / shape[k];
        }
        return Arrays.toString(idx);
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
        Map<String, Safetensors.Header> headers = new LinkedHashMap<>();
        stored.forEach((name, t) -> headers.put(name, new Safetensors.Header(t.dtype(), t.shape())));
        checkHeaders(arch, headers, file);
        stored = withLayersPrefix(stored, file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Architecture.Entry e : arch.tensors()) out.put(e.name(), stored.get(e.name()));
        return out;
    }

    /**
     * {@link #check} on what a safetensors header says, before any data is read. Returns the tensors to read, under
     * the names the file uses (either naming of {@link #withLayersPrefix}).
     */
    private static java.util.Set<String> checkHeaders(Architecture arch, Map<String, Safetensors.Header> asStored, String file) {
        Map<String, Safetensors.Header> stored = withLayersPrefix(asStored, file);
        // messages name a tensor as the file does
        java.util.function.UnaryOperator<String> shown = stored == asStored ? n -> n : n -> n.substring("layers.".length());
        Map<String, long[]> all = arch.allTensors();
        for (Architecture.Entry e : arch.tensors()) {
            String name = e.name();
            long[] need = e.shape();
            Safetensors.Header t = stored.get(name);
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
        }
        for (String name : stored.keySet()) {
            if (all.containsKey(name)) continue;
            int dot = name.lastIndexOf('.');
            boolean tracked = name.endsWith(".num_batches_tracked") && all.containsKey(name.substring(0, dot) + ".running_mean");
            if (!tracked) {
                throw new InputException(file + ": tensor " + shown.apply(name) + " is not used by model.json (expected only "
                        + String.join(", ", all.keySet().stream().map(shown).toList()) + ")");
            }
        }
        return arch.allTensors().keySet().stream().map(shown).collect(java.util.stream.Collectors.toSet());
    }

    private static final String NAMING = "names expected as a module holding the layers in self.layers, e.g. layers.0.weight,"
            + " or as a bare nn.Sequential's state_dict, e.g. 0.weight";

    /**
     * The tensors under this tool's names ({@code layers.0.weight}). Two namings are accepted, decided by the
     * keys present: every key starting with {@code layers.} (a module keeping its {@code nn.Sequential} in
     * {@code self.layers}), or every key starting with a layer index (a bare {@code nn.Sequential}'s
     * {@code state_dict}: {@code 0.weight}), which gets the prefix. A mix is refused, naming a key of each.
     */
    static <V> Map<String, V> withLayersPrefix(Map<String, V> stored, String file) {
        String prefixed = null, bare = null, neither = null;
        for (String name : stored.keySet()) {
            if (name.startsWith("layers.")) prefixed = prefixed == null ? name : prefixed;
            else if (!name.isEmpty() && Character.isDigit(name.charAt(0))) bare = bare == null ? name : bare;
            else neither = neither == null ? name : neither;
        }
        // a stray tensor beside a named set is reported by the check as not used; a file with no named one is refused here
        if (prefixed == null && bare == null && neither != null) {
            throw new InputException(file + ": tensor " + neither + " has neither naming (" + NAMING + ")");
        }
        if (bare == null) return stored;
        if (prefixed != null) {
            throw new InputException(file + ": tensors " + prefixed + " and " + bare + " mix two namings; use one (" + NAMING + ")");
        }
        Map<String, V> out = new LinkedHashMap<>();
        for (Map.Entry<String, V> e : stored.entrySet()) out.put("layers." + e.getKey(), e.getValue());
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
        Path target = dir.toAbsolutePath();
        if (Files.exists(target)) {
            // in place (a run directory holds more than the model): weights first, tied to model.json by the digest,
            // so a crash between the two files leaves a pair that read() refuses rather than mixes
            Safetensors.write(dir.resolve(WEIGHTS), ordered, dtype, metadata(spec));
            beforeSecondFile.run();
            AtomicFiles.writeString(dir.resolve(MODEL_JSON), ModelJson.toText(spec));
            return;
        }
        // a new directory: both files into a hidden folder beside it, then one rename; a reader sees all or nothing
        removeStaleTemporaries(target);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Safetensors.write(tmp.resolve(WEIGHTS), ordered, dtype, metadata(spec));
            beforeSecondFile.run();
            AtomicFiles.writeString(tmp.resolve(MODEL_JSON), ModelJson.toText(spec));
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the model directory " + dir + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    /** The weights' {@code __metadata__}, in a fixed order (Map.of's order changes from run to run: the bytes would). */
    private static Map<String, String> metadata(ModelSpec spec) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put(DIGEST_KEY, digest(spec));
        return m;
    }

    /**
     * Removes the hidden {@code .NAME.tmp-PID-*} folders of earlier writes of {@code target} whose process is gone
     * (killed mid-write); a live writer's stays. Cost: one listing of the parent folder.
     */
    private static void removeStaleTemporaries(Path target) {
        String prefix = "." + target.getFileName() + ".tmp-";
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) return;
        try (var entries = Files.list(parent)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix)) continue;
                String[] parts = n.substring(prefix.length()).split("-");
                try {
                    if (ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) deleteQuietly(p);
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        } catch (java.io.IOException ignored) {
            // best effort: a hidden folder is all that can stay
        }
    }

    /** Runs between the two files of a write: tests put a simulated crash here. */
    static Runnable beforeSecondFile = () -> {};

    private static void deleteQuietly(Path tmp) {
        try (var files = Files.list(tmp)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(tmp);
        } catch (java.io.IOException ignored) {
            // a hidden .NAME.tmp-* folder is all that can be left
        }
    }
}
