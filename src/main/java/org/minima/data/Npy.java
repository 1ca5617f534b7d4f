package org.minima.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.minima.io.InputException;

/**
 * numpy's own files (docs/data.md), read by this small reader of the documented {@code .npy} format
 * (numpy.lib.format: magic {@code \x93NUMPY}, version 1–3, a little-endian header length, a Python dict
 * literal with {@code descr}, {@code fortran_order}, {@code shape}, then the values in C order):
 * {@code npz:FILE} holds arrays {@code x} ({@code [N, …]}) and {@code y} ({@code [N]}, integers), a zip of
 * {@code x.npy} and {@code y.npy} as {@code numpy.savez} and {@code savez_compressed} write it;
 * {@code npy:X.npy,Y.npy} is the same pair as two files. Features become float32 (float64 values are rounded,
 * as every reader here stores raw values as float32); labels must be an integer dtype, ≥ 0.
 * Example shape: {@code [d]} for x of shape {@code [N, d]}, {@code [1, H, W]} for {@code [N, H, W]},
 * {@code [C, H, W]} for {@code [N, C, H, W]}. Cost: one pass over the values; the bytes of one array are
 * held once while they are converted.
 */
final class Npy {
    private Npy() {}

    /** One array as read: its shape and its values, unconverted, as little- or big-endian bytes. */
    record Array(String where, String descr, long[] shape, ByteBuffer data) {
        long count() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    static DataSet readNpz(String spec, Path file, Integer limit) {
        if (!Files.exists(file)) throw new InputException(spec + ": " + file + ": no such file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Array x = entry(zip, file, "x"), y = entry(zip, file, "y");
            return dataSet(spec, x, y, limit);
        } catch (ZipException e) {
            throw new InputException(file + ": not a zip file, expected an .npz file written by numpy.savez (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    static DataSet readPair(String spec, Path xFile, Path yFile, Integer limit) {
        return dataSet(spec, read(xFile), read(yFile), limit);
    }

    private static Array entry(ZipFile zip, Path file, String name) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            List<String> names = new ArrayList<>();
            zip.stream().forEach(z -> names.add(z.getName()));
            throw new InputException(file + ": no array '" + name + "', expected arrays x and y (numpy.savez(FILE, x=..., y=...)); it has "
                    + String.join(", ", names));
        }
        try (InputStream in = zip.getInputStream(e)) {
            return parse(file + ":" + name, in);
        }
    }

    static Array read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString(), new java.io.BufferedInputStream(in));
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Parses one .npy stream; {@code where} names it in messages. */
    static Array parse(String where, InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = new byte[8];
        try {
            int got = in.readNBytes(magic, 0, 8);
            if (got < 8 || (magic[0] & 0xff) != 0x93 || !new String(magic, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
                throw new InputException(where + ": not an .npy file (no \\x93NUMPY magic), expected an array written by numpy.save");
            }
            int major = magic[6];
            if (major < 1 || major > 3) throw new InputException(where + ": .npy format version " + major + "." + magic[7] + ", expected 1, 2 or 3");
            byte[] len = new byte[major == 1 ? 2 : 4];
            in.readFully(len);
            ByteBuffer lb = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = major == 1 ? lb.getShort() & 0xffff : lb.getInt() & 0xffffffffL;
            if (headerLength > 1 << 20) throw new InputException(where + ": .npy header of " + headerLength + " bytes, expected a short dict");
            byte[] header = new byte[(int) headerLength];
            in.readFully(header);
            String h = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = group(DESCR, h, where, "descr");
            if (group(FORTRAN, h, where, "fortran_order").equals("True")) {
                throw new InputException(where + ": fortran_order is True, expected C order (save numpy.ascontiguousarray(a))");
            }
            long[] shape = shape(group(SHAPE, h, where, "shape"), where);
            int size = itemSize(descr, where);
            long count = 1;
            for (long d : shape) count = Math.multiplyExact(count, d);
            long bytes = count * size;
            if (bytes > Integer.MAX_VALUE - 16) throw new InputException(where + ": " + bytes + " bytes of values, more than one array here can hold (2 GB)");
            byte[] data = new byte[(int) bytes];
            in.readFully(data);
            ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            return new Array(where, descr, shape, ByteBuffer.wrap(data).order(order));
        } catch (EOFException e) {
            throw new InputException(where + ": the file ends early (truncated .npy)");
        } catch (ArithmeticException e) {
            throw new InputException(where + ": shape too large");
        }
    }

    private static String group(Pattern p, String header, String where, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new InputException(where + ": .npy header has no '" + key + "': " + header.strip());
        return m.group(1);
    }

    private static long[] shape(String s, String where) {
        List<Long> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            if (part.isBlank()) continue;
            try {
                dims.add(Long.parseLong(part.strip().replace("L", "")));
            } catch (NumberFormatException e) {
                throw new InputException(where + ": .npy shape (" + s + ") is not a tuple of integers");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Bytes per value of the dtypes read here: floats f4, f8; integers i1–i8, u1–u8; bool b1 (float16 is refused). */
    private static int itemSize(String descr, String where) {
        if (descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            String kind = descr.substring(1);
            switch (kind) {
                case "f4", "i4", "u4": return 4;
                case "f8", "i8", "u8": return 8;
                case "i2", "u2": return 2;
                case "i1", "u1", "b1": return 1;
                default: break;
            }
        }
        throw new InputException(where + ": dtype '" + descr + "', expected float32/64 or an integer type (f4, f8, i1-i8, u1-u8)");
    }

    private static boolean isInteger(String descr) {
        char k = descr.charAt(1);
        return k == 'i' || k == 'u' || k == 'b';
    }

    /** Value {@code i} of {@code a}, widened to double (exact for every dtype here except i8/u8 beyond 2^53). */
    private static double value(Array a, int i) {
        ByteBuffer b = a.data;
        return switch (a.descr.substring(1)) {
            case "f4" -> b.getFloat(4 * i);
            case "f8" -> b.getDouble(8 * i);
            case "i1" -> b.get(i);
            case "u1", "b1" -> b.get(i) & 0xff;
            case "i2" -> b.getShort(2 * i);
            case "u2" -> b.getShort(2 * i) & 0xffff;
            case "i4" -> b.getInt(4 * i);
            case "u4" -> b.getInt(4 * i) & 0xffffffffL;
            case "i8" -> b.getLong(8 * i);
            case "u8" -> b.getLong(8 * i) < 0 ? Double.POSITIVE_INFINITY : b.getLong(8 * i);
            default -> throw new IllegalStateException(a.descr);
        };
    }

    private static DataSet dataSet(String spec, Array x, Array y, Integer limit) {
        if (x.shape.length < 2 || x.shape.length > 4) {
            throw new InputException(x.where + ": shape " + java.util.Arrays.toString(x.shape) + ", expected [N, d], [N, H, W] or [N, C, H, W]");
        }
        if (y.shape.length != 1) throw new InputException(y.where + ": shape " + java.util.Arrays.toString(y.shape) + ", expected [N] labels");
        if (!isInteger(y.descr)) throw new InputException(y.where + ": dtype '" + y.descr + "', expected integer labels (y.astype(numpy.int64))");
        long n = x.shape[0];
        if (y.shape[0] != n) throw new InputException(spec + ": x has " + n + " examples but y has " + y.shape[0]);
        if (n == 0) throw new InputException(spec + ": no examples (x is empty)");
        if (limit != null && limit > n) throw new InputException(spec + ": --examples " + limit + ", but the data has only " + n + " examples");
        int rows = limit != null ? limit : (int) n;
        int[] shape = new int[x.shape.length == 3 ? 3 : x.shape.length - 1];
        if (x.shape.length == 3) shape[0] = 1;
        for (int k = 1; k < x.shape.length; k++) shape[shape.length - x.shape.length + k] = Math.toIntExact(x.shape[k]);
        long features = x.count() / n;
        float[] xs = new float[Math.toIntExact(rows * features)];
        for (int i = 0; i < xs.length; i++) {
            double v = value(x, i);
            if (!Double.isFinite(v)) throw new InputException(x.where + ": value " + i + " is " + v + ", expected finite numbers");
            xs[i] = (float) v;
        }
        int[] ys = new int[rows];
        int max = 0;
        for (int i = 0; i < rows; i++) {
            double v = value(y, i);
            if (v < 0 || v > Integer.MAX_VALUE) throw new InputException(y.where + ": label " + i + " is " + (long) v + ", expected an integer >= 0");
            ys[i] = (int) v;
            max = Math.max(max, ys[i]);
        }
        return new DataSet(spec, shape, max + 1, xs, ys);
    }
}
