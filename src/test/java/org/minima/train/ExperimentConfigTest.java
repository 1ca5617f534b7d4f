package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped Keskar F1 configs parse, and their batches are the paper's SB 256 and LB 10% of 60000 = 6000. */
class ExperimentConfigTest {
    @Test
    void keskarF1ConfigsGiveBatches256And6000OnSixtyThousandExamples() {
        TrainConfig sb = TrainConfig.load(Path.of("experiments/f1-sb.yaml"), List.of(), null);
        TrainConfig lb = TrainConfig.load(Path.of("experiments/f1-lb.yaml"), List.of(), null);
        assertEquals(256, sb.batch().resolve(60000, "sb").size(0));
        assertEquals(6000, lb.batch().resolve(60000, "lb").size(0));
        assertEquals("adam", lb.optimizer().name());
        assertEquals(1e-3, lb.optimizer().lr());
    }
}
