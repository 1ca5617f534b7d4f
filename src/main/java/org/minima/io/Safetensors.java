package org.minima.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (huggingface/safetensors, "Format"): an unsigned 64-bit little-endian header
 * length {@code N}; {@code N} bytes of UTF-8 JSON, {@code {name: {"dtype", "shape", "data_offsets":
 * [begin, end]}, "__metadata__": {string: string}}}; then the raw little-endian data, offsets counted
 * from the end of the header. The data buffer is covered by the tensors without holes or overlaps.
 *
 * <p>Reads {@code F32}, {@code F64} and {@code I64} (batch norm's {@code num_batches_tracked}) into
 * float64 {@link Tensor}s; writes {@code F32} or {@code F64}. Everything is checked before anything
 * large is allocated: the header length against the file size, each tensor's offsets against the data
 * size and against {@code dtype × shape}.
 */
public final class Safetensors {
    /** The reference implementation refuses headers above 100 MB; so do we. */
    static final long MAX_HEADER = 100L << 20;

    /** Tensors (in header order) and the optional {@code __metadata__}. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private Safetensors() {}

    /** Bytes per element of a dtype this tool reads, or 0 when unknown. */
    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32" -> 4;
            default -> 0;
        };
    }

    /**
     * The most elements one tensor may have: its values are held in one Java {@code double[]} (float64), whose
     * length is an int. Larger tensors are refused from the header (docs/model-directory.md).
     */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** A tensor as its header describes it, before any data is read. */
    public record Header(String dtype, long[] shape) {}

    /** The tensors of {@code file}, in header order. */
    public static Map<String, Tensor> read(Path file) {
        return readContents(file).tensors();
    }

    public static Contents readContents(Path file) {
        return readContents(file, null);
    }

    /**
     * Like {@link #readContents(Path)}, but {@code select} sees every tensor's header (name → dtype and shape, in
     * header order) before any data is read: it may refuse them (an InputException) and returns the names to read;
     * the others are skipped unread. Null reads all.
     */
    public static Contents readContents(Path file, java.util.function.Function<Map<String, Header>, java.util.Set<String>> select) {
        String f = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new InputException(f + ": " + size + " bytes, too short for a safetensors file (at least an 8-byte header length)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, f);
            long n = lenBuf.getLong(0);
            if (n < 2 || n > size - 8) {
                throw new InputException(f + ": header length is " + Long.toUnsignedString(n) + " bytes, but the file has only "
                        + (size - 8) + " bytes after the length field (truncated or not a safetensors file)");
            }
            if (n > MAX_HEADER) throw new InputException(f + ": header length " + n + " bytes exceeds the 100 MB limit of the format");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, f);
            String headerText = new String(hb.array(), StandardCharsets.UTF_8);
            JsonNode header = Json.parse(headerText, f + " (header)");
            if (!header.isObject()) throw new InputException(f + ": header is not a JSON object");
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = Collections.emptyMap();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    metadata = metadata(e.getValue(), f);
                } else {
                    entries.add(entry(e.getKey(), e.getValue(), f, dataSize));
                }
            }
            checkCoverage(entries, dataSize, f);
            java.util.Set<String> wanted = null;
            if (select != null) {
                Map<String, Header> headers = new LinkedHashMap<>();
                for (Entry e : entries) headers.put(e.name, new Header(e.dtype, e.shape.clone()));
                wanted = select.apply(headers);
            }
            long need = 0;
            for (Entry e : entries) if (wanted == null || wanted.contains(e.name)) need += e.count * 8;
            requireHeap(need, f);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN); // 1 MB staging, reused
            for (Entry e : entries) {
                if (wanted != null && !wanted.contains(e.name)) continue;
                tensors.put(e.name, new Tensor(e.dtype, e.shape, readValues(ch, b, dataStart + e.begin, e, f)));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new InputException(f + ": no such file");
        } catch (IOException e) {
            throw new InputException(f + ": cannot read: " + e.getMessage());
        }
    }

    private record Entry(String name, String dtype, long[] shape, long count, long begin, long end) {}

    private static Entry entry(String name, JsonNode v, String f, long dataSize) {
        String at = f + ": tensor " + name;
        if (!v.isObject()) throw new InputException(at + " is " + v + ", expected {dtype, shape, data_offsets}");
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) throw new InputException(at + " has no \"dtype\" string");
        String dtype = dt.asText();
        int es = elementSize(dtype);
        if (es == 0) throw new InputException(at + " has dtype " + dtype + ", expected F32 or F64 (or I64 for num_batches_tracked)");
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) throw new InputException(at + " has no \"shape\" array");
        long[] shape = new long[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new InputException(at + " has shape " + sh + ", expected non-negative integers");
            }
            shape[i] = d.asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException overflow) {
                count = Long.MAX_VALUE;
            }
        }
        if (count > MAX_ELEMENTS) {
            throw new InputException(at + " has shape " + sh + ", " + (count == Long.MAX_VALUE ? "more than 2^63" : count)
                    + " elements; this tool holds at most " + MAX_ELEMENTS + " (2^31 − 9) per tensor");
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new InputException(at + " has data_offsets " + off + ", expected [begin, end] integers");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new InputException(at + " has data_offsets [" + begin + ", " + end + "], outside the " + dataSize + "-byte data section (truncated file?)");
        }
        if (end - begin != count * es) {
            throw new InputException(at + " has " + (end - begin) + " bytes, but dtype " + dtype + " and shape " + Arrays.toString(shape)
                    + " need " + count * es);
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new InputException(at + " has unknown key \"" + k + "\", expected dtype, shape, data_offsets");
            }
        }
        return new Entry(name, dtype, shape, count, begin, end);
    }

    /** The format requires the tensors to tile the data section exactly: no overlap, no hole. */
    private static void checkCoverage(List<Entry> entries, long dataSize, String f) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin < pos) {
                throw new InputException(f + ": tensor " + e.name + " (bytes " + e.begin + ".." + e.end + ") overlaps tensor "
                        + prev.name + " (bytes " + prev.begin + ".." + prev.end + ")");
            }
            if (e.begin > pos) {
                throw new InputException(f + ": bytes " + pos + ".." + e.begin + " of the data section belong to no tensor (before tensor "
                        + e.name + "); expected the tensors to cover the data without holes");
            }
            pos = e.end;
            prev = e;
        }
        if (pos != dataSize) {
            throw new InputException(f + ": the data section has " + dataSize + " bytes, but the tensors cover only " + pos
                    + " (extra bytes at the end)");
        }
    }

    private static Map<String, String> metadata(JsonNode m, String f) {
        if (!m.isObject()) throw new InputException(f + ": __metadata__ is " + m + ", expected an object of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new InputException(f + ": __metadata__." + e.getKey() + " is " + e.getValue() + ", expected a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /**
     * One tensor's values as float64, streamed from long offset {@code pos} through the staging buffer {@code b}
     * (so a tensor of any size the format allows costs its double[] and 1 MB, never a byte copy of itself).
     */
    private static double[] readValues(FileChannel ch, ByteBuffer b, long pos, Entry e, String f) throws IOException {
        double[] d = new double[(int) e.count];
        int es = elementSize(e.dtype);
        int per = b.capacity() / es;
        for (int i = 0; i < d.length; i += per) {
            int n = Math.min(per, d.length - i);
            b.clear().limit(n * es);
            readFully(ch, b, pos + (long) i * es, f);
            b.flip();
            switch (e.dtype) {
                case "F32" -> { for (int k = 0; k < n; k++) d[i + k] = b.getFloat(); }
                case "F64" -> { for (int k = 0; k < n; k++) d[i + k] = b.getDouble(); }
                case "I64" -> { for (int k = 0; k < n; k++) d[i + k] = b.getLong(); }
                default -> throw new IllegalStateException(e.dtype);
            }
        }
        return d;
    }

    /** Refuses (exit 2) tensors whose float64 copies would not fit in what is left of the Java heap. */
    private static void requireHeap(long bytes, String f) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            throw new InputException(f + ": the tensors to read need " + String.format(java.util.Locale.ROOT, "%.2f", bytes / 1e9)
                    + " GB of Java heap as float64, but only " + String.format(java.util.Locale.ROOT, "%.2f", free / 1e9)
                    + " GB is free; give Java more with -Xmx (e.g. java -Xmx16g -jar minima.jar ...)");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, String f) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) throw new InputException(f + ": file ended early (truncated)");
        }
    }

    /** Writes {@code tensors} (in map order) as {@code dtype} ({@code F32} or {@code F64}), atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, String dtype, Map<String, String> metadata) {
        AtomicFiles.write(file, out -> write(out, tensors, dtype, metadata));
    }

    public static void write(Path file, Map<String, Tensor> tensors, String dtype) {
        write(file, tensors, dtype, Map.of());
    }

    /**
     * Writes the format to {@code out}. The header is padded with spaces to a multiple of 8 bytes so
     * that the data is 8-byte aligned (as the reference writer does). F32 rounds each value to nearest.
     */
    public static void write(OutputStream out, Map<String, Tensor> tensors, String dtype, Map<String, String> metadata) throws IOException {
        if (!dtype.equals("F32") && !dtype.equals("F64")) throw new IllegalArgumentException("dtype must be F32 or F64, got " + dtype);
        int es = elementSize(dtype);
        ObjectNode header = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long pos = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("a tensor cannot be named __metadata__");
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            ArrayNode s = t.putArray("shape");
            for (long d : e.getValue().shape()) s.add(d);
            long bytes = (long) e.getValue().data().length * es;
            ArrayNode o = t.putArray("data_offsets");
            o.add(pos);
            o.add(pos + bytes);
            pos += bytes;
        }
        byte[] json = Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded);
        b.put(json);
        while (b.hasRemaining()) b.put((byte) ' ');
        out.write(b.array());
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN); // 64 KB staging, reused
        for (Tensor t : tensors.values()) {
            for (double v : t.data()) {
                if (chunk.remaining() < 8) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                if (es == 4) chunk.putFloat((float) v);
                else chunk.putDouble(v);
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }
}
