package org.minima.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A contiguous row-major ND4J array together with fast element access from Java. GEMMs go to
 * ND4J/OpenBLAS through {@link #nd}; the element-wise parts of the layers (bias, batch norm, ReLU,
 * pooling, softmax) are plain Java loops over an NIO view of the same off-heap memory: no JNI call
 * per operation, no temporaries, and a fixed summation order (so results are bit-reproducible).
 * Values are read and written as double; a float32 array rounds on {@link #set}.
 */
abstract class Arr {
    /** The ND4J view (for GEMM and for callers); shares memory with the element accessors. */
    final INDArray nd;
    /** Number of elements. */
    final int length;
    /** The shape (2-D for matrices: rows, columns). */
    final long[] shape;

    private Arr(INDArray nd) {
        this.nd = nd;
        this.length = (int) nd.length();
        this.shape = nd.shape().clone();
    }

    /** Rows of a matrix (the first dimension). */
    final int rows() { return (int) shape[0]; }

    /** Columns of a matrix (the product of the other dimensions). */
    final int cols() { return length / (int) shape[0]; }

    /** The NIO view of the values, position 0 at this array's first value (for BLAS calls). */
    abstract java.nio.Buffer nio();

    abstract double get(int i);

    abstract void set(int i, double v);

    final void add(int i, double v) {
        set(i, get(i) + v);
    }

    /** Fills with zeros. Cost: one pass. */
    abstract void zero();

    /** Wraps {@code a}, which must be contiguous row-major (created by this package, or a view of such a block). */
    static Arr of(INDArray a) {
        if (a.dataType() == DataType.DOUBLE) return new D(a);
        if (a.dataType() == DataType.FLOAT) return new F(a);
        throw new IllegalArgumentException("float32 or float64 expected, got " + a.dataType());
    }

    /** A new zero-filled array of the given shape. Cost: one off-heap allocation. */
    static Arr zeros(DataType dtype, long... shape) {
        return of(Nd4j.create(dtype, shape));
    }

    /** A row-major view of {@code base}'s memory: {@code shape}, starting {@code offset} elements after base's start. */
    static Arr view(Arr base, long offset, long... shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        if (offset + s > base.length) throw new IllegalArgumentException("view past the end of its buffer");
        INDArray v = Nd4j.create(base.nd.data(), shape, stride, base.nd.offset() + offset, 'c', base.nd.dataType());
        return of(v);
    }

    private static final class D extends Arr {
        private final DoubleBuffer b;

        D(INDArray a) {
            super(a);
            DoubleBuffer all = a.data().asNioDouble();
            all.position((int) a.offset());
            all.limit((int) (a.offset() + length));
            b = all.slice();
        }

        @Override double get(int i) { return b.get(i); }

        @Override void set(int i, double v) { b.put(i, v); }

        @Override void zero() { for (int i = 0; i < length; i++) b.put(i, 0.0); }

        @Override java.nio.Buffer nio() { return b; }
    }

    private static final class F extends Arr {
        private final FloatBuffer b;

        F(INDArray a) {
            super(a);
            FloatBuffer all = a.data().asNioFloat();
            all.position((int) a.offset());
            all.limit((int) (a.offset() + length));
            b = all.slice();
        }

        @Override double get(int i) { return b.get(i); }

        @Override void set(int i, double v) { b.put(i, (float) v); }

        @Override void zero() { for (int i = 0; i < length; i++) b.put(i, 0f); }

        @Override java.nio.Buffer nio() { return b; }
    }
}
