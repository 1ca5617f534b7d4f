package org.minima.analysis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.minima.io.InputException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss surface around a model along one or two directions (Li, Xu, Taylor, Studer & Goldstein 2018,
 * eq. 1 and 2): f(x) = L(θ + x·δ) on a 1-D grid, f(x, y) = L(θ + x·δ + y·η) on a 2-D grid (x the faster
 * index). Batch-norm running statistics stay the model's own.
 *
 * <p>Resumable: the caller passes the cells already computed (e.g. read back from the CSV of an interrupted
 * run) and a checkpoint callback that is handed the full table every {@code checkpointEvery} new cells and at
 * the end; finished cells are never evaluated again. Each cell writes θ + x·δ + y·η into the network's own
 * parameter vector (one assign and two axpy passes, no allocation) and calls the evaluator.
 */
public final class Landscape {
    private final INDArray center;
    private final INDArray d1;
    private final INDArray d2;
    private final Grid grid;

    /** One grid cell: indices along x and y (y = 0 for 1-D), coordinates, and the score there. */
    public record Cell(int i, int j, double x, double y, Score score) {}

    /** {@code d2 == null} gives a 1-D landscape. */
    public Landscape(INDArray center, INDArray d1, INDArray d2, Grid grid) {
        if (d1.length() != center.length() || (d2 != null && d2.length() != center.length())) {
            throw new IllegalArgumentException("directions must have " + center.length() + " values");
        }
        this.center = center;
        this.d1 = d1;
        this.d2 = d2;
        this.grid = grid;
    }

    public int dims() { return d2 == null ? 1 : 2; }

    public Grid grid() { return grid; }

    /** Number of cells: count for 1-D, count² for 2-D. */
    public int cells() { return dims() == 1 ? grid.count() : grid.count() * grid.count(); }

    /**
     * Evaluates every cell that {@code done} lacks, in row-major order (y outer). {@code done} is indexed by
     * {@code j·count + i} and may hold nulls; it is filled in. {@code progress} receives the number of finished
     * cells (including resumed ones). Restores {@code weights} to the centre afterwards.
     */
    public Score[] run(INDArray weights, Supplier<Score> evaluate, Score[] done, int checkpointEvery,
                       Consumer<Score[]> checkpoint, IntConsumer progress) {
        int n = grid.count();
        Score[] table = done == null ? new Score[cells()] : done;
        if (table.length != cells()) throw new IllegalArgumentException("resume table has " + table.length + " cells, need " + cells());
        int finished = 0;
        for (Score s : table) if (s != null) finished++;
        progress.accept(finished);
        int sinceCheckpoint = 0;
        try {
            for (int c = 0; c < table.length; c++) {
                if (table[c] != null) continue;
                double x = grid.value(c % n);
                double y = dims() == 1 ? 0 : grid.value(c / n);
                moveTo(x, y, weights);
                table[c] = evaluate.get();
                finished++;
                progress.accept(finished);
                if (++sinceCheckpoint >= checkpointEvery) {
                    checkpoint.accept(table);
                    sinceCheckpoint = 0;
                }
            }
        } finally {
            weights.assign(center);
        }
        checkpoint.accept(table);
        return table;
    }

    /** weights = θ + x·δ (+ y·η). Cost: one copy and one or two BLAS axpy passes, no allocation. */
    public void moveTo(double x, double y, INDArray weights) {
        weights.assign(center);
        Nd4j.getBlasWrapper().level1().axpy(weights.length(), x, d1, weights);
        if (d2 != null) Nd4j.getBlasWrapper().level1().axpy(weights.length(), y, d2, weights);
    }

    // ---- CSV: the result and the resume state ----

    /** {@code x,loss,accuracy} (1-D) or {@code x,y,loss,accuracy} (2-D). */
    public static String header(int dims) {
        return dims == 1 ? "x,loss,accuracy" : "x,y,loss,accuracy";
    }

    /** The finished cells as CSV, in row-major order; unfinished cells are left out. Doubles in full precision. */
    public static String csv(Grid grid, int dims, Score[] table) {
        StringBuilder sb = new StringBuilder(header(dims)).append('\n');
        int n = grid.count();
        for (int c = 0; c < table.length; c++) {
            Score s = table[c];
            if (s == null) continue;
            sb.append(grid.value(c % n)).append(',');
            if (dims == 2) sb.append(grid.value(c / n)).append(',');
            sb.append(s.loss()).append(',').append(s.accuracy()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a CSV written by {@link #csv} back into a table. Every row must lie on {@code grid} (exact values,
     * as {@link #csv} prints them); otherwise the CSV belongs to another run and {@code InputException} says so.
     */
    public static Score[] readCsv(String text, Grid grid, int dims, String where) {
        int n = grid.count();
        Score[] table = new Score[dims == 1 ? n : n * n];
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String head = r.readLine();
            if (head == null || !head.trim().equals(header(dims))) {
                throw new InputException(where + ": header is '" + head + "', expected '" + header(dims)
                        + "' (a landscape of another --dims; choose another --out)");
            }
            String line;
            int row = 1;
            while ((line = r.readLine()) != null) {
                row++;
                if (line.isBlank()) continue;
                String[] f = line.split(",");
                if (f.length != dims + 2) throw new InputException(where + ": line " + row + " has " + f.length + " fields, expected " + (dims + 2));
                try {
                    int i = grid.indexOf(Double.parseDouble(f[0]));
                    int j = dims == 1 ? 0 : grid.indexOf(Double.parseDouble(f[1]));
                    if (i < 0 || j < 0) {
                        throw new InputException(where + ": line " + row + " (" + line + ") is not on the grid " + grid
                                + " (a landscape with another --grid; choose another --out)");
                    }
                    table[j * n + i] = new Score(Double.parseDouble(f[dims]), Double.parseDouble(f[dims + 1]));
                } catch (NumberFormatException e) {
                    throw new InputException(where + ": line " + row + " (" + line + ") has a field that is not a number");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return table;
    }

    /** The losses as a {@code count × count} matrix {@code [j][i]} (y rows, x columns) for contour plots. */
    public static double[][] lossMatrix(Grid grid, Score[] table) {
        int n = grid.count();
        double[][] z = new double[n][n];
        for (int c = 0; c < table.length; c++) z[c / n][c % n] = table[c].loss();
        return z;
    }

    /** Finished cells in order, for callers that want a list. */
    public static List<Cell> cells(Grid grid, int dims, Score[] table) {
        List<Cell> out = new ArrayList<>();
        int n = grid.count();
        for (int c = 0; c < table.length; c++) {
            if (table[c] == null) continue;
            out.add(new Cell(c % n, c / n, grid.value(c % n), dims == 1 ? 0 : grid.value(c / n), table[c]));
        }
        return Collections.unmodifiableList(out);
    }
}
