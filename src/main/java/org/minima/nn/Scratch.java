package org.minima.nn;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Work arrays shared by the layers of one network (layers run one after another, so one set is
 * enough): a slot grows to the largest size asked for and is then reused, so passes allocate nothing.
 */
final class Scratch {
    private final DataType dtype;
    private Arr[] slots = new Arr[4];

    Scratch(DataType dtype) {
        this.dtype = dtype;
    }

    /** Slot {@code i} with at least {@code size} values (contents undefined). Not thread-safe: take slots before forking. */
    Arr get(int i, long size) {
        if (i >= slots.length) slots = java.util.Arrays.copyOf(slots, i + 1);
        if (slots[i] == null || slots[i].length < size) {
            Memory.require(Memory.times(size, dtype.width()), "a layer's scratch buffer of " + size + " values (im2col)", "use a smaller --chunk or batch size");
            slots[i] = Arr.zeros(dtype, size);
        }
        return slots[i];
    }
}
