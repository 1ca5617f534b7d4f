package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;

/** {@code plot} reads what {@code interpolate} wrote: the committed Figure 3 CSV, and refusals with the line. */
class InterpolationCsvTest {
    @Test
    void theCommittedFigure3CsvReadsWithItsValues() throws Exception {
        List<Interpolation.Point> p = Interpolation.readCsv(Files.readString(Path.of("plots/interpolation-sb-lb.csv")), "csv");
        assertEquals(25, p.size());
        // the first data row of the file, as text: -1.0,0.4450844930884772,0.93,1.5450965594855144,0.8622
        assertEquals(-1.0, p.get(0).alpha());
        assertEquals(0.4450844930884772, p.get(0).train().loss());
        assertEquals(0.93, p.get(0).train().accuracy());
        assertEquals(1.5450965594855144, p.get(0).test().loss());
        assertEquals(0.8622, p.get(0).test().accuracy());
    }

    @Test
    void anOldHeaderOrABadNumberIsNamed() {
        assertEquals("f: header 'alpha,train_loss,train_accuracy,test_loss,test_accuracy', expected alpha,trainLoss,trainAccuracy,testLoss,testAccuracy"
                + " (an interpolation.csv)",
                assertThrows(InputException.class, () -> Interpolation.readCsv("alpha,train_loss,train_accuracy,test_loss,test_accuracy\n", "f")).getMessage());
        assertEquals("f: line 2, column 3: 'x' is not a number",
                assertThrows(InputException.class, () -> Interpolation.readCsv("alpha,trainLoss,trainAccuracy,testLoss,testAccuracy\n0,1,x,2,3\n", "f"))
                        .getMessage());
    }
}
