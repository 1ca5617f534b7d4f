package org.minima.analysis;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between Java {@code double[]} and contiguous ND4J arrays (float64 or float32), so optimizers that
 * work on plain arrays can drive an {@link Objective}. For float64 a copy is one memcpy through the native pointer
 * (O(n), no allocation); for float32 it converts element by element through a caller-owned {@code float[]}
 * scratch. Arrays must be contiguous ({@code length()} elements from their buffer offset), as the flat parameter
 * vectors and the buffers made here are.
 */
final class FlatVectors {
    private FlatVectors() {}

    /** A fresh contiguous vector of {@code n} entries of {@code dtype} (float64 or float32). */
    static INDArray vector(DataType dtype, long n) {
        checkType(dtype);
        return org.nd4j.linalg.factory.Nd4j.create(dtype, n);
    }

    /** dst[offset .. offset+len) = src[0 .. len); {@code scratch} is used (and must be ≥ len) for float32. */
    static void put(double[] src, int len, INDArray dst, long offset, float[] scratch) {
        checkContiguous(dst, offset + len);
        if (dst.dataType() == DataType.DOUBLE) {
            DoublePointer ptr = new DoublePointer(dst.data().addressPointer());
            ptr.position(ptr.position() + dst.offset() + offset).put(src, 0, len);
        } else {
            for (int i = 0; i < len; i++) scratch[i] = (float) src[i];
            FloatPointer ptr = new FloatPointer(dst.data().addressPointer());
            ptr.position(ptr.position() + dst.offset() + offset).put(scratch, 0, len);
        }
    }

    /** dst[0 .. len) = src[offset .. offset+len); {@code scratch} is used for float32. */
    static void get(INDArray src, long offset, double[] dst, int len, float[] scratch) {
        checkContiguous(src, offset + len);
        if (src.dataType() == DataType.DOUBLE) {
            DoublePointer ptr = new DoublePointer(src.data().addressPointer());
            ptr.position(ptr.position() + src.offset() + offset).get(dst, 0, len);
        } else {
            FloatPointer ptr = new FloatPointer(src.data().addressPointer());
            ptr.position(ptr.position() + src.offset() + offset).get(scratch, 0, len);
            for (int i = 0; i < len; i++) dst[i] = scratch[i];
        }
    }

    /**
     * dst[0 .. len) = a[0 .. len) + b[0 .. len): the sum and the copy in one pass (no scratch, no allocation but
     * the buffer view).
     */
    static void putSum(double[] a, double[] b, int len, INDArray dst) {
        checkContiguous(dst, len);
        if (dst.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer out = dst.data().asNioDouble();
            int base = (int) dst.offset();
            for (int i = 0; i < len; i++) out.put(base + i, a[i] + b[i]);
        } else {
            java.nio.FloatBuffer out = dst.data().asNioFloat();
            int base = (int) dst.offset();
            for (int i = 0; i < len; i++) out.put(base + i, (float) (a[i] + b[i]));
        }
    }

    /** dst[0 .. len) = −src[0 .. len): the copy and the negation in one pass. */
    static void getNegated(INDArray src, double[] dst, int len) {
        checkContiguous(src, len);
        int base = (int) src.offset();
        if (src.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer in = src.data().asNioDouble();
            for (int i = 0; i < len; i++) dst[i] = -in.get(base + i);
        } else {
            java.nio.FloatBuffer in = src.data().asNioFloat();
            for (int i = 0; i < len; i++) dst[i] = -in.get(base + i);
        }
    }

    /** The whole of a contiguous vector as a new double[] (setup only, not for hot paths). */
    static double[] toDoubles(INDArray v) {
        int n = Math.toIntExact(v.length());
        double[] out = new double[n];
        get(v, 0, out, n, v.dataType() == DataType.DOUBLE ? null : new float[n]);
        return out;
    }

    static float[] scratchFor(DataType dtype, int n) {
        checkType(dtype);
        return dtype == DataType.DOUBLE ? null : new float[n];
    }

    private static void checkType(DataType dtype) {
        if (dtype != DataType.DOUBLE && dtype != DataType.FLOAT) {
            throw new IllegalArgumentException("only float64 and float32 vectors are supported, got " + dtype);
        }
    }

    private static void checkContiguous(INDArray a, long needed) {
        checkType(a.dataType());
        if (a.length() < needed) throw new IllegalArgumentException("array of length " + a.length() + " is shorter than " + needed);
        if (a.rank() > 1 && !(a.ordering() == 'c' && a.elementWiseStride() == 1) && !(a.ordering() == 'f' && a.elementWiseStride() == 1)) {
            throw new IllegalArgumentException("array must be contiguous");
        }
        if (a.rank() == 1 && a.elementWiseStride() != 1) throw new IllegalArgumentException("vector must be contiguous");
    }
}
