package org.minima.analysis;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The restriction of an objective f on ℝⁿ to the affine subspace through x spanned by the columns of A (n×p):
 * h(y) = f(x + Ay), ∇h = Aᵀ∇f(x + Ay), ∇²h·v = Aᵀ∇²f(x + Ay)·(Av). Keskar et al. 2017, Metric 2.1, measure
 * sharpness in such a random subspace. h is itself an {@link Objective} of dimension p, so every analyzer works
 * on it unchanged. Vectors in and out are p-vectors of x's data type.
 *
 * <p>Cost per call: the call of f plus one pass over A's row blocks for x + Ay and one for Aᵀ∇f
 * ({@link RandomSubspace}: 2·n·p flops each, plus n·p regenerated entries when A is streamed rather than held); a
 * Hessian-vector product adds a third. Memory: x in float64 and buffers of length n, allocated once; A's own
 * (held: n·p doubles; streamed: a block per thread).
 *
 * <p>Memory ({@link Objective}): x is copied at construction (n values), so the caller may reuse its vector, even
 * one that is f's own {@link Objective#inPlacePoint}; A is immutable. The points x + Ay are written into a buffer of
 * h's own.
 */
public final class SubspaceObjective implements Objective {
    private final Objective f;
    private final double[] x;
    private final RandomSubspace a;
    private final long n;
    private final int p;
    private final INDArray w;
    private INDArray gradFull;
    private INDArray av;
    private INDArray hv;

    /** {@code x}: the point (length n, float64 or float32, contiguous; copied); {@code a}: the n×p matrix. */
    public SubspaceObjective(Objective f, INDArray x, RandomSubspace a) {
        if (a.rows() != f.dimension() || x.length() != f.dimension()) {
            throw new IllegalArgumentException("need A with " + f.dimension() + " rows and x of length " + f.dimension()
                    + ", got A " + a.rows() + "x" + a.columns() + ", x " + x.length());
        }
        this.f = f;
        this.x = FlatVectors.toDoubles(x); // h owns its centre: x may be storage the caller or f reuses
        this.a = a;
        this.n = f.dimension();
        this.p = a.columns();
        this.w = FlatVectors.vector(x.dataType(), n);
    }

    @Override
    public long dimension() {
        return p;
    }

    public RandomSubspace matrix() {
        return a;
    }

    /** w = x + A·y into the preallocated buffer: one pass over A. */
    private INDArray point(INDArray y) {
        a.plus(x, y.toDoubleVector(), w);
        return w;
    }

    @Override
    public double value(INDArray y) {
        return f.value(point(y));
    }

    @Override
    public double valueAndGradient(INDArray y, INDArray gradOut) {
        if (gradFull == null) gradFull = FlatVectors.vector(w.dataType(), n);
        double v = f.valueAndGradient(point(y), gradFull);
        put(a.transposeTimes(gradFull), gradOut); // ∇h = Aᵀ∇f: one pass
        return v;
    }

    @Override
    public void hessianVector(INDArray y, INDArray v, INDArray out) {
        if (av == null) {
            av = FlatVectors.vector(w.dataType(), n);
            hv = FlatVectors.vector(w.dataType(), n);
        }
        a.plus(null, v.toDoubleVector(), av);
        f.hessianVector(point(y), av, hv);
        put(a.transposeTimes(hv), out);
    }

    private static void put(double[] values, INDArray out) {
        for (int j = 0; j < values.length; j++) out.putScalar(j, values[j]);
    }
}
