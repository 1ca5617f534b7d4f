package org.minima.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.minima.data.DataSet;
import org.minima.io.AtomicFiles;
import org.minima.io.DirectionFiles;
import org.minima.io.InputException;
import org.minima.nn.BatchNormMode;
import org.minima.nn.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@code landscape} runs: the loss around a model along 1 or 2 filter-normalized random directions (Li, Xu,
 * Taylor, Studer & Goldstein 2018) or given ones, evaluated by {@link Landscape} into a folder that is also the
 * resume state:
 * <ul>
 *   <li>{@code landscape.json}: what makes two runs the same landscape (model, data, examples, dims, grid,
 *       directions or seed); a rerun with others is refused, a rerun with the same ones resumes;</li>
 *   <li>{@code direction1.safetensors} (and {@code direction2}): the directions, written before the first cell;</li>
 *   <li>{@code landscape.csv}: the finished cells, rewritten atomically at most every 2 s and at the end, so an
 *       interrupted run loses at most 2 s of evaluations and a rerun evaluates only the missing cells.</li>
 * </ul>
 */
public final class LandscapeAnalysis {
    public static final String CSV = "landscape.csv";
    public static final String META = "landscape.json";
    /** The CSV of a few hundred rows costs far less than one evaluation over the data; every 2 s bounds the loss. */
    private static final long CHECKPOINT_NANOS = 2_000_000_000L;

    private LandscapeAnalysis() {}

    /** How to measure the landscape. Each option's default and meaning stand here and nowhere else. */
    public record Options(
            int dims,        // 1: a line; 2: a plane (contours); default 1
            Grid grid,       // steps along each direction, both ends included; default -1:1:21
            Path directions, // a folder of direction files (DirectionFiles.read), used as given; null: random; default null
            long seed,       // seed of the random filter-normalized directions (unused with given ones); default 1
            int chunk,       // examples per forward pass (memory against speed, same result); default 1000
            BatchNormMode bn) { // batch norm's convention (bn, bnBatch); default RUNNING
        public Options {
            if (dims != 1 && dims != 2) throw new IllegalArgumentException("dims must be 1 or 2, got " + dims);
            if (grid == null) throw new IllegalArgumentException("grid must be given");
            if (dims == 2 && grid.count() < 2) throw new IllegalArgumentException("a 2-D landscape needs a grid of >= 2 points");
            if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
            if (bn == null) throw new IllegalArgumentException("bn must be given");
        }

        public static Options defaults() {
            return new Options(1, new Grid(-1, 1, 21), null, 1, 1000, BatchNormMode.RUNNING);
        }

        public Options withDims(int dims) { return new Options(dims, grid, directions, seed, chunk, bn); }

        public Options withGrid(Grid grid) { return new Options(dims, grid, directions, seed, chunk, bn); }

        public Options withDirections(Path directions) { return new Options(dims, grid, directions, seed, chunk, bn); }

        public Options withSeed(long seed) { return new Options(dims, grid, directions, seed, chunk, bn); }

        public Options withChunk(int chunk) { return new Options(dims, grid, directions, seed, chunk, bn); }

        public Options withBatchNorm(BatchNormMode bn) { return new Options(dims, grid, directions, seed, chunk, bn); }

        /** Number of cells: count for 1-D, count² for 2-D. */
        public int cells() {
            return dims == 1 ? grid.count() : grid.count() * grid.count();
        }
    }

    /** Where the model and the data came from; recorded in landscape.json so that a rerun resumes only the same landscape. */
    public record Source(Path model, String data, Integer examples) {}

    /** The finished table (row-major, y outer) and the files written. */
    public record Result(Options options, Score[] table, Path csv, List<Path> directionFiles) {
        /** {@code landscape.csv}: {@code x,loss,accuracy} or {@code x,y,loss,accuracy}, full precision. */
        public String csvText() {
            return Landscape.csv(options.grid(), options.dims(), table);
        }
    }

    /**
     * Measures the landscape of {@code net} on {@code data} into the folder {@code out}, resuming an earlier run of
     * the same {@code source} and {@code options} there (an earlier run of others is an {@link InputException}).
     * {@code net}'s parameters are the working memory and hold the centre again afterwards. {@code progress} is
     * told the number of finished cells, resumed ones included.
     */
    public static Result run(Network net, DataSet data, Source source, Options options, Path out, IntConsumer progress) {
        ParameterLayout layout = ParameterLayout.of(net.architecture());
        if (layout.parameterCount() != net.parameterCount()) {
            throw new IllegalStateException("layout has " + layout.parameterCount() + " parameters, network " + net.parameterCount());
        }
        int dims = options.dims();
        Grid g = options.grid();
        ObjectNode meta = meta(source, options);
        Path csvFile = out.resolve(CSV);
        Score[] done = resumeState(meta, options, out, csvFile);
        double[][] dirs;
        List<Path> directionFiles = new ArrayList<>();
        for (int k = 1; k <= dims; k++) directionFiles.add(out.resolve(DirectionFiles.directionName(k)));
        if (done == null) {
            dirs = options.directions() == null
                    ? FilterNormalization.randomDirections(net.parameters().toDoubleVector(), layout, dims, options.seed())
                    : readDirections(options.directions(), layout, "directions " + options.directions(), dims);
            for (int k = 0; k < dims; k++) DirectionFiles.write(directionFiles.get(k), layout.toTensors(dirs[k], "F64"), Map.of());
            AtomicFiles.writeString(out.resolve(META), pretty(meta));
        } else {
            dirs = readDirections(out, layout, "resuming " + out, dims);
        }

        INDArray d1 = Nd4j.createFromArray(dirs[0]).castTo(net.dataType());
        INDArray d2 = dims == 2 ? Nd4j.createFromArray(dirs[1]).castTo(net.dataType()) : null;
        Landscape l = new Landscape(net.parameters().dup(), d1, d2, g);
        long[] lastWrite = {System.nanoTime()};
        Score[] table = l.run(net.parameters(), () -> Score.of(net.evaluate(data, options.chunk(), options.bn())), done, 1, t -> {
            long now = System.nanoTime();
            if (now - lastWrite[0] > CHECKPOINT_NANOS) {
                AtomicFiles.writeString(csvFile, Landscape.csv(g, dims, t));
                lastWrite[0] = now;
            }
        }, progress);
        AtomicFiles.writeString(csvFile, Landscape.csv(g, dims, table));
        return new Result(options, table, csvFile, List.copyOf(directionFiles));
    }

    /** The first {@code dims} directions of {@code dir} ({@link DirectionFiles#read}) as flat vectors in the model's layout. */
    public static double[][] readDirections(Path dir, ParameterLayout layout, String where, int dims) {
        List<DirectionFiles.Direction> files = DirectionFiles.read(dir, dims, where);
        double[][] out = new double[dims][];
        for (int k = 0; k < dims; k++) out[k] = layout.fromTensors(files.get(k).tensors(), files.get(k).file().toString());
        return out;
    }

    /** What makes two runs the same landscape; a resume must match it. */
    static ObjectNode meta(Source source, Options o) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("model", source.model().toAbsolutePath().normalize().toString());
        n.put("data", source.data());
        if (source.examples() == null) n.putNull("examples"); else n.put("examples", source.examples());
        n.put("dims", o.dims());
        n.put("grid", o.grid().toString());
        if (o.directions() == null) {
            n.putNull("directions");
            n.put("seed", o.seed());
        } else {
            n.put("directions", o.directions().toAbsolutePath().normalize().toString());
            n.putNull("seed");
        }
        SharpnessAnalysis.putBatchNorm(n, o.bn());
        return n;
    }

    /** The cells of an earlier run with the same meta (null for a fresh run); an earlier run with another is an error. */
    private static Score[] resumeState(ObjectNode meta, Options o, Path out, Path csvFile) {
        Path metaFile = out.resolve(META);
        if (!Files.exists(metaFile)) {
            if (Files.exists(csvFile)) {
                throw new InputException(csvFile + " exists but " + metaFile + " does not; choose another --out or remove the CSV");
            }
            return null;
        }
        try {
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
            if (!Files.exists(csvFile)) return new Score[o.cells()];
            return Landscape.readCsv(Files.readString(csvFile, StandardCharsets.UTF_8), o.grid(), o.dims(), csvFile.toString());
        } catch (JsonProcessingException e) {
            throw new InputException(metaFile + ": not valid JSON (" + e.getOriginalMessage() + "); choose another --out or remove it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metaFile + " or " + csvFile, e);
        }
    }

    private static String pretty(ObjectNode meta) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
