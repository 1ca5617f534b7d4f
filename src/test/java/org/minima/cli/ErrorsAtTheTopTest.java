package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;
import org.minima.nn.Memory;

/**
 * Errors that picocli never hands to a handler (out of heap or native memory) end as one line with exit 1, saying
 * what ran out and how to give more; memory estimates over the limit are refused as bad input. The answers are
 * the contract lines of docs/cli.md, "Exit codes and errors".
 */
class ErrorsAtTheTopTest {
    private static String handled(Error e, boolean debug) {
        StringWriter w = new StringWriter();
        assertEquals(Main.EXIT_FAILURE, Main.handleError(e, new PrintWriter(w), debug));
        return w.toString();
    }

    @Test
    void heapExhaustionIsOneLineNamingTheHeapItsLimitAndXmx() {
        String s = handled(new OutOfMemoryError("Java heap space"), false);
        assertEquals(1, s.lines().count(), s);
        assertTrue(s.startsWith("minima: error: out of Java heap memory (Java heap space, limit "), s);
        assertTrue(s.contains("-Xmx") && s.contains("(run with --debug for the stack trace)"), s);
        assertFalse(s.contains("OutOfMemoryError"), s);
    }

    @Test
    void nativeExhaustionNamesWhatWasAskedAndTheOffHeapLimits() {
        OutOfMemoryError e = new OutOfMemoryError("Cannot allocate new LongPointer(1000000000): totalBytes = 2000000000, physicalBytes = 3000000000");
        String s = handled(e, false);
        assertEquals(1, s.lines().count(), s);
        assertTrue(s.contains("out of off-heap memory") && s.contains("asked for 1000000000 more elements")
                && s.contains("with 2.00 GB already in use"), s);
        assertTrue(s.contains("-Dorg.bytedeco.javacpp.maxbytes") && s.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes"), s);
    }

    @Test
    void debugPrintsTheTraceBeforeTheLine() {
        String s = handled(new StackOverflowError(), true);
        assertTrue(s.contains("at org.minima") && s.strip().endsWith("give Java more with -Xss (e.g. java -Xss16m -jar minima.jar ...)"), s);
    }

    @Test
    void anEstimateOverTheFreeOffHeapMemoryIsBadInputWithTheEstimate() {
        InputException e = assertThrows(InputException.class,
                () -> Memory.require(Long.MAX_VALUE / 2, "a chunk of 1000 examples", "use a smaller --chunk"));
        assertTrue(e.getMessage().startsWith("a chunk of 1000 examples needs about 4611686018.43 GB of off-heap memory, but only "), e.getMessage());
        assertTrue(e.getMessage().contains("use a smaller --chunk, or give Java more memory"), e.getMessage());
        // an overflowed estimate (-1) is refused too, never taken for "small"
        assertThrows(InputException.class, () -> Memory.require(Memory.times(Long.MAX_VALUE, 2), "x", null));
    }
}
