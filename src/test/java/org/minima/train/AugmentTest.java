package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.nn.Evaluation;
import org.minima.nn.Network;

/** Augment against hand-shifted and hand-mirrored images; seeding; evaluation never augmented. */
class AugmentTest {
    // one 1×3×4 image, values 1..12 row by row
    static final float[] IMG = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static float[] shifted(int dy, int dx, boolean mirror) {
        float[] out = new float[12];
        Augment.shift(IMG, 0, 1, 3, 4, dy, dx, mirror, out, 0);
        return out;
    }

    @Test
    void aTranslationEqualsTheHandShiftedImageWithZerosWhereUncovered() {
        // down 1, right 2: the first row is empty, the first two columns zero
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 5, 6}, shifted(1, 2, false));
        // up 1, left 1
        assertArrayEquals(new float[] {6, 7, 8, 0, 10, 11, 12, 0, 0, 0, 0, 0}, shifted(-1, -1, false));
        assertArrayEquals(IMG, shifted(0, 0, false));
    }

    @Test
    void aFlipMirrorsEachRowAndChannelsStaySeparate() {
        assertArrayEquals(new float[] {4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9}, shifted(0, 0, true));
        float[] two = new float[24], out = new float[24];
        for (int i = 0; i < 24; i++) two[i] = i;
        Augment.shift(two, 0, 2, 3, 4, 0, 0, true, out, 0);
        assertArrayEquals(new float[] {15, 14, 13, 12}, Arrays.copyOfRange(out, 12, 16)); // channel 1, row 0
    }

    @Test
    void everyDrawnShiftIsWithinKAndTheSameSeedGivesTheSameBatch() {
        float[] src = new float[5 * 12];
        for (int r = 0; r < 5; r++) System.arraycopy(IMG, 0, src, r * 12, 12);
        int[] rows = {4, 0, 3, 1, 2};
        Augment a = new Augment(1, true);
        float[] b1 = new float[60], b2 = new float[60], b3 = new float[60];
        a.apply(src, rows, 5, 1, 3, 4, b1, 42);
        a.apply(src, rows, 5, 1, 3, 4, b2, 42);
        a.apply(src, rows, 5, 1, 3, 4, b3, 43);
        assertArrayEquals(b1, b2);
        assertFalse(Arrays.equals(b1, b3));
        // each example is one of the 3·3·2 hand-made variants
        for (int r = 0; r < 5; r++) {
            float[] ex = Arrays.copyOfRange(b1, r * 12, r * 12 + 12);
            boolean found = false;
            for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) for (boolean m : new boolean[] {false, true}) {
                found |= Arrays.equals(ex, shifted(dy, dx, m));
            }
            assertEquals(true, found, "example " + r + " " + Arrays.toString(ex));
        }
    }

    /** 1×4×4 images of two classes (bright left half or right half), with a linear model on the flattened image. */
    static DataSet halves(int n) {
        float[] x = new float[n * 16];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int p = 0; p < 16; p++) x[i * 16 + p] = ((p % 4 < 2) == (y[i] == 0)) ? 200 + i % 7 : 20 + i % 5;
        }
        return new DataSet("halves", new int[] {1, 4, 4}, 2, x, y);
    }

    static Map<String, Object> imageConfig(Map<String, Object> optimizer, int epochs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", Map.of("input", List.of(1, 4, 4), "classes", 2, "preprocess", Map.of("scale", 1.0 / 255),
                "layers", List.of(Map.of("type", "flatten"), Map.of("type", "linear", "in", 16, "out", 2))));
        m.put("data", Map.of("train", "halves"));
        m.put("optimizer", optimizer);
        m.put("batch", Map.of("size", 8));
        m.put("epochs", epochs);
        m.put("seed", 3);
        return m;
    }

    @Test
    void evaluationNeverSeesAugmentationAndTheTrainingSetIsUntouched() {
        DataSet data = halves(40);
        float[] before = data.rawFeatures().clone();
        Map<String, Object> raw = imageConfig(Map.of("name", "sgd", "lr", 0.5), 2);
        raw.put("augment", Map.of("translate", 2, "flip", true));
        TrainConfig cfg = TrainConfig.parse(raw, "t");
        assertEquals(new Augment(2, true), cfg.augment());
        Network net = TrainerTest.network(cfg);
        Trainer.Outcome out = new Trainer(cfg, net, data, data, null, null).run(Trainer.start());
        assertArrayEquals(before, data.rawFeatures());
        // the last row's losses are those of the final weights on the plain data (an augmented pass would be random)
        Evaluation e = net.evaluate(data, 1000);
        History.Row last = out.state().rows().get(1);
        assertEquals(e.loss(), last.trainLoss(), 0.0);
        assertEquals(e.loss(), last.testLoss(), 0.0);
    }

    @Test
    void augmentingChangesTrainingButIsDeterministicForASeed() {
        DataSet data = halves(40);
        float[][] w = new float[3][];
        for (int k = 0; k < 3; k++) {
            Map<String, Object> raw = imageConfig(Map.of("name", "sgd", "lr", 0.5), 2);
            if (k < 2) raw.put("augment", Map.of("crop", 1));
            TrainConfig cfg = TrainConfig.parse(raw, "t");
            Network net = TrainerTest.network(cfg);
            new Trainer(cfg, net, data, null, null, null).run(Trainer.start());
            w[k] = net.parameters().toFloatVector();
        }
        assertArrayEquals(w[0], w[1], 0f);
        assertFalse(Arrays.equals(w[0], w[2]));
    }

    @Test
    void augmentOnFlatDataOrWithABadKeyIsRefusedNamingTheKey() {
        Map<String, Object> raw = TrainerTest.config(TrainerTest.linearModel(2), Map.of("name", "sgd", "lr", 0.1), Map.of("name", "fixed"),
                Map.of("size", 8), 1, 1);
        raw.put("augment", Map.of("translate", 1));
        TrainConfig cfg = TrainConfig.parse(raw, "t");
        InputException e = assertThrows(InputException.class,
                () -> new Trainer(cfg, TrainerTest.network(cfg), TrainerTest.blobs(30, 1, false), null, null, null));
        assertEquals(true, e.getMessage().startsWith("augment: needs images"), e.getMessage());
        raw.put("augment", Map.of("shift", 1));
        InputException k = assertThrows(InputException.class, () -> TrainConfig.parse(raw, "t"));
        assertEquals(true, k.getMessage().contains("unknown key 'shift'"), k.getMessage());
    }
}
