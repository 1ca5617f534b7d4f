package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory is never seen half-written, and safetensors reading neither trusts nor reads more than it
 * must. The answers: the files a crash leaves (a simulated crash between the two files: the same disk state as
 * a kill there, which KillAndResumeTest does for real), and values written at known long offsets.
 */
class WholeWritesTest {
    @TempDir Path dir;

    @AfterEach
    void noCrash() {
        ModelDirectory.beforeSecondFile = () -> {};
    }

    static final class Crash extends RuntimeException {}

    private static ModelSpec spec(int classes) {
        return ModelJson.parse(ModelDirectoryTest.MODEL.replace("\"classes\": 2", "\"classes\": " + classes), "m");
    }

    @Test
    void aNewModelDirectoryCrashedBetweenItsTwoFilesDoesNotExist() throws Exception {
        ModelDirectory.beforeSecondFile = () -> {
            throw new Crash();
        };
        Path m = dir.resolve("m");
        assertThrows(Crash.class, () -> ModelDirectory.write(m, spec(2), ModelDirectoryTest.tensors("F32"), "F32"));
        assertFalse(Files.exists(m));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no temporary folder left either");
        }
    }

    @Test
    void anExistingModelDirectoryCrashedBetweenItsTwoFilesIsRefusedNotMixed() throws Exception {
        Path m = dir.resolve("m");
        Files.createDirectories(m);
        Files.writeString(m.resolve("history.csv"), "a run directory holds more than the model\n");
        ModelDirectory.write(m, spec(2), ModelDirectoryTest.tensors("F32"), "F32");
        assertEquals(2, ModelDirectory.read(m).spec().classes());
        // the new weights land, then the writer dies before the new model.json: the old one stays beside them
        ModelDirectory.beforeSecondFile = () -> {
            throw new Crash();
        };
        Map<String, Tensor> t = ModelDirectoryTest.tensors("F32");
        ModelSpec other = ModelJson.parse(ModelDirectoryTest.MODEL.replace("\"layers\"", "\"preprocess\": {\"scale\": 0.5}, \"layers\""), "m");
        assertThrows(Crash.class, () -> ModelDirectory.write(m, other, t, "F32"));
        InputException e = assertThrows(InputException.class, () -> ModelDirectory.read(m));
        assertTrue(e.getMessage().contains("weights.safetensors was written for another model.json"), e.getMessage());
    }

    @Test
    void aTensorPastTwoGibibytesIsReadAtItsLongOffsetAndAnUnwantedOneIsNeverRead() throws Exception {
        // a sparse file: tensor "big" of 2^29 F32 zeros (2 GiB, unread), then "small" = [1.5, -2.25] at offset 2^31
        long bigBytes = 1L << 31;
        String header = "{\"big\": {\"dtype\": \"F32\", \"shape\": [536870912], \"data_offsets\": [0, " + bigBytes + "]}, "
                + "\"small\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [" + bigBytes + ", " + (bigBytes + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("w.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(h.length).put(h);
            raf.write(head.array());
            raf.seek(8 + h.length + bigBytes);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2.25f).array());
        }
        long start = System.nanoTime();
        Map<String, Tensor> t = Safetensors.readContents(f, headers -> {
            assertEquals(Set.of("big", "small"), headers.keySet());
            assertArrayEquals(new long[] {536870912}, headers.get("big").shape());
            return Set.of("small");
        }).tensors();
        assertEquals(Set.of("small"), t.keySet());
        assertArrayEquals(new double[] {1.5, -2.25}, t.get("small").data());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "2 GiB were not read");
    }

    @Test
    void nonFiniteWeightsAreNamedByTensorAndIndex() {
        Map<String, Tensor> t = Map.of("layers.0.weight", new Tensor("F32", new long[] {2, 3}, new double[] {0, 1, 2, 3, Double.NaN, 5}));
        InputException e = assertThrows(InputException.class, () -> ModelDirectory.requireFinite(t, "w.safetensors"));
        assertEquals("w.safetensors: tensor layers.0.weight holds NaN at index [1, 1] (flat 4); expected finite weights and statistics", e.getMessage());
    }
}
