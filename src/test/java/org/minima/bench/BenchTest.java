package org.minima.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import org.minima.cli.Main;
import org.minima.nn.Presets;
import org.junit.jupiter.api.Test;

class BenchTest {
    @Test
    void f1GradientGemmFlopsAreTwoProductsForTheFirstLayerAndThreeForTheOthers() {
        // counted by hand: 2·N·(2·784·512 + 3·(4·512·512 + 512·10)) flops for N = 10
        double expected = 2.0 * 10 * (2 * 784 * 512 + 3 * (4 * 512 * 512 + 512 * 10));
        assertEquals(expected, F1Benchmark.gradientGemmFlops(Presets.build("f1"), 10));
    }

    @Test
    void medianIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
        assertEquals(2.0, Benchmarks.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Benchmarks.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void unknownBenchmarkNameIsAnInputError() {
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            assertEquals(Main.EXIT_INPUT, Main.run("bench", "--only", "nosuch"));
            assertEquals(Main.EXIT_INPUT, Main.run("bench", "--repeats", "0"));
        } finally {
            System.setErr(err);
        }
    }
}
