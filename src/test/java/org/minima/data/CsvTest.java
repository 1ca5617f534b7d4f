package org.minima.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.InputException;

class CsvTest {
    @TempDir Path dir;

    private String csv(String text) throws Exception {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void featuresThenLabelReadAsWritten() throws Exception {
        DataSet d = DataSets.load(csv("1.5,-2,3e2,0\n0, 0.25 ,7,2\n\n"));
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {3}, d.exampleShape());
        assertEquals(3, d.classes(), "largest label + 1");
        assertArrayEquals(new float[] {1.5f, -2f, 300f, 0f, 0.25f, 7f}, d.rawFeatures(), 0f);
        assertArrayEquals(new int[] {0, 2}, d.labels());
        assertEquals(1, DataSets.load(d.spec(), 1).size());
        assertEquals(5, DataSets.csv(Path.of(d.spec()), 5, null).classes());
    }

    private String error(String text) throws Exception {
        String f = csv(text);
        return assertThrows(InputException.class, () -> DataSets.load(f)).getMessage();
    }

    @Test
    void raggedRowsAreRejectedWithTheLine() throws Exception {
        assertEquals(dir.resolve("d.csv") + ": line 3 has 3 fields, but line 1 has 4", error("1,2,3,0\n4,5,6,1\n7,8,1\n"));
    }

    @Test
    void nonNumericFieldsAreRejectedWithLineAndColumn() throws Exception {
        assertEquals(dir.resolve("d.csv") + ": line 2, column 2: 'abc' is not a number", error("1,2,3,0\n4,abc,6,1\n"));
        assertEquals(dir.resolve("d.csv") + ": line 1, column 1: 'x' is not a number (the file must have no header line)", error("x,y,label\n1,2,0\n"));
        assertEquals(dir.resolve("d.csv") + ": line 1, column 2: 'NaN' is not a finite number", error("1,NaN,0\n"));
    }

    @Test
    void labelsMustBeIntegersFromZero() throws Exception {
        assertEquals(dir.resolve("d.csv") + ": line 2, column 3: label '1.5' is not an integer >= 0", error("1,2,0\n3,4,1.5\n"));
        assertEquals(dir.resolve("d.csv") + ": line 1, column 3: label '-1' is not an integer >= 0", error("1,2,-1\n"));
        Path f = Path.of(csv("1,2,3\n"));
        assertEquals(f + ": line 1, column 3: label 3, expected 0..2", assertThrows(InputException.class, () -> DataSets.csv(f, 3, null)).getMessage());
    }

    @Test
    void emptyAndMissingFilesAreRejected() throws Exception {
        assertEquals(dir.resolve("d.csv") + ": no examples (the file is empty)", error("\n\n"));
        String missing = dir.resolve("none.csv").toString();
        assertEquals(missing + ": no such file", assertThrows(InputException.class, () -> DataSets.load(missing)).getMessage());
    }
}
