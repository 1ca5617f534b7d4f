package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.InputException;

/** A bad {@code --set} is blamed on the option, a bad file on the file. */
class SetOverrideTest {
    @TempDir Path dir;

    private static String error(Path yaml, String... sets) {
        return assertThrows(InputException.class, () -> TrainConfig.load(yaml, List.of(sets), null)).getMessage();
    }

    @Test
    void aBadSetKeyOrValueIsBlamedOnTheSetAndABadFileOnTheFile() throws Exception {
        Path good = Path.of("experiments/f1-sb.yaml");
        assertEquals("--set optimizer.lrr: optimizer: unknown key 'lrr'; allowed keys: name, lr, momentum, nesterov, betas, eps, weightDecay, decoupled",
                error(good, "optimizer.lr=0.01", "optimizer.lrr=0.1"));
        assertTrue(error(good, "epochs=many").startsWith("--set epochs: "), error(good, "epochs=many"));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(good).replace("epochs:", "epochz:"));
        assertTrue(error(bad, "optimizer.lr=0.01").startsWith("bad.yaml: "), error(bad, "optimizer.lr=0.01"));
    }
}
