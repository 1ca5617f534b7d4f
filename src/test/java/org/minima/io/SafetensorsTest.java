package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir Path dir;

    private Path file(byte[] bytes) throws Exception {
        Path p = dir.resolve("t.safetensors");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsAFileAssembledByteByByteFromTheFormatSpec() throws Exception {
        // The format spec: u64 LE header length, JSON header, raw LE data; offsets from the end of the header.
        // Values chosen exactly representable in F32 so the expected doubles are exact.
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[24,40]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[40,48]}}";
        Bytes data = new Bytes().f32(1.5f).f32(-2.25f).f32(0.125f).f32(1e-3f).f32(-0f).f32(3e7f)
                .f64(Math.PI).f64(-1.0 / 3).u64(937);
        Safetensors.Contents c = Safetensors.readContents(file(Bytes.safetensors(header, data)));
        assertEquals(List.of("w", "b", "n"), List.copyOf(c.tensors().keySet()));
        Tensor w = c.tensors().get("w");
        assertEquals("F32", w.dtype());
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new double[] {1.5, -2.25, 0.125, (double) 1e-3f, -0.0, 3e7}, w.data(), 0.0);
        assertArrayEquals(new double[] {Math.PI, -1.0 / 3}, c.tensors().get("b").data(), 0.0);
        assertArrayEquals(new long[] {}, c.tensors().get("n").shape());
        assertArrayEquals(new double[] {937}, c.tensors().get("n").data(), 0.0);
        assertEquals(Map.of("format", "pt"), c.metadata());
    }

    @Test
    void writerOutputParsesWithAHandWrittenByteReader() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layers.0.weight", new Tensor("F64", new long[] {2, 2}, new double[] {0.1, -0.2, 0.3, 1e-40}));
        t.put("layers.0.bias", new Tensor("F64", new long[] {2}, new double[] {7, Math.E}));
        for (String dtype : new String[] {"F32", "F64"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Safetensors.write(out, t, dtype, Map.of("k", "v"));
            byte[] b = out.toByteArray();
            long n = Bytes.readU64(b, 0);
            assertEquals(0, n % 8, "header padded to 8 bytes so the data is aligned");
            JsonNode h = Json.MAPPER.readTree(new String(b, 8, (int) n, StandardCharsets.UTF_8).strip());
            assertEquals("v", h.get("__metadata__").get("k").asText());
            int es = dtype.equals("F32") ? 4 : 8;
            int start = 8 + (int) n;
            assertEquals(start + 6 * es, b.length, "nothing after the data");
            for (Map.Entry<String, Tensor> e : t.entrySet()) {
                JsonNode d = h.get(e.getKey());
                assertEquals(dtype, d.get("dtype").asText());
                assertEquals(Arrays.toString(e.getValue().shape()), Arrays.toString(Json.MAPPER.convertValue(d.get("shape"), long[].class)));
                int begin = d.get("data_offsets").get(0).asInt();
                int end = d.get("data_offsets").get(1).asInt();
                double[] want = e.getValue().data();
                assertEquals(want.length * es, end - begin);
                for (int i = 0; i < want.length; i++) {
                    double got = es == 4 ? Bytes.readF32(b, start + begin + 4 * i) : Bytes.readF64(b, start + begin + 8 * i);
                    assertEquals(es == 4 ? (double) (float) want[i] : want[i], got, 0.0, e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void writeThenReadGivesBackTheSameDoublesInF64() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", new Tensor("F64", new long[] {3}, new double[] {Double.MIN_VALUE, -0.0, 1.0000000000000002}));
        Path p = dir.resolve("x.safetensors");
        Safetensors.write(p, t, "F64");
        assertArrayEquals(t.get("a").data(), Safetensors.read(p).get("a").data(), 0.0);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(p), s.toList(), "no temporary file left behind");
        }
    }

    private static final String ONE = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private InputException corrupt(byte[] bytes) throws Exception {
        InputException e = assertThrows(InputException.class, () -> Safetensors.read(file(bytes)));
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertTrue(e.getMessage().startsWith(dir.resolve("t.safetensors").toString()), "names the file: " + e.getMessage());
        return e;
    }

    @Test
    void aTruncatedFileIsRejectedNamingTheTensor() throws Exception {
        byte[] ok = Bytes.safetensors("{" + ONE + "}", new Bytes().f32(1).f32(2));
        InputException e = corrupt(Arrays.copyOf(ok, ok.length - 3));
        assertTrue(e.getMessage().contains("tensor a") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aFileShorterThanTheLengthFieldIsRejected() throws Exception {
        assertTrue(corrupt(new byte[] {1, 2, 3}).getMessage().contains("too short"));
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRejectedBeforeAllocating() throws Exception {
        // 2^62 bytes: allocating it would fail with OutOfMemoryError rather than a message
        byte[] b = new Bytes().u64(1L << 62).ascii("{}").toArray();
        assertTrue(corrupt(b).getMessage().contains("header length is 4611686018427387904 bytes, but the file has only 2"));
        byte[] neg = new Bytes().u64(-1L).ascii("{}").toArray();
        assertTrue(corrupt(neg).getMessage().contains("18446744073709551615"));
    }

    @Test
    void overlappingOffsetsAreRejected() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        InputException e = corrupt(Bytes.safetensors(h, new Bytes().f32(1).f32(2).f32(3)));
        assertTrue(e.getMessage().contains("tensor b (bytes 4..12) overlaps tensor a"), e.getMessage());
    }

    @Test
    void offsetsOutsideTheDataAreRejected() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        InputException e = corrupt(Bytes.safetensors(h, new Bytes().f32(1).f32(2)));
        assertTrue(e.getMessage().contains("tensor a has data_offsets [8, 16], outside the 8-byte data section"), e.getMessage());
    }

    @Test
    void aHoleInTheDataIsRejected() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertTrue(corrupt(Bytes.safetensors(h, new Bytes().f32(1).f32(2))).getMessage().contains("bytes 0..4 of the data section belong to no tensor"));
    }

    @Test
    void anUnknownDtypeIsRejectedNamingTheTensor() throws Exception {
        String h = "{\"layers.0.weight\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        InputException e = corrupt(Bytes.safetensors(h, new Bytes().raw(0, 0, 0, 0)));
        assertTrue(e.getMessage().contains("tensor layers.0.weight has dtype BF16, expected F32 or F64"), e.getMessage());
    }

    @Test
    void aByteCountThatDisagreesWithDtypeAndShapeIsRejected() throws Exception {
        String h = "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        InputException e = corrupt(Bytes.safetensors(h, new Bytes().f64(1)));
        assertTrue(e.getMessage().contains("tensor a has 8 bytes, but dtype F64 and shape [2] need 16"), e.getMessage());
    }

    @Test
    void aHeaderThatIsNotJsonIsRejected() throws Exception {
        assertTrue(corrupt(Bytes.safetensors("{\"a\":", new Bytes())).getMessage().contains("not valid JSON"));
    }

    @Test
    void aMissingFileIsAnInputError() {
        assertThrows(InputException.class, () -> Safetensors.read(dir.resolve("nope.safetensors")));
    }
}
