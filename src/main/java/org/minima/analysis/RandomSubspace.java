package org.minima.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.minima.nn.Threads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The random n×p matrix A of Keskar et al. 2017, Metric 2.1: its entries are generated, a block of rows at a time,
 * from a counter-based generator keyed by (seed, row, column), so A is the same on any number of threads; streamed
 * (regenerated on every pass: memory O(p²) plus one block per thread, about 4 MB, whatever n) or, when it fits,
 * held (below). {@link #plus} (x + Ay),
 * {@link #transposeTimes} (Aᵀg) and {@link #pseudoInverseTimes} (A⁺x) make one pass over the blocks each.
 *
 * <p>Entries (docs/sharpness.md gives the recipe in Python): row i is the SplitMix64 stream whose state starts at
 * r_i = mix(seed + γ·(i + 1)) (γ = 0x9E3779B97F4A7C15, mix the SplitMix64 finalizer, arithmetic mod 2⁶⁴); column j
 * takes its output j + 1, b = mix(r_i + γ·(j + 1)), as u = ((b ≫ 12) + ½)·2⁻⁵² ∈ (0, 1) (exact in float64, and so
 * is 1 − u), and G[i, j] = Φ⁻¹(u) by Wichura's AS241 ({@link #normalQuantile}, as Python's
 * {@code statistics.NormalDist().inv_cdf}). {@link Kind#GAUSSIAN}
 * is A = G (independent N(0, 1) entries, columns of norm ≈ √n); {@link Kind#UNIT} scales each column of G to unit
 * norm (the norms from one pass at construction).
 *
 * <p>Cost of a pass: n·p hashes and normals (10–20 ns each per thread on an idle core, a few times cheaper than
 * Box–Muller's log, sqrt, sin and cos) plus 2·n·p flops; the Gram matrix at
 * construction adds n·p²/2 multiply-adds. Block boundaries depend on n and p only and block partial sums are added
 * in block order, so every result is bit-identical on any thread count.
 *
 * <p>Held in memory when it fits (issue 18): a generated A of n·p·8 bytes at most a quarter of the maximum heap
 * ({@link #cacheBudget}; 1.17 GB for F1, n = 1,462,794, at p = 100) keeps each block as the first pass generates it,
 * and every later pass reads the blocks instead of regenerating them: a pass then costs the 2·n·p flops and
 * n·p·8 bytes of memory traffic (about 0.1–0.3 s for F1 at p = 100) instead of n·p normals (about 2–3 s per
 * thread). The blocks are the same numbers either way, so the results are the same bits cached or streamed. A
 * larger A is streamed, as without the cache. {@link #generated(long, int, long, Kind)} returns the last matrix it
 * made (softly held) when asked for the same one again, so the measurements of one model (each ε, each convention)
 * generate it once.
 */
public final class RandomSubspace {
    /** How A's columns are scaled. */
    public enum Kind {
        /** Independent N(0, 1) entries, not normalized: the paper's "randomly generated" columns (issue 17). */
        GAUSSIAN,
        /** N(0, 1) entries, each column scaled to unit Euclidean norm (uniform on the unit sphere). */
        UNIT;

        /** "gaussian" or "unit", as the flag, the YAML key and the JSON name it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code s}, or null when it names none. */
        public static Kind parse(String s) {
            for (Kind k : values()) if (k.label().equals(s)) return k;
            return null;
        }
    }

    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** About 4 MB of float64 a block: large enough to amortize a task, small next to any model. */
    private static final int BLOCK_ENTRIES = 1 << 19;
    /** Refine A⁺x by one step on the residual when cond(AᵀA) exceeds this (the normal equations lose cond·ε). */
    private static final double REFINE_ABOVE = 1e4;
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "minima-subspace");
        t.setDaemon(true);
        return t;
    });

    private final long n;
    private final int p;
    private final Kind kind;
    private final long seed;
    /** A given dense matrix (row-major n×p), or null when A is generated. */
    private final double[] dense;
    private final int blockRows;
    /** Column j of A is column j of G times scale[j]. */
    private final double[] scale;
    /** AᵀA, p×p row-major, float64: at construction for unit columns, else on first use (one pass). */
    private double[] gram;
    /**
     * The blocks of a held A, filled by the first pass after construction (block b by the worker that owns it; the
     * pool's submit and Future.get order these writes before the next pass' reads), or null when A is streamed.
     */
    private double[][] cache;
    /** Whether {@link #cache} is complete (set, under this object's lock, after the pass that filled it). */
    private volatile boolean filled;

    private RandomSubspace(long n, int p, Kind kind, long seed, double[] dense, int blockRows, boolean hold) {
        if (p < 1) throw new IllegalArgumentException("subspace dimension must be >= 1, got " + p);
        if (n < 1) throw new IllegalArgumentException("need n >= 1, got " + n);
        Math.toIntExact(n); // vectors of length n are Java arrays here and flat ND4J vectors elsewhere
        this.n = n;
        this.p = p;
        this.kind = kind;
        this.seed = seed;
        this.dense = dense;
        this.blockRows = Math.max(1, blockRows);
        this.scale = new double[p];
        java.util.Arrays.fill(scale, 1.0);
        if (kind == Kind.UNIT) {
            double[] g = gram();
            for (int j = 0; j < p; j++) scale[j] = 1.0 / Math.sqrt(g[j * p + j]);
            for (int j = 0; j < p; j++) for (int k = 0; k < p; k++) g[j * p + k] *= scale[j] * scale[k];
        }
        // after the scale is final: the held blocks are the scaled columns
        if (dense == null && hold) cache = new double[(int) ((n + this.blockRows - 1) / this.blockRows)][];
    }

    /** The largest A held in memory, in bytes: a quarter of the maximum heap (the rest is the caller's). */
    static long cacheBudget() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /** Whether an n×p A is held ({@link #cacheBudget}). */
    static boolean fits(long n, int p) {
        return n * (long) p * Double.BYTES <= cacheBudget();
    }

    /** Whether this A is held in memory (else regenerated on every pass). */
    public boolean held() {
        return cache != null;
    }

    /** AᵀA (p×p, row-major), computed by one pass on first use. */
    private synchronized double[] gram() {
        if (gram == null) gram = gramOfBlocks();
        return gram;
    }

    /** The last matrix {@link #generated(long, int, long, Kind)} made, softly held (the garbage collector may take it). */
    private static java.lang.ref.SoftReference<RandomSubspace> last = new java.lang.ref.SoftReference<>(null);

    /**
     * A generated from {@code seed}: n×p, {@code kind} scaling, held in memory when it fits ({@link #cacheBudget}).
     * One pass over A (the Gram matrix and, for unit, the norms). The same (n, p, seed, kind) as the last call
     * returns the same object (its blocks, Gram matrix and held A are reused).
     */
    public static synchronized RandomSubspace generated(long n, int p, long seed, Kind kind) {
        RandomSubspace a = last.get();
        if (a != null && a.n == n && a.p == p && a.seed == seed && a.kind == kind) return a;
        last = new java.lang.ref.SoftReference<>(null); // the old matrix is garbage before the new one is made
        a = new RandomSubspace(n, p, kind, seed, null, Math.max(1, BLOCK_ENTRIES / p), fits(n, p));
        last = new java.lang.ref.SoftReference<>(a);
        return a;
    }

    /**
     * As {@link #generated(long, int, long, Kind)}, made anew, with blocks of {@code blockRows} rows and held or
     * streamed as {@code hold} says (tests: several blocks on a small n, both ways).
     */
    static RandomSubspace generated(long n, int p, long seed, Kind kind, int blockRows, boolean hold) {
        return new RandomSubspace(n, p, kind, seed, null, blockRows, hold);
    }

    /** As {@link #generated(long, int, long, Kind, int, boolean)}, streamed. */
    static RandomSubspace generated(long n, int p, long seed, Kind kind, int blockRows) {
        return generated(n, p, seed, kind, blockRows, false);
    }

    /** A given dense matrix (rows × columns; copied), for tests and small cases. */
    public static RandomSubspace of(double[][] a) {
        int rows = a.length, cols = a[0].length;
        double[] d = new double[rows * cols];
        for (int i = 0; i < rows; i++) System.arraycopy(a[i], 0, d, i * cols, cols);
        return new RandomSubspace(rows, cols, null, 0, d, 7, false);
    }

    public long rows() {
        return n;
    }

    public int columns() {
        return p;
    }

    /** How the columns are scaled; null for a given dense matrix. */
    public Kind kind() {
        return kind;
    }

    /** The mean Euclidean norm of A's columns (√ of the Gram diagonal): ≈ √n for gaussian, 1 for unit. */
    public double meanColumnNorm() {
        double[] g = gram();
        double s = 0;
        for (int j = 0; j < p; j++) s += Math.sqrt(g[j * p + j]);
        return s / p;
    }

    /** A as an n×p float64 array (tests and small n only: n·p doubles). */
    public double[][] dense() {
        double[][] out = new double[(int) n][p];
        double[] block = new double[blockRows * p];
        for (long r0 = 0; r0 < n; r0 += blockRows) {
            int m = (int) Math.min(blockRows, n - r0);
            block(r0, m, block);
            for (int i = 0; i < m; i++) System.arraycopy(block, i * p, out[(int) r0 + i], 0, p);
        }
        return out;
    }

    /** Rows [r0, r0 + m) of A into {@code out} (row-major m×p). n·p hashes and inverse-CDF normals, ~10–20 ns each. */
    void block(long r0, int m, double[] out) {
        if (dense != null) {
            System.arraycopy(dense, (int) (r0 * p), out, 0, m * p);
            return;
        }
        for (int i = 0; i < m; i++) {
            long r = mix(seed + GAMMA * (r0 + i + 1));
            int base = i * p;
            for (int j = 0; j < p; j++) {
                double u = ((mix(r + GAMMA * (j + 1)) >>> 12) + 0.5) * 0x1.0p-52;
                out[base + j] = normalQuantile(u) * scale[j];
            }
        }
    }

    /**
     * Φ⁻¹(u) for u in (0, 1): Wichura's AS241 (PPND16, relative error about 1e-16), the algorithm and coefficients of
     * Python's {@code statistics.NormalDist().inv_cdf}; a rational function for |u − ½| ≤ 0.425 (85 % of draws), one
     * log and one square root in the tails (StrictMath: fdlibm).
     */
    static double normalQuantile(double u) {
        double q = u - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            return horner(CENTRAL_NUM, r) * q / horner(CENTRAL_DEN, r);
        }
        double r = Math.sqrt(-StrictMath.log(q <= 0.0 ? u : 1.0 - u));
        double x = r <= 5.0 ? horner(MIDDLE_NUM, r - 1.6) / horner(MIDDLE_DEN, r - 1.6)
                : horner(TAIL_NUM, r - 5.0) / horner(TAIL_DEN, r - 5.0);
        return q < 0.0 ? -x : x;
    }

    /** c₀rⁿ⁻¹ + … + cₙ₋₁ by Horner's rule, in the order Python's statistics module evaluates it. */
    private static double horner(double[] c, double r) {
        double e = c[0];
        for (int k = 1; k < c.length; k++) e = e * r + c[k];
        return e;
    }

    // AS241's coefficients, highest power first (Python's statistics module has the same, with the paper's hash sums).
    private static final double[] CENTRAL_NUM = {
        2.50908_09287_30122_6727e+3, 3.34305_75583_58812_8105e+4, 6.72657_70927_00870_0853e+4,
        4.59219_53931_54987_1457e+4, 1.37316_93765_50946_1125e+4, 1.97159_09503_06551_4427e+3,
        1.33141_66789_17843_7745e+2, 3.38713_28727_96366_6080e+0};
    private static final double[] CENTRAL_DEN = {
        5.22649_52788_52854_5610e+3, 2.87290_85735_72194_2674e+4, 3.93078_95800_09271_0610e+4,
        2.12137_94301_58659_5867e+4, 5.39419_60214_24751_1077e+3, 6.87187_00749_20579_0830e+2,
        4.23133_30701_60091_1252e+1, 1.0};
    private static final double[] MIDDLE_NUM = {
        7.74545_01427_83414_07640e-4, 2.27238_44989_26918_45833e-2, 2.41780_72517_74506_11770e-1,
        1.27045_82524_52368_38258e+0, 3.64784_83247_63204_60504e+0, 5.76949_72214_60691_40550e+0,
        4.63033_78461_56545_29590e+0, 1.42343_71107_49683_57734e+0};
    private static final double[] MIDDLE_DEN = {
        1.05075_00716_44416_84324e-9, 5.47593_80849_95344_94600e-4, 1.51986_66563_61645_71966e-2,
        1.48103_97642_74800_74590e-1, 6.89767_33498_51000_04550e-1, 1.67638_48301_83803_84940e+0,
        2.05319_16266_37758_82187e+0, 1.0};
    private static final double[] TAIL_NUM = {
        2.01033_43992_92288_13265e-7, 2.71155_55687_43487_57815e-5, 1.24266_09473_88078_43860e-3,
        2.65321_89526_57612_30930e-2, 2.96560_57182_85048_91230e-1, 1.78482_65399_17291_33580e+0,
        5.46378_49111_64114_36990e+0, 6.65790_46435_01103_77720e+0};
    private static final double[] TAIL_DEN = {
        2.04426_31033_89939_78564e-15, 1.42151_17583_16445_88870e-7, 1.84631_83175_10054_68180e-5,
        7.86869_13114_56132_59100e-4, 1.48753_61290_85061_48525e-2, 1.36929_88092_27358_05310e-1,
        5.99832_20655_58879_37690e-1, 1.0};

    /** The SplitMix64 finalizer (Steele, Lea & Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** out = x + A·y (x null: A·y), into a contiguous float64 or float32 vector of length n. One pass. */
    public void plus(double[] x, double[] y, INDArray out) {
        forBlocks((r0, m, block, work) -> {
            for (int i = 0; i < m; i++) {
                double s = x == null ? 0.0 : x[(int) r0 + i];
                int base = i * p;
                for (int j = 0; j < p; j++) s += block[base + j] * y[j];
                work.rows[i] = s;
            }
            FlatVectors.put(work.rows, m, out, r0, work.scratch);
            return null;
        }, out.dataType());
    }

    /** Aᵀ·g for a contiguous float64 or float32 vector g of length n, in float64. One pass. */
    public double[] transposeTimes(INDArray g) {
        double[] out = new double[p];
        for (double[] part : forBlocks((r0, m, block, work) -> {
            FlatVectors.get(g, r0, work.rows, m, work.scratch);
            double[] s = new double[p];
            for (int i = 0; i < m; i++) {
                double gi = work.rows[i];
                int base = i * p;
                for (int j = 0; j < p; j++) s[j] += block[base + j] * gi;
            }
            return s;
        }, g.dataType())) {
            for (int j = 0; j < p; j++) out[j] += part[j];
        }
        return out;
    }

    /**
     * A⁺x, the minimum-norm least-squares solution of Ay ≈ x, from the p×p Gram matrix G = AᵀA = VΛVᵀ (the SVD
     * A = UΣVᵀ has Σ² = Λ): A⁺x = VΛ⁺VᵀAᵀx. Eigenvalues below λ_max·max(n, p)·ε count as zero (rank deficiency;
     * a generated A has full column rank with probability 1 when p ≤ n). When cond(G) > 10⁴ one step of iterative
     * refinement on the residual r = x − Ay (y += G⁺Aᵀr, two more passes) recovers the accuracy the normal equations
     * lose; a generated A with p ≪ n has cond(G) ≈ ((1 + √(p/n))/(1 − √(p/n)))², about 1.03 for F1 at p = 100.
     */
    public double[] pseudoInverseTimes(INDArray x) {
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(square(gram()), false));
        double[] lambda = svd.getSingularValues();
        double lmax = lambda[0], cut = lmax * Math.max(n, p) * Math.ulp(1.0);
        RealMatrix v = svd.getV();
        double[][] ginv = new double[p][p];
        double lmin = Double.POSITIVE_INFINITY;
        for (int k = 0; k < p; k++) {
            if (!(lambda[k] > cut)) {
                lmin = 0;
                continue;
            }
            lmin = Math.min(lmin, lambda[k]);
            double il = 1.0 / lambda[k];
            for (int i = 0; i < p; i++) {
                double vik = v.getEntry(i, k) * il;
                for (int j = 0; j < p; j++) ginv[i][j] += vik * v.getEntry(j, k);
            }
        }
        RealMatrix gplus = new Array2DRowRealMatrix(ginv, false);
        double[] y = gplus.operate(transposeTimes(x));
        if (!(lmax <= REFINE_ABOVE * lmin)) {
            double[] xd = FlatVectors.toDoubles(x);
            INDArray r = FlatVectors.vector(DataType.DOUBLE, n);
            double[] minusY = new double[p];
            for (int j = 0; j < p; j++) minusY[j] = -y[j];
            plus(xd, minusY, r);
            double[] dy = gplus.operate(transposeTimes(r));
            for (int j = 0; j < p; j++) y[j] += dy[j];
        }
        return y;
    }

    /** AᵀA by blocks (upper triangle, mirrored), in float64. One pass. */
    private double[] gramOfBlocks() {
        double[] g = new double[p * p];
        for (double[] part : forBlocks((r0, m, block, work) -> {
            double[] s = new double[p * p];
            for (int i = 0; i < m; i++) {
                int base = i * p;
                for (int j = 0; j < p; j++) {
                    double aij = block[base + j];
                    int row = j * p;
                    for (int k = j; k < p; k++) s[row + k] += aij * block[base + k];
                }
            }
            return s;
        }, DataType.DOUBLE)) {
            for (int k = 0; k < g.length; k++) g[k] += part[k];
        }
        for (int j = 0; j < p; j++) for (int k = 0; k < j; k++) g[j * p + k] = g[k * p + j];
        return g;
    }

    private double[][] square(double[] flat) {
        double[][] m = new double[p][p];
        for (int j = 0; j < p; j++) System.arraycopy(flat, j * p, m[j], 0, p);
        return m;
    }

    /** One worker's buffers: n-vector rows of a block in float64 and the float32 scratch for copies. */
    private static final class Work {
        final double[] rows;
        final float[] scratch;

        Work(int rows, DataType dtype) {
            this.rows = new double[rows];
            this.scratch = dtype == DataType.FLOAT ? new float[rows] : null;
        }
    }

    private interface BlockTask {
        /** Rows [r0, r0 + m) of A are in {@code block}; returns the block's part of a sum (or null). */
        double[] run(long r0, int m, double[] block, Work work);
    }

    /**
     * Runs {@code task} on every block of rows, blocks split in contiguous runs over {@link Threads#current()}
     * threads, and returns the parts in block order (so sums over them do not depend on the thread count). Each
     * worker allocates one block (blockRows·p doubles) per pass: negligible next to generating them.
     */
    private List<double[]> forBlocks(BlockTask task, DataType dtype) {
        if (cache != null && !filled) {
            synchronized (this) { // the one pass that fills the held blocks; passes from other threads wait for it
                if (!filled) {
                    List<double[]> parts = pass(task, dtype);
                    filled = true;
                    return parts;
                }
            }
        }
        return pass(task, dtype);
    }

    private List<double[]> pass(BlockTask task, DataType dtype) {
        int blocks = (int) ((n + blockRows - 1) / blockRows);
        double[][] parts = new double[blocks][];
        int threads = Math.max(1, Math.min(Threads.current(), blocks));
        List<Future<?>> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int id = t;
            others.add(POOL.submit(() -> runBlocks(task, dtype, parts, blocks, id, threads)));
        }
        runBlocks(task, dtype, parts, blocks, 0, threads);
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            }
        }
        return java.util.Arrays.asList(parts);
    }

    private void runBlocks(BlockTask task, DataType dtype, double[][] parts, int blocks, int id, int threads) {
        double[][] held = cache;
        double[] scratch = held == null ? new double[blockRows * p] : null;
        Work work = new Work(blockRows, dtype);
        for (int b = (int) ((long) blocks * id / threads); b < (int) ((long) blocks * (id + 1) / threads); b++) {
            long r0 = (long) b * blockRows;
            int m = (int) Math.min(blockRows, n - r0);
            double[] block = scratch;
            if (held != null) {
                block = held[b];
                if (block == null) { // the first pass: generate the block once and keep it
                    block = new double[m * p];
                    block(r0, m, block);
                    held[b] = block;
                }
            } else {
                block(r0, m, block);
            }
            parts[b] = task.run(r0, m, block, work);
        }
    }
}
