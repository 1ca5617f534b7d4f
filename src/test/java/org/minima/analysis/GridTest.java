package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.minima.io.InputException;
import org.junit.jupiter.api.Test;

class GridTest {

    @Test
    void keskarsDefaultAlphaGridHasTwentyFivePointsInStepsOfAnEighthWithBothEnds() {
        // -1:2:25 is −1, −0.875, …, 2: step 3/24 = 0.125, so α = 0 is point 8 and α = 1 is point 16 (by hand).
        Grid g = Grid.parse("-1:2:25", "--alpha");
        double[] v = g.values();
        assertEquals(25, v.length);
        for (int i = 0; i < 25; i++) assertEquals(-1 + 0.125 * i, v[i], 0.0);
        assertEquals(8, g.indexOf(0.0));
        assertEquals(16, g.indexOf(1.0));
        assertEquals("-1:2:25", g.toString());
    }

    @Test
    void lastPointIsExactlyStopEvenWhenTheStepIsNotRepresentable() {
        // 0:1:4 has step 1/3; the contract says both ends are included, so the last value is 1.0 exactly.
        Grid g = Grid.parse("0:1:4", "--grid");
        assertEquals(0.0, g.value(0), 0.0);
        assertEquals(1.0, g.value(3), 0.0);
        assertEquals(1.0 / 3, g.value(1), 1e-15);
    }

    @Test
    void malformedGridsAreInputErrorsNamingTheOption() {
        for (String bad : new String[] {"1:2", "a:1:3", "0:1:x", "2:1:5", "0:1:0", "0:1:1", "0:nan:3"}) {
            InputException e = assertThrows(InputException.class, () -> Grid.parse(bad, "--grid"), bad);
            assertEquals(true, e.getMessage().startsWith("--grid " + bad), e.getMessage());
        }
        assertEquals(1, Grid.parse("0.5:0.5:1", "--grid").count());
    }
}
