package org.minima.train;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct views of the off-heap storage of a contiguous ND4J vector, so that an optimizer can update
 * parameters and state in one fused Java loop instead of several ND4J passes (each of which would read
 * and write the whole vector again). Creating a view costs no copy.
 */
final class FlatBuffers {
    private FlatBuffers() {}

    static void requireFlat(INDArray a, String what) {
        if (!(a.isVector() || a.isScalar()) || a.ordering() != 'c' && a.rank() > 1 && !a.isRowVector()) {
            throw new IllegalArgumentException(what + " must be a flat vector, got shape " + java.util.Arrays.toString(a.shape()));
        }
        if (a.elementWiseStride() != 1) {
            throw new IllegalArgumentException(what + " must be contiguous (element-wise stride 1)");
        }
    }

    static FloatBuffer floats(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("expected FLOAT, got " + a.dataType());
        FloatBuffer fb = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return fb.position((int) a.offset()).slice();
    }

    static DoubleBuffer doubles(INDArray a) {
        if (a.dataType() != DataType.DOUBLE) throw new IllegalArgumentException("expected DOUBLE, got " + a.dataType());
        DoubleBuffer db = a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        return db.position((int) a.offset()).slice();
    }
}
