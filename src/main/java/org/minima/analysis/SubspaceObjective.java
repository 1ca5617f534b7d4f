package org.minima.analysis;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The restriction of an objective f on ℝⁿ to the affine subspace through x spanned by the columns of A (n×p):
 * h(y) = f(x + Ay), ∇h = Aᵀ∇f(x + Ay), ∇²h·v = Aᵀ∇²f(x + Ay)·(Av). Keskar et al. 2017, Metric 2.1, measure
 * sharpness in such a random subspace. h is itself an {@link Objective} of dimension p, so every analyzer works
 * on it unchanged. Vectors in and out are p-vectors of A's data type.
 *
 * <p>Cost per call: the call of f plus one GEMV with A (x + Ay) and one with Aᵀ (the gradient), 2·n·p flops each;
 * a Hessian-vector product adds a third. Buffers of length n are allocated once.
 *
 * <p>Memory ({@link Objective}): x is copied at construction (n values), so the caller may reuse its vector, even
 * one that is f's own {@link Objective#inPlacePoint}; A is read, never written, and must not change while h is used.
 * The points x + Ay are written into a buffer of h's own.
 */
public final class SubspaceObjective implements Objective {
    private final Objective f;
    private final INDArray x;
    private final INDArray a;
    private final long n;
    private final int p;
    private final INDArray w;
    private INDArray gradFull;
    private INDArray av;
    private INDArray hv;

    /** {@code x}: the point (length n, copied); {@code a}: the n×p matrix, same data type as x, columns contiguous or not. */
    public SubspaceObjective(Objective f, INDArray x, INDArray a) {
        if (a.rank() != 2 || a.rows() != f.dimension() || x.length() != f.dimension()) {
            throw new IllegalArgumentException("need A of shape [" + f.dimension() + ", p] and x of length " + f.dimension()
                    + ", got A " + java.util.Arrays.toString(a.shape()) + ", x " + x.length());
        }
        if (a.dataType() != x.dataType()) throw new IllegalArgumentException("A is " + a.dataType() + " but x is " + x.dataType());
        this.f = f;
        this.x = x.dup(); // h owns its centre: x may be storage the caller or f reuses
        this.a = a;
        this.n = f.dimension();
        this.p = Math.toIntExact(a.columns());
        this.w = Nd4j.create(x.dataType(), n, 1);
    }

    @Override
    public long dimension() {
        return p;
    }

    public INDArray matrix() {
        return a;
    }

    /** w = x + A·y into the preallocated buffer: one GEMV, 2·n·p flops. */
    private INDArray point(INDArray y) {
        w.assign(x.reshape(n, 1));
        Nd4j.gemm(a, y.reshape(p, 1), w, false, false, 1.0, 1.0);
        return w.reshape(n);
    }

    @Override
    public double value(INDArray y) {
        return f.value(point(y));
    }

    @Override
    public double valueAndGradient(INDArray y, INDArray gradOut) {
        if (gradFull == null) gradFull = Nd4j.create(x.dataType(), n, 1);
        double v = f.valueAndGradient(point(y), gradFull.reshape(n));
        // ∇h = Aᵀ∇f: one GEMV, 2·n·p flops.
        INDArray out = Nd4j.gemm(a, gradFull, true, false);
        gradOut.assign(out.reshape(gradOut.shape()));
        return v;
    }

    @Override
    public void hessianVector(INDArray y, INDArray v, INDArray out) {
        if (av == null) {
            av = Nd4j.create(x.dataType(), n, 1);
            hv = Nd4j.create(x.dataType(), n, 1);
        }
        Nd4j.gemm(a, v.reshape(p, 1), av, false, false, 1.0, 0.0);
        f.hessianVector(point(y), av.reshape(n), hv.reshape(n));
        INDArray r = Nd4j.gemm(a, hv, true, false);
        out.assign(r.reshape(out.shape()));
    }
}
