package org.minima.nn;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Raw reads and writes of the off-heap memory ND4J keeps its arrays in, through {@code sun.misc.Unsafe}: the
 * element-wise kernels ({@link Arr}, the optimizers' update pass) read and write floats and doubles at an address,
 * without the bounds and scope checks of NIO buffers (which cost several times the arithmetic of those loops) and
 * without a JNI call. The caller checks its indices and keeps the array reachable while it uses the address.
 */
public final class OffHeap {
    static final sun.misc.Unsafe U = unsafe();

    private OffHeap() {}

    @SuppressWarnings("removal")
    private static sun.misc.Unsafe unsafe() {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no access to sun.misc.Unsafe", e);
        }
    }

    /**
     * The address of {@code a}'s first value: the start of its buffer's whole memory ({@code asNio()}, which for a view's
     * buffer is its parent's) plus the array's offset, which counts from there (as for {@code asNio()} readers). Cost: a
     * JNI call.
     */
    public static long address(INDArray a) {
        Pointer p = new Pointer(a.data().asNio());
        return p.address() + (p.position() + a.offset()) * a.dataType().width();
    }

    public static float getFloat(long address) { return U.getFloat(address); }

    public static void putFloat(long address, float v) { U.putFloat(address, v); }

    public static double getDouble(long address) { return U.getDouble(address); }

    public static void putDouble(long address, double v) { U.putDouble(address, v); }
}
