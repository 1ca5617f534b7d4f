package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.data.DataSet;
import org.minima.io.DirectionFiles;
import org.minima.io.InputException;
import org.minima.io.Safetensors;
import org.minima.io.Tensor;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

class LandscapeAnalysisTest {
    @TempDir Path tmp;

    private static final LandscapeAnalysis.Options OPTIONS =
            LandscapeAnalysis.Options.defaults().withDims(2).withGrid(new Grid(-1, 1, 4)).withSeed(5).withChunk(16);

    /** Where the model "came from" for landscape.json (the tests pass the network itself). */
    private final LandscapeAnalysis.Source source = new LandscapeAnalysis.Source(Path.of("model"), "test", null);

    /** An uninterrupted run of {@code options} into the new folder {@code tmp/name}. */
    private LandscapeAnalysis.Result fresh(String name, long seed, DataSet data, LandscapeAnalysis.Options options) throws IOException {
        Path out = Files.createDirectories(tmp.resolve(name));
        return LandscapeAnalysis.run(InterpolationNetworkTest.net(seed), data, source, options, out, n -> {});
    }

    /**
     * The loss at θ + x·δ + y·η computed without the landscape code: the model's tensors and the direction files'
     * tensors added name by name (running statistics kept), a new network loaded from the sum, evaluated in one chunk.
     */
    private static double directLoss(Network model, Path out, double x, double y, DataSet data) {
        Map<String, Tensor> d1 = Safetensors.read(out.resolve(DirectionFiles.directionName(1)));
        Map<String, Tensor> d2 = Safetensors.read(out.resolve(DirectionFiles.directionName(2)));
        Map<String, Tensor> moved = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.toTensors("F64").entrySet()) {
            Tensor t = e.getValue();
            double[] v = t.data().clone();
            if (d1.containsKey(e.getKey())) {
                double[] a = d1.get(e.getKey()).data();
                double[] b = d2.get(e.getKey()).data();
                for (int i = 0; i < v.length; i++) v[i] += x * a[i] + y * b[i];
            }
            moved.put(e.getKey(), new Tensor(t.dtype(), t.shape(), v));
        }
        return Network.load(model.spec(), moved, DataType.DOUBLE).evaluate(data, data.size()).loss();
    }

    @Test
    void aPartialCsvIsCompletedWithoutReevaluatingItsCellsAndTheNewCellsAreTheLossAtThoseGridPoints() throws IOException {
        DataSet data = InterpolationNetworkTest.data(40, 6, 3, 9);
        LandscapeAnalysis.Result full = fresh("whole", 41, data, OPTIONS);
        Path whole = tmp.resolve("whole");
        List<String> rows = Files.readAllLines(whole.resolve(LandscapeAnalysis.CSV));
        assertEquals(1 + 16, rows.size());

        // An interrupted run: its landscape.json and directions, and the first 6 cells, one of them a marker (−7) no
        // evaluation gives. The resumed run must keep the marker and fill in the other 10 cells.
        Path resumed = tmp.resolve("resumed");
        Files.createDirectories(resumed);
        for (String f : List.of(LandscapeAnalysis.META, DirectionFiles.directionName(1), DirectionFiles.directionName(2))) {
            Files.copy(whole.resolve(f), resumed.resolve(f));
        }
        List<String> partial = new ArrayList<>(rows.subList(0, 7));
        String[] marked = partial.get(3).split(",");
        partial.set(3, marked[0] + "," + marked[1] + ",-7.0," + marked[3]);
        Files.writeString(resumed.resolve(LandscapeAnalysis.CSV), String.join("\n", partial) + "\n");
        List<Integer> progress = new ArrayList<>();
        Network net = InterpolationNetworkTest.net(41);
        LandscapeAnalysis.Result r = LandscapeAnalysis.run(net, data, source, OPTIONS, resumed, progress::add);
        assertEquals(6, progress.get(0), "the 6 cells of the CSV count as done");
        assertEquals(16, progress.get(progress.size() - 1));
        assertEquals(-7.0, r.table()[2].loss(), 0.0);
        List<String> after = Files.readAllLines(resumed.resolve(LandscapeAnalysis.CSV));
        assertEquals(partial.get(3), after.get(3));

        // The cells the resumed run computed, and the uninterrupted run's, against the loss computed directly.
        Network model = InterpolationNetworkTest.net(41);
        Grid g = OPTIONS.grid();
        for (int c : new int[] {0, 6, 9, 15}) {
            double expected = directLoss(model, resumed, g.value(c % 4), g.value(c / 4), data);
            assertEquals(expected, r.table()[c].loss(), 1e-12 * Math.abs(expected), "cell " + c);
            assertEquals(expected, full.table()[c].loss(), 1e-12 * Math.abs(expected), "cell " + c);
        }
        for (int row = 7; row <= 16; row++) assertEquals(rows.get(row), after.get(row));
        // The network holds its own parameters again.
        assertEquals(model.parameters(), net.parameters());
    }

    @Test
    void aFolderOfAnotherLandscapeIsRefusedAndItsCsvLeftAsItWas() throws IOException {
        DataSet data = InterpolationNetworkTest.data(20, 6, 3, 4);
        fresh("out", 3, data, OPTIONS);
        Path out = tmp.resolve("out");
        String csv = Files.readString(out.resolve(LandscapeAnalysis.CSV));
        InputException e = assertThrows(InputException.class, () -> LandscapeAnalysis.run(InterpolationNetworkTest.net(3), data, source,
                OPTIONS.withSeed(6), out, n -> {}));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        assertEquals(csv, Files.readString(out.resolve(LandscapeAnalysis.CSV)));
    }

    @Test
    void hessianEigenvectorFilesOneAndTwoAreTheDirectionsEvenBesideBottomOnes() throws IOException {
        // hessian --vectors writes eigenvector-1, eigenvector-2, ... (largest first) and eigenvector-bottom-1, ...:
        // the directions must be eigenvector-1 then eigenvector-2. Each file here holds a constant vector, 1, 2 or 3.
        var layout = ParameterLayout.of(InterpolationNetworkTest.net(1).spec());
        Path dir = tmp.resolve("vectors");
        String[] names = {"eigenvector-bottom-1", "eigenvector-1", "eigenvector-2"};
        for (int k = 0; k < 3; k++) {
            double[] v = new double[(int) layout.parameterCount()];
            java.util.Arrays.fill(v, k + 1);
            Safetensors.write(dir.resolve(names[k] + ".safetensors"), layout.toTensors(v, "F64"), "F64");
        }
        double[][] d = LandscapeAnalysis.readDirections(dir, layout, "test", 2);
        assertEquals(2.0, d[0][0], 0.0);
        assertEquals(3.0, d[1][d[1].length - 1], 0.0);
    }
}
