package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    @TempDir Path dir;

    /** linear 3→2, batchnorm 2, relu, linear 2→2. */
    static final String MODEL = """
            {"format": "minima-model", "version": 1, "input": [3], "classes": 2,
             "layers": [{"type": "linear", "in": 3, "out": 2}, {"type": "batchnorm", "features": 2}, {"type": "relu"},
                        {"type": "linear", "in": 2, "out": 2}]}
            """;

    static Map<String, Tensor> tensors(String dtype) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Tensor(dtype, new long[] {2, 3}, new double[] {0.1, 0.2, 0.3, -0.4, -0.5, -0.6}));
        t.put("layers.0.bias", new Tensor(dtype, new long[] {2}, new double[] {1e-7, 2}));
        t.put("layers.1.weight", new Tensor(dtype, new long[] {2}, new double[] {1, 1}));
        t.put("layers.1.bias", new Tensor(dtype, new long[] {2}, new double[] {0, 0}));
        t.put("layers.1.running_mean", new Tensor(dtype, new long[] {2}, new double[] {0.5, -0.5}));
        t.put("layers.1.running_var", new Tensor(dtype, new long[] {2}, new double[] {2, 3}));
        t.put("layers.3.weight", new Tensor(dtype, new long[] {2, 2}, new double[] {Math.PI, 1, 0, -1}));
        t.put("layers.3.bias", new Tensor(dtype, new long[] {2}, new double[] {0, 1.0 / 3}));
        return t;
    }

    private List<String> files(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writtenF64ModelReadsBackBitForBit() throws Exception {
        ModelSpec spec = ModelJson.parse(MODEL, "m");
        Path m = dir.resolve("model");
        ModelDirectory.write(m, spec, tensors("F64"), "F64");
        assertEquals(List.of("model.json", "weights.safetensors"), files(m), "both files, no temporaries");
        ModelDirectory.Loaded l = ModelDirectory.read(m);
        assertEquals(spec.layers(), l.spec().layers());
        // documented order: parameters in flat-vector order (weight, then bias, layer by layer), then running statistics
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.3.weight", "layers.3.bias",
                "layers.1.running_mean", "layers.1.running_var"), List.copyOf(l.tensors().keySet()));
        for (var e : tensors("F64").entrySet()) assertArrayEquals(e.getValue().data(), l.tensors().get(e.getKey()).data(), 0.0, e.getKey());
        assertEquals("F64", l.dtype());
    }

    @Test
    void writtenF32ModelReadsBackRoundedToFloat() throws Exception {
        Path m = dir.resolve("m32");
        ModelDirectory.write(m, ModelJson.parse(MODEL, "m"), tensors("F64"), "F32");
        ModelDirectory.Loaded l = ModelDirectory.read(m);
        assertEquals("F32", l.dtype());
        double[] want = tensors("F64").get("layers.3.weight").data();
        double[] got = l.tensors().get("layers.3.weight").data();
        for (int i = 0; i < want.length; i++) assertEquals((double) (float) want[i], got[i], 0.0);
    }

    /** Writes model.json and a safetensors file holding {@code t} (F32), each as given. */
    private Path handMade(String modelJson, Map<String, Tensor> t) throws Exception {
        Path m = dir.resolve("hand");
        Files.createDirectories(m);
        Files.writeString(m.resolve("model.json"), modelJson);
        StringBuilder h = new StringBuilder("{");
        Bytes data = new Bytes();
        long pos = 0;
        for (var e : t.entrySet()) {
            Tensor x = e.getValue();
            int es = x.dtype().equals("I64") ? 8 : 4;
            long end = pos + (long) es * x.data().length;
            if (h.length() > 1) h.append(',');
            h.append('"').append(e.getKey()).append("\":{\"dtype\":\"").append(x.dtype()).append("\",\"shape\":")
                    .append(java.util.Arrays.toString(x.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(pos).append(',').append(end).append("]}");
            for (double v : x.data()) {
                if (es == 8) data.u64((long) v);
                else data.f32((float) v);
            }
            pos = end;
        }
        Files.write(m.resolve("weights.safetensors"), Bytes.safetensors(h.append('}').toString(), data));
        return m;
    }

    private String error(Path m) {
        InputException e = assertThrows(InputException.class, () -> ModelDirectory.read(m));
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void aHandMadePyTorchStyleFileWithNumBatchesTrackedReads() throws Exception {
        Map<String, Tensor> t = tensors("F32");
        t.put("layers.1.num_batches_tracked", new Tensor("I64", new long[] {}, new double[] {12}));
        ModelDirectory.Loaded l = ModelDirectory.read(handMade(MODEL, t));
        assertFalse(l.tensors().containsKey("layers.1.num_batches_tracked"), "read and ignored");
        assertArrayEquals(new double[] {(float) 0.1, (float) 0.2, (float) 0.3, (float) -0.4, (float) -0.5, (float) -0.6},
                l.tensors().get("layers.0.weight").data(), 0.0);
    }

    @Test
    void aMissingTensorIsNamedWithTheShapeModelJsonNeeds() throws Exception {
        Map<String, Tensor> t = tensors("F32");
        t.remove("layers.1.running_var");
        Path m = handMade(MODEL, t);
        assertEquals(m.resolve("weights.safetensors") + ": tensor layers.1.running_var is missing, but model.json says layers[1] batchnorm 2 needs it with shape [2]"
                + " (names expected as a module holding the layers in self.layers, e.g. layers.0.weight, or as a bare nn.Sequential's state_dict, e.g. 0.weight)",
                error(m));
    }

    /** A bare nn.Sequential's state_dict: keys 0.weight, 1.running_mean, ..., num_batches_tracked included. */
    private static Map<String, Tensor> bare(Map<String, Tensor> prefixed) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        prefixed.forEach((k, v) -> t.put(k.substring("layers.".length()), v));
        return t;
    }

    @Test
    void aBareSequentialStateDictReadsAsTheLayersNaming() throws Exception {
        Map<String, Tensor> t = bare(tensors("F32"));
        t.put("1.num_batches_tracked", new Tensor("I64", new long[] {}, new double[] {3}));
        ModelDirectory.Loaded l = ModelDirectory.read(handMade(MODEL, t));
        for (var e : tensors("F32").entrySet()) assertEquals(e.getValue().shape().length, l.tensors().get(e.getKey()).shape().length, e.getKey());
        assertArrayEquals(new double[] {(float) Math.PI, 1, 0, -1}, l.tensors().get("layers.3.weight").data(), 0.0);
    }

    @Test
    void aBareStateDictIsBlamedInItsOwnNamingAndMixedNamingsAreRefused() throws Exception {
        Map<String, Tensor> t = bare(tensors("F32"));
        t.remove("3.bias");
        Path m = handMade(MODEL, t);
        assertTrue(error(m).startsWith(m.resolve("weights.safetensors") + ": tensor 3.bias is missing"), error(m));
        Map<String, Tensor> mixed = tensors("F32");
        mixed.put("3.bias", mixed.remove("layers.3.bias"));
        assertTrue(error(handMade(MODEL, mixed)).contains("tensors layers.0.weight and 3.bias mix two namings"));
        Map<String, Tensor> other = tensors("F32");
        other.put("net.0.weight", other.remove("layers.0.weight"));
        // a stray name beside a named set: the needed tensor is missing, with both namings in the message
        String stray = error(handMade(MODEL, other));
        assertTrue(stray.contains("tensor layers.0.weight is missing") && stray.contains("names expected as"), stray);
        Map<String, Tensor> foreign = new java.util.LinkedHashMap<>();
        tensors("F32").forEach((k, v) -> foreign.put("net." + k.substring("layers.".length()), v));
        assertTrue(error(handMade(MODEL, foreign)).contains("has neither naming (names expected as"), "no tensor in either naming");
    }

    @Test
    void aWronglyShapedTensorIsNamedWithBothShapes() throws Exception {
        Map<String, Tensor> t = tensors("F32");
        t.put("layers.0.weight", new Tensor("F32", new long[] {3, 2}, new double[6]));
        Path m = handMade(MODEL, t);
        assertEquals(m.resolve("weights.safetensors") + ": tensor layers.0.weight has shape [3, 2], but model.json says layers[0] linear 3 -> 2 needs [2, 3]",
                error(m));
    }

    @Test
    void aTensorModelJsonDoesNotUseIsRejected() throws Exception {
        Map<String, Tensor> t = tensors("F32");
        t.put("layers.2.weight", new Tensor("F32", new long[] {1}, new double[1]));
        assertTrue(error(handMade(MODEL, t)).contains("tensor layers.2.weight is not used by model.json"));
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        assertEquals(dir.resolve("none") + ": no such model directory", error(dir.resolve("none")));
        Path m = handMade(MODEL, tensors("F32"));
        Files.delete(m.resolve("weights.safetensors"));
        assertTrue(error(m).startsWith(m.resolve("weights.safetensors") + ": no such file"));
        Files.delete(m.resolve("model.json"));
        assertTrue(error(m).startsWith(m.resolve("model.json") + ": no such file"));
    }

    @Test
    void writingTensorsThatDoNotFitTheSpecWritesNothing() throws Exception {
        Map<String, Tensor> t = tensors("F64");
        t.remove("layers.3.bias");
        Path m = dir.resolve("bad");
        assertThrows(IllegalArgumentException.class, () -> ModelDirectory.write(m, ModelJson.parse(MODEL, "m"), t, "F64"));
        assertFalse(Files.exists(m));
    }

    @Test
    void aFailedAtomicWriteLeavesNeitherTargetNorTemporary() throws Exception {
        Path target = dir.resolve("out.bin");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100]);
            throw new IOException("disk full");
        }));
        assertEquals(List.of(), files(dir));
        AtomicFiles.writeString(target, "old");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("out.bin"), files(dir));
    }
}
