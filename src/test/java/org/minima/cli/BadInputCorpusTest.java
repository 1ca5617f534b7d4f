package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelJson;
import org.minima.io.ModelSpec;
import org.minima.io.Safetensors;
import org.minima.io.Tensor;

/**
 * The committed bad-input corpus (issue 19): each case builds a hostile input in a fresh folder, runs the tool
 * in-process, and checks the contract of docs/cli.md, "Exit codes and errors": the exit code, exactly one line
 * {@code minima: error: ...} naming the file, key, flag or value at fault, no stack trace and no Java class name
 * in it, nothing on stdout, and no file or folder left behind. The answers are the inputs' own defects, which
 * each case states; several are the measured failures of the issue (marked "issue").
 */
class BadInputCorpusTest {
    /** A hostile input: {@code setup} writes files into the folder and returns the arguments. */
    record Case(String name, int exit, Setup setup, String... named) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Setup {
        String[] args(Path d) throws Exception;
    }

    static final String SMALL = "{\"format\": \"minima-model\", \"version\": 1, \"input\": [5], \"classes\": 3, \"layers\": ["
            + "{\"type\": \"linear\", \"in\": 5, \"out\": 4}, {\"type\": \"batchnorm\", \"features\": 4}, {\"type\": \"relu\"}, "
            + "{\"type\": \"linear\", \"in\": 4, \"out\": 3}]}";

    /** The good model m (5 → 4 → BN → ReLU → 3, 47 parameters: 24 + 8 + 15) with seeded small weights. */
    static Map<String, Tensor> smallTensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", tensor(4, 5));
        t.put("layers.0.bias", tensor(4));
        t.put("layers.1.weight", tensor(4));
        t.put("layers.1.bias", tensor(4));
        t.put("layers.1.running_mean", new Tensor("F32", new long[] {4}, new double[4]));
        t.put("layers.1.running_var", new Tensor("F32", new long[] {4}, new double[] {1, 1, 1, 1}));
        t.put("layers.3.weight", tensor(3, 4));
        t.put("layers.3.bias", tensor(3));
        return t;
    }

    static Tensor tensor(long... shape) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 0.1 * Math.sin(i + 1);
        return new Tensor("F32", shape, v);
    }

    static Path model(Path d, String name) {
        Path m = d.resolve(name);
        ModelDirectory.write(m, ModelJson.parse(SMALL, "m"), smallTensors(), "F32");
        return m;
    }

    /** A model whose tensor {@code name} holds {@code value} at flat index {@code at}. */
    static Path modelWith(Path d, String name, int at, double value) {
        Path m = d.resolve("m");
        Map<String, Tensor> t = smallTensors();
        double[] v = t.get(name).data().clone();
        v[at] = value;
        t.put(name, new Tensor("F32", t.get(name).shape(), v));
        ModelDirectory.write(m, ModelJson.parse(SMALL, "m"), t, "F32");
        return m;
    }

    /** 12 examples of 5 features, labels 0..2; {@code line} (1-based) replaced by {@code replacement} when > 0. */
    static Path csv(Path d, int line, String replacement) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            if (i == line) b.append(replacement).append('\n');
            else b.append(i * 0.1).append(",0.5,-0.25,1,2,").append(i % 3).append('\n');
        }
        Path f = d.resolve("d.csv");
        Files.writeString(f, b.toString());
        return f;
    }

    static Path good(Path d) throws IOException {
        return csv(d, 0, null);
    }

    /** A safetensors file from a raw header and data bytes. */
    static void rawSafetensors(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
    }

    /** The good model m, then its weights replaced by {@code header} with {@code dataBytes} zero bytes. */
    static Path modelWithWeights(Path d, String header, int dataBytes) throws IOException {
        Path m = model(d, "m");
        rawSafetensors(m.resolve("weights.safetensors"), header, dataBytes);
        return m;
    }

    static Path modelJson(Path d, String json) throws IOException {
        Path m = d.resolve("m");
        Files.createDirectories(m);
        Files.writeString(m.resolve("model.json"), json);
        return m;
    }

    static byte[] idxImages(int magic, int n, int rows, int cols, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + bytes);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        return b.array();
    }

    static byte[] idxLabels(int n, byte... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x801).putInt(n).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(out)) {
            g.write(raw);
        }
        return out.toByteArray();
    }

    static String[] mnist(Path d, byte[] images, byte[] labels, boolean gz) throws IOException {
        Path m = d.resolve("mn");
        Files.createDirectories(m);
        Files.write(m.resolve("train-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(images) : images);
        Files.write(m.resolve("train-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(labels) : labels);
        return new String[] {"info", "--data", "mnist:" + m};
    }

    static String[] cifar(Path d, byte[] batch) throws IOException {
        Path c = d.resolve("cf");
        Files.createDirectories(c);
        Files.write(c.resolve("test_batch.bin"), batch);
        return new String[] {"info", "--data", "cifar10:" + c + ":test"};
    }

    static String[] train(Path d, String yaml, String... more) throws IOException {
        good(d);
        Path c = d.resolve("c.yaml");
        Files.writeString(c, yaml.replace("train: d.csv", "train: " + d.resolve("d.csv")));
        List<String> a = new ArrayList<>(List.of("train", c.toString(), "--out", d.resolve("out").toString(), "--quiet"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static final String MODEL_BODY = "{input: [5], classes: 3, layers: [{type: linear, in: 5, out: 3}]}";
    static final String CONFIG = "model: " + MODEL_BODY + "\ndata: {train: d.csv}\noptimizer: {name: sgd, lr: 0.1}\nbatch: {size: 4}\nepochs: 1\n";

    static String[] sharp(Path d, Path m, String data, String... more) {
        List<String> a = new ArrayList<>(List.of("sharpness", "--model", m.toString(), "--data", data, "--quiet", "--max-iter", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static Stream<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // ---------------------------------------------------------------- model directories
        c.add(new Case("model directory missing", 2, d -> new String[] {"info", "--model", d.resolve("none").toString()}, "none: no such model directory"));
        c.add(new Case("model directory is a file", 2, d -> {
            Files.writeString(d.resolve("f"), "x");
            return new String[] {"info", "--model", d.resolve("f").toString()};
        }, "not a directory"));
        c.add(new Case("model.json missing", 2, d -> {
            Path m = model(d, "m");
            Files.delete(m.resolve("model.json"));
            return new String[] {"info", "--model", m.toString()};
        }, "model.json: no such file"));
        c.add(new Case("weights missing", 2, d -> {
            Path m = model(d, "m");
            Files.delete(m.resolve("weights.safetensors"));
            return new String[] {"info", "--model", m.toString()};
        }, "weights.safetensors: no such file"));
        c.add(new Case("NaN weight (issue: was an IllegalArgumentException naming neither file nor tensor)", 2,
                d -> sharp(d, modelWith(d, "layers.0.weight", 7, Double.NaN), good(d).toString()),
                "weights.safetensors: tensor layers.0.weight holds NaN at index [1, 2] (flat 7)"));
        c.add(new Case("Inf weight (issue: was an IllegalStateException)", 2,
                d -> sharp(d, modelWith(d, "layers.3.bias", 2, Double.POSITIVE_INFINITY), good(d).toString()),
                "tensor layers.3.bias holds Infinity at index [2]"));
        c.add(new Case("NaN running variance", 2, d -> new String[] {"info", "--model", modelWith(d, "layers.1.running_var", 0, Double.NaN).toString()},
                "tensor layers.1.running_var holds NaN at index [0]"));
        c.add(new Case("-Inf running mean", 2, d -> new String[] {"info", "--model", modelWith(d, "layers.1.running_mean", 3, Double.NEGATIVE_INFINITY).toString()},
                "tensor layers.1.running_mean holds -Infinity at index [3]"));
        c.add(new Case("tensor missing", 2, d -> {
            Path m = model(d, "m");
            Map<String, Tensor> t = smallTensors();
            t.remove("layers.3.bias");
            Safetensors.write(m.resolve("weights.safetensors"), t, "F32");
            return new String[] {"info", "--model", m.toString()};
        }, "tensor layers.3.bias is missing"));
        c.add(new Case("tensor of the wrong shape", 2, d -> {
            Path m = model(d, "m");
            Map<String, Tensor> t = smallTensors();
            t.put("layers.0.weight", tensor(5, 4));
            Safetensors.write(m.resolve("weights.safetensors"), t, "F32");
            return new String[] {"info", "--model", m.toString()};
        }, "tensor layers.0.weight has shape [5, 4]", "needs [4, 5]"));
        c.add(new Case("tensor model.json does not name (refused from the header, unread)", 2, d -> {
            Path m = model(d, "m");
            Map<String, Tensor> t = smallTensors();
            t.put("extra.weight", tensor(3));
            Safetensors.write(m.resolve("weights.safetensors"), t, "F32");
            return new String[] {"info", "--model", m.toString()};
        }, "tensor extra.weight is not used by model.json"));
        c.add(new Case("weights from another model.json (a write interrupted between the two files)", 2, d -> {
            Path m = model(d, "m");
            Files.writeString(m.resolve("model.json"), SMALL.replace("\"classes\": 3", "\"classes\": 3, \"preprocess\": {\"scale\": 0.5}"));
            return new String[] {"info", "--model", m.toString()};
        }, "weights.safetensors was written for another model.json"));
        c.add(new Case("safetensors shorter than its length field", 2, d -> {
            Path m = model(d, "m");
            Files.write(m.resolve("weights.safetensors"), new byte[3]);
            return new String[] {"info", "--model", m.toString()};
        }, "3 bytes, too short for a safetensors file"));
        c.add(new Case("safetensors header length past the end", 2, d -> {
            Path m = model(d, "m");
            Files.write(m.resolve("weights.safetensors"), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
            return new String[] {"info", "--model", m.toString()};
        }, "header length is 1099511627776 bytes"));
        c.add(new Case("safetensors header not JSON", 2, d -> new String[] {"info", "--model", modelWithWeights(d, "{not json", 0).toString()},
                "weights.safetensors (header): not valid JSON"));
        c.add(new Case("safetensors dtype BF16", 2, d -> new String[] {"info", "--model",
                modelWithWeights(d, "{\"layers.0.weight\": {\"dtype\": \"BF16\", \"shape\": [4, 5], \"data_offsets\": [0, 40]}}", 40).toString()},
                "tensor layers.0.weight has dtype BF16"));
        c.add(new Case("safetensors offsets past the data", 2, d -> new String[] {"info", "--model",
                modelWithWeights(d, "{\"layers.0.weight\": {\"dtype\": \"F32\", \"shape\": [4, 5], \"data_offsets\": [0, 80]}}", 8).toString()},
                "tensor layers.0.weight has data_offsets [0, 80]"));
        c.add(new Case("safetensors tensor over 2^31 elements (issue: wrapped to a negative capacity)", 2, d -> new String[] {"info", "--model",
                modelWithWeights(d, "{\"layers.0.weight\": {\"dtype\": \"F32\", \"shape\": [65536, 65536], \"data_offsets\": [0, 17179869184]}}", 0).toString()},
                "tensor layers.0.weight has shape [65536,65536], 4294967296 elements; this tool holds at most 2147483639"));
        c.add(new Case("safetensors tensors overlap", 2, d -> new String[] {"info", "--model",
                modelWithWeights(d, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, "
                        + "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12).toString()}, "overlaps tensor"));
        c.add(new Case("safetensors hole in the data", 2, d -> new String[] {"info", "--model",
                modelWithWeights(d, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12).toString()}, "belong to no tensor"));

        // ---------------------------------------------------------------- model.json
        c.add(new Case("model.json not JSON", 2, d -> new String[] {"info", "--model", modelJson(d, "{\"format\": ").toString()}, "model.json: not valid JSON at line 1"));
        c.add(new Case("model.json without version", 2, d -> new String[] {"info", "--model", modelJson(d, "{\"format\": \"minima-model\"}").toString()},
                "model.json: key \"version\" is missing"));
        c.add(new Case("model.json of another format", 2, d -> new String[] {"info", "--model",
                modelJson(d, SMALL.replace("minima-model", "keras")).toString()}, "model.json", "keras"));
        c.add(new Case("model.json unknown key", 2, d -> new String[] {"info", "--model",
                modelJson(d, SMALL.replace("\"classes\": 3", "\"classes\": 3, \"bogus\": 1")).toString()}, "model.json", "bogus"));
        c.add(new Case("model.json unknown layer type", 2, d -> new String[] {"info", "--model",
                modelJson(d, SMALL.replace("\"type\": \"relu\"", "\"type\": \"gelu\"")).toString()}, "model.json", "gelu"));
        c.add(new Case("model.json shapes do not chain", 2, d -> new String[] {"info", "--model",
                modelJson(d, SMALL.replace("\"in\": 4, \"out\": 3", "\"in\": 7, \"out\": 3")).toString()}, "model.json: layers[3] (linear)"));
        c.add(new Case("model.json size overflow (issue: wrapped to 131072 features)", 2, d -> new String[] {"info", "--model",
                modelJson(d, "{\"format\": \"minima-model\", \"version\": 1, \"input\": [2, 65536, 32769], \"classes\": 2, \"layers\": ["
                        + "{\"type\": \"flatten\"}, {\"type\": \"linear\", \"in\": 131072, \"out\": 2}]}").toString()},
                "model.json: layers[0] (flatten) gets [2, 65536, 32769], 4295098368 values per example"));
        c.add(new Case("model.json one class", 2, d -> new String[] {"info", "--model",
                modelJson(d, SMALL.replace("\"classes\": 3", "\"classes\": 1")).toString()}, "model.json: classes is 1"));
        c.add(new Case("model.json negative size", 2, d -> new String[] {"info", "--model",
                modelJson(d, SMALL.replace("\"out\": 4}", "\"out\": -4}")).toString()}, "model.json", "-4"));
        c.add(new Case("model.json 1 -> 100,000-channel conv (issue: SIGSEGV in allocateDataBuffer)", 2, d -> {
            Path m = d.resolve("m");
            ModelSpec spec = ModelJson.parse("{\"format\": \"minima-model\", \"version\": 1, \"input\": [1, 32, 32], \"classes\": 3, \"layers\": ["
                    + "{\"type\": \"conv2d\", \"in\": 1, \"out\": 100000, \"kernel\": 1}, {\"type\": \"maxpool2d\", \"kernel\": 32, \"stride\": 32},"
                    + "{\"type\": \"flatten\"}, {\"type\": \"linear\", \"in\": 100000, \"out\": 3}]}", "m");
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("layers.0.weight", new Tensor("F32", new long[] {100000, 1, 1, 1}, new double[100000]));
            t.put("layers.0.bias", new Tensor("F32", new long[] {100000}, new double[100000]));
            t.put("layers.3.weight", new Tensor("F32", new long[] {3, 100000}, new double[300000]));
            t.put("layers.3.bias", new Tensor("F32", new long[] {3}, new double[3]));
            ModelDirectory.write(m, spec, t, "F32");
            StringBuilder b = new StringBuilder();
            for (int r = 0; r < 40; r++) b.append("1,".repeat(1024)).append(r % 3).append('\n');
            Files.writeString(d.resolve("img.csv"), b.toString());
            return sharp(d, m, d.resolve("img.csv").toString());
        }, "a chunk of 40 examples (--chunk", "needs about", "GB of off-heap memory", "use a smaller --chunk"));

        // ---------------------------------------------------------------- data
        c.add(new Case("CSV missing", 2, d -> new String[] {"info", "--data", d.resolve("none.csv").toString()}, "none.csv: no such file"));
        c.add(new Case("CSV not a number", 2, d -> new String[] {"info", "--data", csv(d, 4, "1,2,x,4,5,0").toString()}, "d.csv: line 4, column 3: 'x' is not a number"));
        c.add(new Case("CSV NaN value", 2, d -> new String[] {"info", "--data", csv(d, 6, "1,NaN,3,4,5,0").toString()}, "d.csv: line 6, column 2", "not a finite number"));
        c.add(new Case("CSV Infinity value", 2, d -> new String[] {"info", "--data", csv(d, 2, "1,2,3,Infinity,5,0").toString()}, "d.csv: line 2, column 4"));
        c.add(new Case("CSV negative label", 2, d -> new String[] {"info", "--data", csv(d, 3, "1,2,3,4,5,-1").toString()}, "d.csv: line 3, column 6: label '-1'"));
        c.add(new Case("CSV label beyond the model's classes (issue: no line number)", 2,
                d -> sharp(d, model(d, "m"), csv(d, 9, "1,2,3,4,5,7").toString()), "d.csv: line 9: label 7", "m/model.json has 3 classes"));
        c.add(new Case("CSV ragged line", 2, d -> new String[] {"info", "--data", csv(d, 5, "1,2,0").toString()}, "d.csv: line 5 has 3 fields"));
        c.add(new Case("CSV empty", 2, d -> {
            Files.writeString(d.resolve("e.csv"), "");
            return new String[] {"info", "--data", d.resolve("e.csv").toString()};
        }, "e.csv: no examples"));
        c.add(new Case("CSV features do not fit the model", 2, d -> {
            Files.writeString(d.resolve("w.csv"), "1,2,3,0\n4,5,6,1\n");
            return sharp(d, model(d, "m"), d.resolve("w.csv").toString());
        }, "w.csv: examples have 3 features"));
        c.add(new Case("IDX header claims 131071×128×128 in 24 bytes (issue: OutOfMemoryError trace)", 2,
                d -> mnist(d, idxImages(0x803, 131071, 128, 128, 8), idxLabels(131071, new byte[16]), false),
                "train-images-idx3-ubyte: truncated: the header says 131071 images of 128×128 (2147467264 bytes), but the data ends after 8 bytes"));
        c.add(new Case("IDX header claims 32768×128×128 (issue: 2.1 GB before 'truncated')", 2,
                d -> mnist(d, idxImages(0x803, 32768, 128, 128, 8), idxLabels(32768, new byte[16]), false),
                "the header says 32768 images of 128×128 (536870912 bytes), but the data ends after 8 bytes"));
        c.add(new Case("gzipped IDX header claims more than the stream can hold", 2,
                d -> mnist(d, idxImages(0x803, 32768, 128, 128, 64), idxLabels(32768, new byte[16]), true),
                "train-images-idx3-ubyte.gz: the header says 32768 images of 128×128", "more than a gzip file of"));
        c.add(new Case("IDX image file with a label magic", 2, d -> mnist(d, idxImages(0x801, 1, 2, 2, 4), idxLabels(1, (byte) 0), false),
                "magic number 0x00000801, expected 0x00000803"));
        c.add(new Case("IDX label count differs", 2, d -> mnist(d, idxImages(0x803, 2, 2, 2, 8), idxLabels(1, (byte) 0), false),
                "train-labels-idx1-ubyte: 1 labels, but"));
        c.add(new Case("IDX label out of range names its example", 2, d -> mnist(d, idxImages(0x803, 2, 2, 2, 8), idxLabels(2, (byte) 0, (byte) 11), false),
                "label 11 at example 1"));
        c.add(new Case("CIFAR truncated record", 2, d -> cifar(d, new byte[3073 + 100]), "test_batch.bin: truncated: record 1 has 100 bytes"));
        c.add(new Case("CIFAR label out of range", 2, d -> {
            byte[] b = new byte[3073];
            b[0] = 12;
            return cifar(d, b);
        }, "test_batch.bin: record 0 has label 12, expected 0..9"));
        c.add(new Case("CIFAR folder missing", 2, d -> new String[] {"info", "--data", "cifar10:" + d.resolve("none")}, "is not a directory"));
        c.add(new Case("unknown data SPEC", 2, d -> new String[] {"info", "--data", "imagenet:/x"}, "unknown data SPEC 'imagenet:/x'"));
        c.add(new Case("more examples than the set has", 2, d -> new String[] {"info", "--data", good(d).toString(), "--examples", "1000"},
                "--examples 1000, but the file has only 12 examples"));

        // ---------------------------------------------------------------- training configs
        c.add(new Case("config YAML malformed (issue: no line, no column)", 2, d -> train(d, "model: f1\noptimizer: {name: sgd, lr: [0.1, 0.2\nepochs: 1\n"),
                "c.yaml: not valid YAML at line 3, column 7: expected ',' or ']'", "while parsing a flow sequence that starts at line 2, column 28"));
        c.add(new Case("config YAML tab indentation", 2, d -> train(d, "model: f1\noptimizer:\n\tname: sgd\n"), "c.yaml: not valid YAML at line 3, column 1"));
        c.add(new Case("config unknown key", 2, d -> train(d, CONFIG + "bogus: 1\n"), "c.yaml", "bogus"));
        c.add(new Case("config not a mapping", 2, d -> train(d, "- 1\n- 2\n"), "c.yaml: expected a mapping of config keys"));
        c.add(new Case("config negative learning rate", 2, d -> train(d, CONFIG.replace("lr: 0.1", "lr: -0.1")), "lr", "-0.1"));
        c.add(new Case("config unknown optimizer", 2, d -> train(d, CONFIG.replace("name: sgd", "name: lion")), "lion"));
        c.add(new Case("config missing", 2, d -> new String[] {"train", d.resolve("none.yaml").toString(), "--out", d.resolve("out").toString()},
                "none.yaml: no such file"));
        c.add(new Case("config model overflows", 2, d -> train(d, CONFIG.replace(MODEL_BODY,
                "{input: [2, 65536, 32769], classes: 2, layers: [{type: flatten}, {type: linear, in: 131072, out: 2}]}")), "4295098368 values per example"));
        c.add(new Case("training label beyond the model's classes names its line", 2, d -> {
            String[] a = train(d, CONFIG);
            csv(d, 8, "1,2,3,4,5,5");
            return a;
        }, "d.csv: line 8: label 5", "has 3 classes"));
        c.add(new Case("--set of an unknown key", 2, d -> train(d, CONFIG, "--set", "optimizer.bogus=1"), "bogus"));
        c.add(new Case("--out holds a run already", 2, d -> {
            String[] a = train(d, CONFIG);
            Files.createDirectories(d.resolve("out"));
            Files.writeString(d.resolve("out/run.json"), "{}");
            return a;
        }, "out: already holds a run"));
        c.add(new Case("--out held by a live process (one writer per output)", 2, d -> {
            String[] a = train(d, CONFIG);
            Files.createDirectories(d.resolve("out"));
            Files.writeString(d.resolve("out/.minima.lock"), "{\"host\": \"elsewhere.invalid\", \"pid\": 4242, \"start\": \"2026-12-01T00:00:00Z\"}");
            return a;
        }, "--out " , "is in use by process 4242 on host elsewhere.invalid (started 2026-12-01T00:00:00Z)"));
        c.add(new Case("--resume of a folder without run.json", 2, d -> new String[] {"train", "--resume", d.toString()}, "no run.json"));

        // ---------------------------------------------------------------- experiment files
        c.add(new Case("experiment YAML malformed", 2, d -> {
            Files.writeString(d.resolve("e.yaml"), "name: x\nruns: [a, b\n");
            return new String[] {"reproduce", d.resolve("e.yaml").toString(), "--out", d.resolve("out").toString()};
        }, "e.yaml: not valid YAML at line 3"));
        c.add(new Case("experiment unknown key", 2, d -> {
            Files.writeString(d.resolve("e.yaml"), "bogus: 1\n");
            return new String[] {"reproduce", d.resolve("e.yaml").toString(), "--out", d.resolve("out").toString()};
        }, "e.yaml", "bogus"));

        // ---------------------------------------------------------------- flags
        c.add(new Case("hessian --top 1000 on a 47-parameter model (issue: reported as a memory shortage)", 2, d -> new String[] {"hessian",
                "--model", model(d, "m").toString(), "--data", good(d).toString(), "--top", "1000", "--quiet"},
                "more eigenvalues than parameters: the model has 47"));
        c.add(new Case("--threads 0", 2, d -> new String[] {"info", "--threads", "0"}, "--threads 0, expected a number >= 1"));
        c.add(new Case("sharpness --eps -1", 2, d -> sharp(d, model(d, "m"), good(d).toString(), "--eps", "-1"), "--eps"));
        c.add(new Case("--json under a file", 2, d -> {
            Files.writeString(d.resolve("f"), "x");
            return sharp(d, model(d, "m"), good(d).toString(), "--json", d.resolve("f/x.json").toString());
        }, "--json", "is a file, not a folder"));
        c.add(new Case("--json out/x with a missing model creates no out/ (issue)", 2,
                d -> sharp(d, d.resolve("none"), good(d).toString(), "--json", d.resolve("out/x.json").toString()), "none: no such model directory"));
        c.add(new Case("landscape --grid malformed", 2, d -> new String[] {"landscape", "--model", model(d, "m").toString(), "--data", good(d).toString(),
                "--grid", "1:2", "--out", d.resolve("out").toString()}, "--grid"));
        c.add(new Case("landscape --dims 3", 2, d -> new String[] {"landscape", "--model", model(d, "m").toString(), "--data", good(d).toString(),
                "--dims", "3", "--out", d.resolve("out").toString()}, "--dims 3: expected 1 or 2"));
        c.add(new Case("landscape with NaN weights leaves no --out", 2, d -> new String[] {"landscape", "--model",
                modelWith(d, "layers.0.bias", 1, Double.NaN).toString(), "--data", good(d).toString(), "--out", d.resolve("out/deep").toString(), "--quiet"},
                "tensor layers.0.bias holds NaN at index [1]"));
        c.add(new Case("interpolate between different architectures", 2, d -> {
            Path a = model(d, "a");
            Path b = d.resolve("b");
            ModelDirectory.write(b, ModelJson.parse(SMALL.replace("\"type\": \"relu\"", "\"type\": \"dropout\", \"p\": 0.5"), "b"), smallTensors(), "F32");
            return new String[] {"interpolate", "--from", a.toString(), "--to", b.toString(), "--train", good(d).toString(), "--test",
                    good(d).toString(), "--out", d.resolve("out").toString(), "--quiet"};
        }, "b/model.json: the architecture differs from"));
        c.add(new Case("interpolate --alpha malformed", 2, d -> new String[] {"interpolate", "--from", model(d, "a").toString(), "--to",
                model(d, "b").toString(), "--train", good(d).toString(), "--test", good(d).toString(), "--alpha", "x", "--out", d.resolve("out").toString()},
                "--alpha"));
        c.add(new Case("unknown command", 2, d -> new String[] {"trian"}, "unknown command 'trian'"));
        return c.stream();
    }

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badInputExitsWithOneLineNamingTheCulpritAndLeavesNothing(Case k) throws Exception {
        String[] args = k.setup().args(dir);
        List<String> before = tree(dir);
        MainTest.Run r = MainTest.run(args);
        String line = r.err().strip();
        assertEquals(k.exit(), r.exit(), String.join(" ", args) + "\n" + r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        assertTrue(line.startsWith("minima: error: "), line);
        for (String n : k.named()) assertTrue(line.contains(n), "names '" + n + "': " + line);
        assertFalse(line.matches(".*\\b[A-Z][A-Za-z]*(Exception|Error)\\b.*"), "no Java class name: " + line);
        assertFalse(line.contains("\tat ") || line.contains("at org.minima"), "no stack trace: " + line);
        assertEquals("", r.out());
        assertEquals(before, tree(dir), "nothing left behind");
    }

    @org.junit.jupiter.api.Test
    void theCorpusHoldsAtLeastSixtyCases() {
        assertTrue(corpus().count() >= 60, "corpus size " + corpus().count());
    }

    /** Every file and folder under {@code d}, relative, sorted. */
    static List<String> tree(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.map(p -> d.relativize(p).toString()).sorted().toList();
        }
    }
}
