package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The subspace matrix A, generated in row blocks (streamed or held): its entries, scale, products and pseudo-inverse. */
class RandomSubspaceTest {

    @Test
    void entriesMatchThePythonRecipeOfTheDocs() throws IOException {
        // entries.csv: make_fixture.py beside it, the recipe of docs/sharpness.md in plain Python (its
        // statistics.NormalDist().inv_cdf, the C library's log, against our AS241 with StrictMath: equal to an ulp).
        String csv;
        try (InputStream in = getClass().getResourceAsStream("/subspace/entries.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int checked = 0;
        for (String line : csv.split("\n")) {
            if (line.startsWith("seed") || line.isBlank()) continue;
            String[] f = line.trim().split(",");
            long seed = Long.parseLong(f[0]), row = Long.parseLong(f[1]);
            int column = Integer.parseInt(f[2]);
            double expected = Double.parseDouble(f[3]);
            // A p-column matrix with row `row`: read that one row by the block the passes use.
            RandomSubspace a = RandomSubspace.generated(row + 1, column + 1, seed, RandomSubspace.Kind.GAUSSIAN);
            double[] out = new double[column + 1];
            a.block(row, 1, out);
            assertEquals(expected, out[column], 1e-14 * Math.max(1, Math.abs(expected)), line);
            checked++;
        }
        assertEquals(16, checked);
    }

    @Test
    void normalQuantileMatchesPythonsInverseCdfInTheCentreAndBothTails() {
        // statistics.NormalDist().inv_cdf(u) (Python 3.11), one value per branch of AS241 and the extremes of u.
        double[][] cases = {{1e-300, -37.0470962993612}, {1e-10, -6.361340902404056}, {0.01, -2.3263478740408408},
                {0.02, -2.0537489106318225}, {0.3, -0.5244005127080407}, {0.5, 0.0}, {0.9, 1.2815515655446008},
                {0.975, 1.9599639845400536}, {1 - 0x1.0p-52, 8.125890664701906}};
        for (double[] c : cases) assertEquals(c[1], RandomSubspace.normalQuantile(c[0]), 2 * Math.ulp(c[1]), "u = " + c[0]);
    }

    @Test
    void gaussianColumnsHaveNormNearSqrtNAndUnitColumnsNormOne() {
        // ‖a_j‖² ~ χ²_n: ‖a_j‖/√n has standard deviation ≈ 1/√(2n) = 0.22 % at n = 10⁵; 1 % is 4.5 of them.
        int n = 100_000, p = 4;
        RandomSubspace g = RandomSubspace.generated(n, p, 3, RandomSubspace.Kind.GAUSSIAN);
        double[] norms = columnNorms(g.dense());
        double mean = 0;
        for (double v : norms) {
            assertEquals(Math.sqrt(n), v, 0.01 * Math.sqrt(n));
            mean += v / p;
        }
        assertEquals(mean, g.meanColumnNorm(), 1e-10 * mean);

        RandomSubspace u = RandomSubspace.generated(n, p, 3, RandomSubspace.Kind.UNIT);
        double[][] ud = u.dense();
        for (double v : columnNorms(ud)) assertEquals(1.0, v, 1e-12);
        assertEquals(1.0, u.meanColumnNorm(), 1e-12);
        // unit = gaussian with each column divided by its norm
        double[][] gd = g.dense();
        for (int i = 0; i < n; i += 997) for (int j = 0; j < p; j++) assertEquals(gd[i][j] / norms[j], ud[i][j], 1e-15);
    }

    @Test
    void theSameSeedGivesTheSameMatrixAndProductsOnOneAndTwoThreads() {
        int n = 5000, p = 9;
        double[] x = uniform(n, 1);
        double[] y = uniform(p, 2);
        int before = Threads.current();
        try {
            Threads.configure(1);
            Snapshot one = Snapshot.of(RandomSubspace.generated(n, p, 11, RandomSubspace.Kind.UNIT, 300), x, y);
            Threads.configure(2);
            Snapshot two = Snapshot.of(RandomSubspace.generated(n, p, 11, RandomSubspace.Kind.UNIT, 300), x, y);
            for (int i = 0; i < n; i++) assertArrayEquals(one.a[i], two.a[i], 0.0);
            assertArrayEquals(one.plus, two.plus, 0.0);
            assertArrayEquals(one.transpose, two.transpose, 0.0);
            assertArrayEquals(one.pinv, two.pinv, 0.0);
            assertEquals(one.norm, two.norm, 0.0);
        } finally {
            Threads.configure(before);
        }
        RandomSubspace other = RandomSubspace.generated(n, p, 12, RandomSubspace.Kind.UNIT, 300);
        assertNotEquals(other.dense()[0][0], RandomSubspace.generated(n, p, 11, RandomSubspace.Kind.UNIT, 300).dense()[0][0]);
    }

    private record Snapshot(double[][] a, double[] plus, double[] transpose, double[] pinv, double norm) {
        static Snapshot of(RandomSubspace s, double[] x, double[] y) {
            INDArray w = Nd4j.create(DataType.DOUBLE, x.length);
            s.plus(x, y, w);
            INDArray xa = Nd4j.createFromArray(x);
            return new Snapshot(s.dense(), w.toDoubleVector(), s.transposeTimes(xa), s.pseudoInverseTimes(xa), s.meanColumnNorm());
        }
    }

    @Test
    void blockwiseProductsMatchDenseProductsInFloat64AndFloat32() {
        // 1003 rows in blocks of 64 (the last one short), against plain loops over the dense A.
        int n = 1003, p = 5;
        RandomSubspace s = RandomSubspace.generated(n, p, 4, RandomSubspace.Kind.GAUSSIAN, 64);
        double[][] a = s.dense();
        double[] x = uniform(n, 5), y = uniform(p, 6), g = uniform(n, 7);
        double[] plus = x.clone();
        double[] at = new double[p];
        for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) {
            plus[i] += a[i][j] * y[j];
            at[j] += a[i][j] * g[i];
        }
        INDArray w = Nd4j.create(DataType.DOUBLE, n);
        s.plus(x, y, w);
        assertArrayEquals(plus, w.toDoubleVector(), 1e-13);
        assertArrayEquals(at, s.transposeTimes(Nd4j.createFromArray(g)), 1e-11);

        INDArray w32 = Nd4j.create(DataType.FLOAT, n);
        s.plus(x, y, w32);
        for (int i = 0; i < n; i++) assertEquals((float) plus[i], w32.getFloat(i), 1e-6f * Math.max(1, Math.abs(plus[i])));
        double[] at32 = s.transposeTimes(Nd4j.createFromArray(g).castTo(DataType.FLOAT));
        for (int j = 0; j < p; j++) assertEquals(at[j], at32[j], 1e-5 * Math.sqrt(n));
        INDArray ay = Nd4j.create(DataType.DOUBLE, n);
        s.plus(null, y, ay);
        for (int i = 0; i < n; i++) assertEquals(plus[i] - x[i], ay.getDouble(i), 1e-13);
    }

    @Test
    void aHeldMatrixGivesTheSameBitsAsAStreamedOneAndTheDenseProducts() {
        // 1003 rows in blocks of 64 (the last one short), on 1 and 2 threads: the first pass fills the held blocks,
        // the later ones read them; every product equals the streamed one bit for bit, and plain loops over the dense A
        int n = 1003, p = 5;
        double[] x = uniform(n, 5), y = uniform(p, 6), g = uniform(n, 7);
        int before = Threads.current();
        try {
            for (int threads : new int[] {1, 2}) {
                Threads.configure(threads);
                for (RandomSubspace.Kind kind : RandomSubspace.Kind.values()) {
                    RandomSubspace streamed = RandomSubspace.generated(n, p, 4, kind, 64, false);
                    RandomSubspace held = RandomSubspace.generated(n, p, 4, kind, 64, true);
                    assertFalse(streamed.held());
                    assertTrue(held.held());
                    double[][] a = streamed.dense();
                    double[] plus = x.clone();
                    double[] at = new double[p];
                    for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) {
                        plus[i] += a[i][j] * y[j];
                        at[j] += a[i][j] * g[i];
                    }
                    for (int pass = 0; pass < 3; pass++) {
                        INDArray ws = Nd4j.create(DataType.DOUBLE, n), wh = Nd4j.create(DataType.DOUBLE, n);
                        streamed.plus(x, y, ws);
                        held.plus(x, y, wh);
                        assertArrayEquals(ws.toDoubleVector(), wh.toDoubleVector(), 0.0, kind + " pass " + pass);
                        assertArrayEquals(plus, wh.toDoubleVector(), 1e-13);
                        double[] ts = streamed.transposeTimes(Nd4j.createFromArray(g)), th = held.transposeTimes(Nd4j.createFromArray(g));
                        assertArrayEquals(ts, th, 0.0);
                        assertArrayEquals(at, th, 1e-11);
                        INDArray f32s = Nd4j.create(DataType.FLOAT, n), f32h = Nd4j.create(DataType.FLOAT, n);
                        streamed.plus(x, y, f32s);
                        held.plus(x, y, f32h);
                        assertArrayEquals(f32s.toFloatVector(), f32h.toFloatVector(), 0f);
                    }
                    assertArrayEquals(streamed.pseudoInverseTimes(Nd4j.createFromArray(x)), held.pseudoInverseTimes(Nd4j.createFromArray(x)), 0.0);
                    assertEquals(streamed.meanColumnNorm(), held.meanColumnNorm(), 0.0);
                }
            }
        } finally {
            Threads.configure(before);
        }
        // the public factory holds a small A and hands the same one out again for the same (n, p, seed, kind)
        RandomSubspace a = RandomSubspace.generated(n, p, 4, RandomSubspace.Kind.GAUSSIAN);
        assertTrue(a.held(), "5015 doubles fit a quarter of any heap");
        org.junit.jupiter.api.Assertions.assertSame(a, RandomSubspace.generated(n, p, 4, RandomSubspace.Kind.GAUSSIAN));
        assertNotEquals(a, RandomSubspace.generated(n, p, 5, RandomSubspace.Kind.GAUSSIAN));
        assertFalse(RandomSubspace.fits(1L << 40, 100), "an A larger than a quarter of the heap is streamed");
    }

    @Test
    void pseudoInverseOfAGeneratedMatrixMatchesCommonsMathSvd() {
        for (RandomSubspace.Kind kind : RandomSubspace.Kind.values()) {
            int n = 700, p = 6;
            RandomSubspace s = RandomSubspace.generated(n, p, 8, kind, 100);
            double[] x = uniform(n, 9);
            double[] expected = new SingularValueDecomposition(new Array2DRowRealMatrix(s.dense())).getSolver().getInverse().operate(x);
            assertArrayEquals(expected, s.pseudoInverseTimes(Nd4j.createFromArray(x)), 1e-12 * norm(expected), kind.label());
        }
    }

    @Test
    void kindsParseFromTheirLabels() {
        assertEquals(RandomSubspace.Kind.GAUSSIAN, RandomSubspace.Kind.parse("gaussian"));
        assertEquals(RandomSubspace.Kind.UNIT, RandomSubspace.Kind.parse("unit"));
        assertEquals(null, RandomSubspace.Kind.parse("Gaussian"));
    }

    private static double[] columnNorms(double[][] a) {
        int p = a[0].length;
        double[] ss = new double[p];
        for (double[] row : a) for (int j = 0; j < p; j++) ss[j] += row[j] * row[j];
        for (int j = 0; j < p; j++) ss[j] = Math.sqrt(ss[j]);
        return ss;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    private static double[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble(-1, 1);
        return a;
    }
}
