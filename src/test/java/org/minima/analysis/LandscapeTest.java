package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.minima.io.InputException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LandscapeTest {
    static final double[] C = {1.0, -2.0, 0.5, 3.0};
    static final double[] D1 = {0.5, 0.0, 1.0, -1.0};
    static final double[] D2 = {0.0, 2.0, -1.0, 0.25};

    /** f(w) = ½‖w‖² and accuracy w₀, read from the vector the landscape writes into. */
    static Supplier<Score> quadratic(INDArray w, AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            double s = 0;
            for (int i = 0; i < w.length(); i++) s += w.getDouble(i) * w.getDouble(i);
            return new Score(0.5 * s, w.getDouble(0));
        };
    }

    /** The closed form ½‖c + x·d1 + y·d2‖², written out by hand. */
    static double expected(double x, double y) {
        double s = 0;
        for (int i = 0; i < C.length; i++) {
            double v = C[i] + x * D1[i] + y * D2[i];
            s += v * v;
        }
        return 0.5 * s;
    }

    static INDArray vec(double[] v) {
        return Nd4j.createFromArray(v.clone()).castTo(DataType.DOUBLE);
    }

    @Test
    void everyCellOfATwoDimensionalGridIsTheFunctionAtCentrePlusXd1PlusYd2() {
        Grid grid = Grid.parse("-1:1:5", "--grid");
        INDArray w = vec(C);
        Landscape l = new Landscape(vec(C), vec(D1), vec(D2), grid);
        AtomicInteger calls = new AtomicInteger();
        Score[] t = l.run(w, quadratic(w, calls), null, 1, table -> {}, k -> {});
        assertEquals(25, calls.get());
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 5; i++) {
                double x = grid.value(i), y = grid.value(j);
                assertEquals(expected(x, y), t[j * 5 + i].loss(), 1e-12, "cell " + x + "," + y);
                assertEquals(C[0] + x * D1[0] + y * D2[0], t[j * 5 + i].accuracy(), 1e-12);
            }
        }
        assertArrayEquals(C, w.toDoubleVector(), 0.0, "weights restored to the centre");
    }

    @Test
    void anInterruptedLandscapeResumesFromItsCsvWithoutRecomputingFinishedCells() {
        // The run is killed (an exception) after 7 evaluations; the checkpoints were written as CSV. A second
        // run reads the last CSV back: it evaluates only the 25 − 7 missing cells, and every value equals the
        // closed form.
        Grid grid = Grid.parse("-1:1:5", "--grid");
        INDArray w = vec(C);
        Landscape l = new Landscape(vec(C), vec(D1), vec(D2), grid);
        AtomicInteger calls = new AtomicInteger();
        Supplier<Score> f = quadratic(w, calls);
        List<String> checkpoints = new ArrayList<>();
        Supplier<Score> dying = () -> {
            if (calls.get() == 7) throw new IllegalStateException("killed");
            return f.get();
        };
        assertThrows(IllegalStateException.class,
                () -> l.run(w, dying, null, 1, table -> checkpoints.add(Landscape.csv(grid, 2, table)), k -> {}));
        assertArrayEquals(C, w.toDoubleVector(), 0.0, "weights restored after the interruption");
        String saved = checkpoints.get(checkpoints.size() - 1);
        assertEquals(1 + 7, saved.split("\n").length, saved);
        assertEquals("x,y,loss,accuracy", saved.split("\n")[0]);

        Score[] resumed = Landscape.readCsv(saved, grid, 2, "landscape.csv");
        AtomicInteger calls2 = new AtomicInteger();
        Score[] t = l.run(w, quadratic(w, calls2), resumed, 1, table -> {}, k -> {});
        assertEquals(25 - 7, calls2.get());
        for (int c = 0; c < 25; c++) assertEquals(expected(grid.value(c % 5), grid.value(c / 5)), t[c].loss(), 1e-12);
    }

    @Test
    void resumedCellsAreKeptAsReadNotEvaluatedAgain() {
        // A cell from the CSV with a value no evaluation could give (−1) is still −1 afterwards.
        Grid grid = Grid.parse("0:2:3", "--grid");
        String csv = "x,loss,accuracy\n1.0,-1.0,0.25\n";
        Score[] done = Landscape.readCsv(csv, grid, 1, "landscape.csv");
        assertNull(done[0]);
        INDArray w = vec(C);
        AtomicInteger calls = new AtomicInteger();
        Score[] t = new Landscape(vec(C), vec(D1), null, grid).run(w, quadratic(w, calls), done, 1, x -> {}, k -> {});
        assertEquals(2, calls.get());
        assertEquals(-1.0, t[1].loss(), 0.0);
        assertEquals(expected(2, 0), t[2].loss(), 1e-12);
    }

    @Test
    void aCsvFromAnotherGridOrDimensionIsRefused() {
        Grid grid = Grid.parse("-1:1:5", "--grid");
        assertThrows(InputException.class, () -> Landscape.readCsv("x,loss,accuracy\n0.3,1,1\n", grid, 1, "f"));
        assertThrows(InputException.class, () -> Landscape.readCsv("x,y,loss,accuracy\n0,0,1,1\n", grid, 1, "f"));
    }
}
