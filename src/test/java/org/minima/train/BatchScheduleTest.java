package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch schedules against the sizes Smith et al. (2018, §5.1) and Keskar et al. (2017, §2.2) describe, by hand. */
class BatchScheduleTest {
    @Test
    void aFractionResolvesToThatShareOfTheTrainingSet() {
        assertEquals(6000, BatchSchedule.resolveSize(0.1, 60000)); // Keskar's LB: 10% of 60000
        assertEquals(6, BatchSchedule.resolveSize(0.1, 55));       // 5.5 rounds half up
        assertEquals(60000, BatchSchedule.resolveSize(1.0, 60000)); // 1.0 is the full set
        assertEquals(256, BatchSchedule.resolveSize(256, 60000));
        assertEquals(1, BatchSchedule.resolveSize(1, 60000));       // the integer 1 is one example
    }

    @Test
    void stepScheduleMultipliesTheBatchAtEachMilestoneAndCapsAtN() {
        BatchSchedule s = new BatchSchedule("step", 100, 2, List.of(2, 4), 1000);
        int[] want = {100, 100, 200, 200, 400, 400};
        for (int e = 0; e < want.length; e++) assertEquals(want[e], s.size(e), "epoch " + e);
        assertEquals(1.0, s.lrScale(5));
        BatchSchedule cap = new BatchSchedule("step", 300, 5, List.of(1), 1000);
        assertEquals(1000, cap.size(1));
    }

    @Test
    void smithsThreeSchedulesStepBatchOrRateByTheFactorAtTheMilestones() {
        List<Integer> ms = List.of(60, 120, 160);
        BatchSchedule decay = new BatchSchedule("decaying-lr", 128, 5, ms, 50000);
        BatchSchedule hybrid = new BatchSchedule("hybrid", 128, 5, ms, 50000);
        BatchSchedule inc = new BatchSchedule("increasing-batch", 128, 5, ms, 50000);
        int[] epochs = {0, 59, 60, 119, 120, 160, 199};
        int[] decayB = {128, 128, 128, 128, 128, 128, 128};
        double[] decayS = {1, 1, 0.2, 0.2, 0.04, 0.008, 0.008};
        int[] hybridB = {128, 128, 640, 640, 640, 640, 640};
        double[] hybridS = {1, 1, 1, 1, 0.2, 0.04, 0.04};
        int[] incB = {128, 128, 640, 640, 3200, 16000, 16000};
        for (int k = 0; k < epochs.length; k++) {
            int e = epochs[k];
            assertEquals(decayB[k], decay.size(e), "decaying-lr batch, epoch " + e);
            assertEquals(decayS[k], decay.lrScale(e), 1e-15, "decaying-lr scale, epoch " + e);
            assertEquals(hybridB[k], hybrid.size(e), "hybrid batch, epoch " + e);
            assertEquals(hybridS[k], hybrid.lrScale(e), 1e-15, "hybrid scale, epoch " + e);
            assertEquals(incB[k], inc.size(e), "increasing-batch batch, epoch " + e);
            assertEquals(1.0, inc.lrScale(e), "increasing-batch scale, epoch " + e);
        }
    }

    @Test
    void noiseScaleIsLrTimesNOverBTimesOneMinusMomentum() {
        // Smith et al. 2018 eq. 2 with momentum: g = εN/(B(1 − m)) = 0.1·50000/(128·0.1) = 390.625
        assertEquals(390.625, BatchSchedule.noiseScale(0.1, 50000, 128, 0.9), 1e-9);
        assertEquals(0.001 * 60000 / 256, BatchSchedule.noiseScale(0.001, 60000, 256, 0), 1e-15);
    }
}
