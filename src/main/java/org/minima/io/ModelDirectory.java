package org.minima.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model directory (docs/model-directory.md): {@code model.json} and {@code weights.safetensors},
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
    public record Loaded(ModelSpec spec, Map<String, Tensor> tensors) {
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
        ModelSpec spec = readSpec(dir);
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.exists(wf)) throw new InputException(wf + ": no such file; a model directory needs " + WEIGHTS + " beside " + MODEL_JSON);
        Map<String, Tensor> stored = Safetensors.read(wf);
        Architecture arch = Architecture.of(spec, dir.resolve(MODEL_JSON).toString());
        return new Loaded(spec, check(arch, stored, wf.toString()));
    }

    /** Reads and checks only {@code dir}/model.json. */
    public static ModelSpec readSpec(Path dir) {
        Path mj = dir.resolve(MODEL_JSON);
        if (!Files.exists(mj)) throw new InputException(mj + ": no such file; a model directory needs " + MODEL_JSON);
        return ModelJson.parse(Json.read(mj), mj.toString());
    }

    /** Picks the tensors {@code arch} needs out of {@code stored}, in order, checking names and shapes. */
    static Map<String, Tensor> check(Architecture arch, Map<String, Tensor> stored, String file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : arch.allTensors().entrySet()) {
            String name = e.getKey();
            long[] need = e.getValue();
            Tensor t = stored.get(name);
            String layer = describe(arch, name);
            if (t == null) {
                throw new InputException(file + ": tensor " + name + " is missing, but model.json says " + layer + " needs it with shape "
                        + Arrays.toString(need));
            }
            if (!Arrays.equals(t.shape(), need)) {
                throw new InputException(file + ": tensor " + name + " has shape " + Arrays.toString(t.shape()) + ", but model.json says "
                        + layer + " needs " + Arrays.toString(need));
            }
            if (t.dtype().equals("I64")) throw new InputException(file + ": tensor " + name + " has dtype I64, expected F32 or F64");
            out.put(name, t);
        }
        for (String name : stored.keySet()) {
            if (out.containsKey(name)) continue;
            int dot = name.lastIndexOf('.');
            boolean tracked = name.endsWith(".num_batches_tracked") && arch.allTensors().containsKey(name.substring(0, dot) + ".running_mean");
            if (!tracked) {
                throw new InputException(file + ": tensor " + name + " is not used by model.json (expected only "
                        + String.join(", ", arch.allTensors().keySet()) + ")");
            }
        }
        return out;
    }

    private static String describe(Architecture arch, String tensor) {
        int i = Integer.parseInt(tensor.split("\\.")[1]);
        ModelSpec.Layer l = arch.spec().layers().get(i);
        String what;
        if (l instanceof ModelSpec.Linear x) what = "linear " + x.in() + " -> " + x.out();
        else if (l instanceof ModelSpec.Conv2d x) what = "conv2d " + x.in() + " -> " + x.out() + " kernel " + x.kernel();
        else if (l instanceof ModelSpec.BatchNorm x) what = "batchnorm " + x.features();
        else what = l.type();
        return "layers[" + i + "] " + what;
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
