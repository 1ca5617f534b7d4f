package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.minima.analysis.HessianAnalysis;
import org.minima.analysis.SharpnessOptions;
import picocli.CommandLine;

class CommandDefaultsTest {
    @Test
    void sharpnessWithoutFlagsRunsTheOptionsDefaults() {
        // a default written in a picocli annotation (eps keeps "1e-3" for its help text) must be the options' own
        SharpnessCommand c = new SharpnessCommand();
        new CommandLine(c).parseArgs("--model", "m", "--data", "d.csv");
        assertEquals(SharpnessOptions.defaults(), c.options());
    }

    @Test
    void hessianWithoutFlagsRunsTheOptionsDefaults() {
        HessianCommand c = new HessianCommand();
        new CommandLine(c).parseArgs("--model", "m", "--data", "d.csv");
        assertEquals(HessianAnalysis.Options.defaults(), c.options());
    }

    @Test
    void flagsReachTheOptions() {
        HessianCommand c = new HessianCommand();
        new CommandLine(c).parseArgs("--model", "m", "--data", "d.csv", "--top", "3", "--seed", "9", "--chunk", "7", "--tol", "0.5");
        assertEquals(HessianAnalysis.Options.defaults().withTop(3).withSeed(9).withChunk(7).withTolerance(0.5), c.options());
        SharpnessCommand s = new SharpnessCommand();
        new CommandLine(s).parseArgs("--model", "m", "--data", "d.csv", "--eps", "5e-4", "--subspace", "4", "--seed", "2", "--chunk", "11");
        assertEquals(SharpnessOptions.defaults().withEps(5e-4).withSubspace(4).withSeed(2).withChunk(11), s.options());
        SharpnessCommand m = new SharpnessCommand();
        new CommandLine(m).parseArgs("--model", "m", "--data", "d.csv", "--subspace", "4", "--subspace-matrix", "unit", "--start", "corner");
        assertEquals(SharpnessOptions.defaults().withSubspace(4).withSubspaceMatrix(org.minima.analysis.RandomSubspace.Kind.UNIT)
                .withStart(SharpnessOptions.StartAt.CORNER), m.options());
    }
}
