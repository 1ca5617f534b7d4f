package org.minima.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Little-endian bytes assembled by hand, shift by shift, independent of java.nio's ByteBuffer. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u64(long v) {
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)) & 0xFF);
        return this;
    }

    Bytes f32(float v) {
        int b = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) out.write((b >>> (8 * i)) & 0xFF);
        return this;
    }

    Bytes f64(double v) {
        return u64(Double.doubleToRawLongBits(v));
    }

    Bytes ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Bytes raw(int... b) {
        for (int x : b) out.write(x);
        return this;
    }

    byte[] toArray() {
        return out.toByteArray();
    }

    /** A safetensors file: the header length, the header text, then the data bytes. */
    static byte[] safetensors(String header, Bytes data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return new Bytes().u64(h.length).ascii(header).raw(toInts(data.toArray())).toArray();
    }

    static int[] toInts(byte[] b) {
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) r[i] = b[i] & 0xFF;
        return r;
    }

    static long readU64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }

    static float readF32(byte[] b, int at) {
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return Float.intBitsToFloat(v);
    }

    static double readF64(byte[] b, int at) {
        return Double.longBitsToDouble(readU64(b, at));
    }
}
