package org.minima.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A contiguous row-major ND4J array together with fast element access from Java. GEMMs go to
 * OpenBLAS ({@link Blas}); the element-wise parts of the layers (bias, batch norm, ReLU, pooling,
 * softmax) are plain Java loops over the same off-heap memory: no JNI call per operation, no
 * temporaries, and a fixed summation order (so results are bit-reproducible). Values are read and
 * written as double; a float32 array rounds on {@link #set}.
 *
 * <p>Access goes through {@code sun.misc.Unsafe} ({@link OffHeap}): NIO buffers' bounds and scope checks cost several
 * times the arithmetic of these loops. Indices are checked by {@code assert} (on in the tests, {@code -ea}).
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

    /** A float32 array? Then {@link #getFloat} and {@link #setFloat} move its values without widening. */
    abstract boolean f32();

    /**
     * Value i as stored in a float32 array (for a float64 one, rounded). Kernels use it where float arithmetic gives
     * the bits of the double path: a copy, a comparison, or one addition of two floats, whose double sum rounded to
     * float is the float sum (53 ≥ 2·24 + 2 bits; Figueroa 1995), so the conversions can go.
     */
    abstract float getFloat(int i);

    /** Sets value i of a float32 array (of a float64 one, widened). */
    abstract void setFloat(int i, float v);

    final void add(int i, double v) {
        set(i, get(i) + v);
    }

    /** Fills with zeros. Cost: one pass. */
    abstract void zero();

    /** Values [from, from + len) set to +0. Cost: a loop, or for 64 values and more a memset (a native call, about 0.1 µs). */
    final void zero(int from, int len) {
        assert from >= 0 && from + len <= length : "zero outside the array";
        if (len >= 64) {
            U.setMemory(address() + ((long) from << (f32() ? 2 : 3)), (long) len << (f32() ? 2 : 3), (byte) 0);
        } else {
            for (int i = from, end = from + len; i < end; i++) set(i, 0.0);
        }
    }

    /** dst[to .. to + len) = src[from .. from + len), the bits as stored (one memory copy; src and dst of one dtype, not overlapping). */
    static void copy(Arr src, int from, Arr dst, int to, int len) {
        if (src.f32() != dst.f32()) throw new IllegalArgumentException("copy between float32 and float64 arrays");
        assert from >= 0 && from + len <= src.length && to >= 0 && to + len <= dst.length : "copy outside the arrays";
        int shift = src.f32() ? 2 : 3;
        U.copyMemory(src.address() + ((long) from << shift), dst.address() + ((long) to << shift), (long) len << shift);
    }

    /** The address of value 0. */
    abstract long address();

    /** A new array's wrapper (offset 0); views come from {@link #view}, which knows their address. */
    static Arr of(INDArray a) {
        if (a.offset() != 0) throw new IllegalArgumentException("a fresh array expected");
        long address = a.data().addressPointer().address();
        if (a.dataType() == DataType.DOUBLE) return new D(a, address, a.data().asNioDouble());
        if (a.dataType() == DataType.FLOAT) return new F(a, address, a.data().asNioFloat());
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
        if (offset < 0 || offset + s > base.length) throw new IllegalArgumentException("view past the end of its buffer");
        INDArray v = Nd4j.create(base.nd.data(), shape, stride, base.nd.offset() + offset, 'c', base.nd.dataType());
        int off = (int) offset;
        if (base instanceof D d) {
            return new D(v, d.address + 8L * off, d.b.duplicate().position(off).limit(off + (int) s));
        }
        F f = (F) base;
        return new F(v, f.address + 4L * off, f.b.duplicate().position(off).limit(off + (int) s));
    }

    private static final sun.misc.Unsafe U = OffHeap.U;

    private static final class D extends Arr {
        private final DoubleBuffer b;
        private final long address;

        /** {@code address}: of value 0; {@code nio}: positioned on value 0 (the INDArray {@code a} keeps the memory alive). */
        D(INDArray a, long address, java.nio.Buffer nio) {
            super(a);
            this.address = address;
            this.b = ((DoubleBuffer) nio).slice();
        }

        @Override double get(int i) {
            assert i >= 0 && i < length : i + " outside [0, " + length + ")";
            return U.getDouble(address + ((long) i << 3));
        }

        @Override void set(int i, double v) {
            assert i >= 0 && i < length : i + " outside [0, " + length + ")";
            U.putDouble(address + ((long) i << 3), v);
        }

        @Override void zero() { U.setMemory(address, (long) length << 3, (byte) 0); }

        @Override boolean f32() { return false; }

        @Override long address() { return address; }


        @Override float getFloat(int i) { return (float) get(i); }

        @Override void setFloat(int i, float v) { set(i, v); }

        @Override java.nio.Buffer nio() { return b; }
    }

    private static final class F extends Arr {
        private final FloatBuffer b;
        private final long address;

        F(INDArray a, long address, java.nio.Buffer nio) {
            super(a);
            this.address = address;
            this.b = ((FloatBuffer) nio).slice();
        }

        @Override double get(int i) {
            assert i >= 0 && i < length : i + " outside [0, " + length + ")";
            return U.getFloat(address + ((long) i << 2));
        }

        @Override void set(int i, double v) {
            assert i >= 0 && i < length : i + " outside [0, " + length + ")";
            U.putFloat(address + ((long) i << 2), (float) v);
        }

        @Override void zero() { U.setMemory(address, (long) length << 2, (byte) 0); }

        @Override boolean f32() { return true; }

        @Override long address() { return address; }


        @Override float getFloat(int i) {
            assert i >= 0 && i < length : i + " outside [0, " + length + ")";
            return U.getFloat(address + ((long) i << 2));
        }

        @Override void setFloat(int i, float v) {
            assert i >= 0 && i < length : i + " outside [0, " + length + ")";
            U.putFloat(address + ((long) i << 2), v);
        }

        @Override java.nio.Buffer nio() { return b; }
    }
}
