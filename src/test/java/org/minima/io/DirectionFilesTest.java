package org.minima.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectionFilesTest {
    @Test
    void givenDirectionFilesAreTakenInNaturalOrderSoVector2ComesBeforeVector10() {
        // By hand: digit runs compare as numbers, the rest as text.
        List<Path> files = new ArrayList<>(List.of(Path.of("vector_10.safetensors"), Path.of("vector_2.safetensors"),
                Path.of("vector_1.safetensors"), Path.of("a.safetensors")));
        files.sort(DirectionFiles.NATURAL);
        assertEquals(List.of(Path.of("a.safetensors"), Path.of("vector_1.safetensors"), Path.of("vector_2.safetensors"),
                Path.of("vector_10.safetensors")), files);
    }
}
