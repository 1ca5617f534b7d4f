package org.minima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.minima.analysis.FilterNormalization;
import org.minima.analysis.Grid;
import org.minima.analysis.Landscape;
import org.minima.analysis.ParameterLayout;
import org.minima.analysis.Score;
import org.minima.data.DataSet;
import org.minima.data.DataSets;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.io.ModelDirectory;
import org.minima.io.Safetensors;
import org.minima.io.Tensor;
import org.minima.nn.Network;
import org.minima.nn.Threads;
import org.minima.plot.Figure;
import org.minima.plot.LandscapePlot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code landscape}: the loss around a model along 1 or 2 filter-normalized random directions (Li et al. 2018) or
 * along given ones. Resumable: {@code DIR/landscape.csv} is the state; a rerun with the same options computes only
 * the missing cells.
 */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = "Loss and accuracy along 1 or 2 filter-normalized random directions (Li et al. 2018), or along given ones; "
                + "writes landscape.csv, landscape.png, landscape.svg and the directions as safetensors. Rerun to resume.")
public final class LandscapeCommand implements Callable<Integer> {
    static final String CSV = "landscape.csv";
    static final String META = "landscape.json";

    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SharedOptions.Model model;

    @Mixin SharedOptions.Data data;

    @Option(names = "--dims", paramLabel = "1|2", defaultValue = "1", description = "1: a line; 2: a plane with contours (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--grid", paramLabel = "START:STOP:COUNT", defaultValue = "-1:1:21",
            description = "Steps along each direction, both ends included (default: ${DEFAULT-VALUE}).")
    String grid;

    @Option(names = "--directions", paramLabel = "DIR",
            description = "Use these directions instead of random ones: DIR/direction1.safetensors (and direction2), "
                    + "else DIR/eigenvector-1.safetensors (and eigenvector-2) from hessian --vectors, else the first .safetensors files of DIR "
                    + "in name order. Used as given, not normalized.")
    Path directions;

    @Mixin SharedOptions.Seed seed = new SharedOptions.Seed(1L);

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the CSV, the plots and the directions.")
    Path out;

    @Mixin SharedOptions.Examples examples;

    @Option(names = "--log-loss", description = "Log scale for the loss axis of the 1-D plot.")
    boolean logLoss;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "1000", hidden = true, description = "Examples per forward pass.")
    int chunk;

    @Override
    public Integer call() throws IOException {
        Threads.configure(common.threads);
        if (dims != 1 && dims != 2) throw new InputException("--dims " + dims + ": expected 1 or 2");
        if (chunk < 1) throw new InputException("--chunk " + chunk + ": expected a number > 0");
        Grid g = Grid.parse(grid, "--grid");
        if (dims == 2 && g.count() < 2) throw new InputException("--grid " + grid + ": a 2-D landscape needs COUNT >= 2");
        AtomicFiles.requireWritableFolder(out, "--out"); // before loading the model and data, not after

        ModelDirectory.Loaded m = ModelDirectory.read(model.dir);
        Network net = Network.load(m.spec(), m.tensors(), DataType.DOUBLE);
        ParameterLayout layout = ParameterLayout.of(m.spec());
        if (layout.parameterCount() != net.parameterCount()) {
            throw new IllegalStateException("layout has " + layout.parameterCount() + " parameters, network " + net.parameterCount());
        }
        DataSet set = DataSets.load(data.spec, examples.n);

        ObjectNode meta = meta(g);
        Path csvFile = out.resolve(CSV);
        Score[] done = resumeState(meta, g, csvFile);
        double[] center = net.parameters().toDoubleVector();
        double[][] dirs = done == null ? makeDirections(center, layout) : readDirections(out, layout, "resuming " + out);
        if (done == null) {
            for (int k = 0; k < dims; k++) {
                Safetensors.write(out.resolve("direction" + (k + 1) + ".safetensors"), layout.toTensors(dirs[k], "F64"), "F64");
            }
            AtomicFiles.writeString(out.resolve(META), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n");
        }

        INDArray c = net.parameters().dup();
        INDArray d1 = Nd4j.createFromArray(dirs[0]).castTo(net.dataType());
        INDArray d2 = dims == 2 ? Nd4j.createFromArray(dirs[1]).castTo(net.dataType()) : null;
        Landscape l = new Landscape(c, d1, d2, g);
        Supplier<Score> eval = () -> InterpolateCommand.score(net.evaluate(set, chunk));
        long[] lastWrite = {System.nanoTime()};
        Score[] table;
        try (GridProgress progress = new GridProgress("landscape", l.cells(), common.quiet)) {
            // The CSV is the resume state: rewritten atomically at most every 2 s (a CSV of a few hundred rows
            // costs far less than one evaluation over the data) and at the end.
            table = l.run(net.parameters(), eval, done, 1, t -> {
                long now = System.nanoTime();
                if (now - lastWrite[0] > 2_000_000_000L) {
                    AtomicFiles.writeString(csvFile, Landscape.csv(g, dims, t));
                    lastWrite[0] = now;
                }
            }, progress);
        }
        AtomicFiles.writeString(csvFile, Landscape.csv(g, dims, table));

        String title = (directions == null ? "filter-normalized random direction" + (dims == 2 ? "s" : "") + ", seed " + seed.value
                : "directions from " + directions.getFileName()) + " — " + name(model.dir);
        Figure fig = LandscapePlot.of(g, dims, table, title, logLoss);
        byte[] png = fig.png(2);
        byte[] svg = fig.svg();
        AtomicFiles.write(out.resolve("landscape.png"), o -> o.write(png));
        AtomicFiles.write(out.resolve("landscape.svg"), o -> o.write(svg));

        PrintWriter w = spec.commandLine().getOut();
        w.println(csvFile);
        w.println(out.resolve("landscape.png"));
        w.println(out.resolve("landscape.svg"));
        for (int k = 0; k < dims; k++) w.println(out.resolve("direction" + (k + 1) + ".safetensors"));
        w.flush();
        return Main.EXIT_OK;
    }

    /** What makes two runs the same landscape; a resume must match it. */
    private ObjectNode meta(Grid g) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("model", model.dir.toAbsolutePath().normalize().toString());
        n.put("data", data.spec);
        if (examples.n == null) n.putNull("examples"); else n.put("examples", examples.n);
        n.put("dims", dims);
        n.put("grid", g.toString());
        if (directions == null) {
            n.putNull("directions");
            n.put("seed", seed.value);
        } else {
            n.put("directions", directions.toAbsolutePath().normalize().toString());
            n.putNull("seed");
        }
        return n;
    }

    /** The cells of an earlier run with the same options (null for a fresh run); an earlier run with others is an error. */
    private Score[] resumeState(ObjectNode meta, Grid g, Path csvFile) throws IOException {
        Path metaFile = out.resolve(META);
        if (!Files.exists(metaFile)) {
            if (Files.exists(csvFile)) {
                throw new InputException(csvFile + " exists but " + metaFile + " does not; choose another --out or remove the CSV");
            }
            return null;
        }
        JsonNode old = new ObjectMapper().readTree(metaFile.toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // compared as JSON text: a long written is read back as an int node
            JsonNode was = old.get(e.getKey());
            if (was == null || !e.getValue().toString().equals(was.toString())) {
                throw new InputException(metaFile + ": an earlier landscape in this folder has " + e.getKey() + " = " + was
                        + ", this run " + e.getValue() + "; rerun with the same options to resume, or choose another --out");
            }
        }
        if (!Files.exists(csvFile)) return new Score[dims == 1 ? g.count() : g.count() * g.count()];
        return Landscape.readCsv(Files.readString(csvFile, StandardCharsets.UTF_8), g, dims, csvFile.toString());
    }

    private double[][] makeDirections(double[] center, ParameterLayout layout) throws IOException {
        if (directions == null) return FilterNormalization.randomDirections(center, layout, dims, seed.value);
        return readDirections(directions, layout, "--directions " + directions);
    }

    /**
     * DIR/direction1.safetensors (and direction2) when present; else DIR/eigenvector-1.safetensors (and -2), the
     * eigenvectors of the largest Hessian eigenvalues as {@code hessian --vectors} writes them; otherwise the first
     * {@code dims} .safetensors files of DIR in natural name order (numbers compared as numbers: vector_2 before vector_10).
     */
    static double[][] readDirections(Path dir, ParameterLayout layout, String where, int dims) throws IOException {
        if (!Files.isDirectory(dir)) throw new InputException(where + ": not a directory");
        List<Path> files = new ArrayList<>();
        if (Files.exists(dir.resolve("direction1.safetensors"))) {
            for (int k = 1; k <= dims; k++) files.add(dir.resolve("direction" + k + ".safetensors"));
        } else if (Files.exists(dir.resolve("eigenvector-1.safetensors"))) {
            // hessian --vectors: eigenvector-1 belongs to the largest eigenvalue (eigenvector-bottom-k to the smallest)
            for (int k = 1; k <= dims; k++) files.add(dir.resolve("eigenvector-" + k + ".safetensors"));
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted(NATURAL).limit(dims).forEach(files::add);
            }
        }
        if (files.size() < dims || !files.stream().allMatch(Files::exists)) {
            throw new InputException(where + ": needs " + dims + " direction file(s) (direction1.safetensors"
                    + (dims == 2 ? ", direction2.safetensors" : "") + "; or eigenvector-1.safetensors" + (dims == 2 ? ", eigenvector-2.safetensors" : "")
                    + "; or any .safetensors files), found " + files.stream().filter(Files::exists).toList());
        }
        double[][] out = new double[dims][];
        for (int k = 0; k < dims; k++) {
            Map<String, Tensor> t = Safetensors.read(files.get(k));
            out[k] = layout.fromTensors(t, files.get(k).toString());
        }
        return out;
    }

    private double[][] readDirections(Path dir, ParameterLayout layout, String where) throws IOException {
        return readDirections(dir, layout, where, dims);
    }

    private static final Pattern DIGITS = Pattern.compile("(\\d+)|(\\D+)");

    /** File names with their digit runs compared as numbers. */
    static final Comparator<Path> NATURAL = (a, b) -> {
        Matcher x = DIGITS.matcher(a.getFileName().toString());
        Matcher y = DIGITS.matcher(b.getFileName().toString());
        while (x.find() && y.find()) {
            int c;
            if (x.group(1) != null && y.group(1) != null) {
                c = new java.math.BigInteger(x.group(1)).compareTo(new java.math.BigInteger(y.group(1)));
            } else {
                c = x.group().compareTo(y.group());
            }
            if (c != 0) return c;
        }
        return a.getFileName().toString().compareTo(b.getFileName().toString());
    };

    private static String name(Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? dir.toString() : f.toString();
    }
}
