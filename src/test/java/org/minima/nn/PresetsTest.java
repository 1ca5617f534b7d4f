package org.minima.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.minima.io.Architecture;
import org.minima.io.InputException;
import org.minima.io.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Keskar et al.'s networks as presets. */
class PresetsTest {
    @Test
    void presetsHaveTheParameterCountsOfTheirArchitectures() {
        // counted by hand from Keskar et al. 2017's Table 1 description (weights + biases + BN γ, β):
        // F1 784·512+512 + 4·(512²+512) + 5·1024 + 5130; C1 4864+128+102464+128+1573248+768+73920+384+1930;
        // C2 the 13 VGG convs 3×3 + BN, then 512·512+512 + 1024 + 512·K+K
        long[] expected = {1_462_794, 1_757_834, 14_991_946, 1_775_204, 15_038_116};
        String[] names = {"f1", "c1", "c2", "c3", "c4"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(expected[i], Architecture.of(Presets.build(names[i]), names[i]).parameterCount(), names[i]);
        }
        assertEquals(expected[0], Network.create(Presets.build("f1"), DataType.FLOAT).parameterCount());
    }

    @Test
    void presetsScalePixelsBy1Over255AndNothingElse() {
        // Keskar et al.'s code: inputs are pixels / 255, no mean subtraction
        for (String name : Presets.NAMES) {
            ModelSpec.Preprocess p = Presets.build(name).preprocess();
            assertEquals(1.0 / 255.0, p.scale());
            assertEquals(0.0, p.mean()[0]);
            assertEquals(1.0, p.std()[0]);
        }
        assertEquals(784, Presets.build("f1").inputSize());
        assertEquals(3 * 32 * 32, Presets.build("c2").inputSize());
        assertEquals(100, Presets.build("c3").classes());
    }

    @Test
    void unknownPresetIsAnInputErrorListingThePresets() {
        InputException e = assertThrows(InputException.class, () -> Presets.build("f9"));
        assertEquals(true, e.getMessage().contains("f1, c1, c2, c3, c4"));
    }
}
