package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Views share memory with their base at the right offsets, for the Java accessors, ND4J and BLAS alike. */
class ArrTest {
    @Test
    void nestedViewsReadAndWriteTheBaseAtTheirOffsets() {
        // independent answer: ND4J's own getDouble on the base array
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            Arr base = Arr.zeros(dt, 30);
            Arr v = Arr.view(base, 5, 3, 4);
            Arr vv = Arr.view(v, 6, 2, 3);
            v.set(0, 7);
            vv.set(1, 9);
            vv.nd.putScalar(new long[] {1, 2}, 4.0); // vv[5] = base[5 + 6 + 5]
            assertEquals(7.0, base.nd.getDouble(5));
            assertEquals(9.0, base.nd.getDouble(12));
            assertEquals(4.0, base.get(16));
            assertEquals(4.0, vv.get(5));
            vv.zero();
            assertEquals(0.0, base.get(12));
            assertEquals(7.0, base.get(5));
        }
    }

    @Test
    void gemmIntoAViewAtAnOffsetMatchesTheProductByHand() {
        // [1 2; 3 4]·[1 0 1; 0 1 1] = [1 2 3; 3 4 7], written at offset 4 of a 20-value buffer, then β = 1 doubles it
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            Arr a = Arr.zeros(dt, 2, 2), b = Arr.zeros(dt, 2, 3), base = Arr.zeros(dt, 20);
            double[] av = {1, 2, 3, 4}, bv = {1, 0, 1, 0, 1, 1};
            for (int i = 0; i < 4; i++) a.set(i, av[i]);
            for (int i = 0; i < 6; i++) b.set(i, bv[i]);
            Arr c = Arr.view(base, 4, 2, 3);
            Blas.gemm(a, false, b, false, c, 1.0, 0.0);
            Blas.gemm(a, false, b, false, c, 1.0, 1.0);
            double[] expected = {2, 4, 6, 6, 8, 14};
            for (int i = 0; i < 6; i++) assertEquals(expected[i], base.nd.getDouble(4 + i));
            assertEquals(0.0, base.get(3));
            assertEquals(0.0, base.get(10));
        }
    }
}
