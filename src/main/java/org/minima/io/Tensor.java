package org.minima.io;

import java.util.Arrays;

/**
 * One named tensor of a safetensors file, held in float64 whatever its stored dtype ({@code F32} or
 * {@code F64}). Row-major, shape as PyTorch has it.
 */
public record Tensor(String dtype, long[] shape, double[] data) {
    public Tensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }
}
