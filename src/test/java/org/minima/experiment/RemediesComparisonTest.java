package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;
import org.minima.io.Json;

/** The report's remedies section on hand-made results (verdicts worked out by hand) and the paper-remedies fixture's reader. */
class RemediesComparisonTest {
    private static final List<String> EPS = List.of("1e-3");

    /** results.json with one run per (role, test accuracy as a fraction, φ at ε = 1e-3). */
    private static ObjectNode results(String spec, Object... roleAccPhi) {
        ObjectNode o = Json.object();
        ArrayNode runs = o.putArray("runs");
        for (int i = 0; i < roleAccPhi.length; i += 3) {
            ObjectNode r = runs.addObject();
            r.put("name", "r" + i);
            r.put("role", (String) roleAccPhi[i]);
            r.put("modelSpec", spec);
            r.put("testAccuracy", (Double) roleAccPhi[i + 1]);
            r.putObject("sharpness").put("1e-3", (Double) roleAccPhi[i + 2]);
        }
        return o;
    }

    private static String section(ObjectNode results, List<PaperRemedies.Value> paper) {
        StringBuilder md = new StringBuilder();
        RemediesComparison.append(md, results, EPS, paper);
        return md.toString();
    }

    private static String row(String md, String start) {
        for (String line : md.split("\n")) if (line.startsWith(start)) return line;
        throw new AssertionError("no line starting with '" + start + "' in\n" + md);
    }

    @Test
    void eachRemedyIsJudgedAgainstTheGapAndTheSharpnessOfSbAndLb() {
        // SB 0.90, 0.92 (mean 91, std √2), φ 1, 1; LB 0.80, 0.82 (mean 81), φ 100, 100: gap 10 points, √(1·100) = 10.
        ObjectNode res = results("f1", "SB", 0.90, 1.0, "SB", 0.92, 1.0, "LB", 0.80, 100.0, "LB", 0.82, 100.0,
                "LB+a", 0.86, 50.0, "LB+a", 0.86, 50.0,   // +5 points = 50% of the gap; φ 50 ≥ 10: stayed sharp
                "LB+b", 0.93, 2.0,                        // 93 ≥ 91: closed (2 points above SB, more than SB's std √2); φ 2 < 10: flat
                "LB+c", 0.805, 10.0);                     // 80.5 < 81: did not narrow, by 0.5 < √2: within noise; φ 10 = the midpoint
        String md = section(res, List.of());
        assertTrue(md.contains("SB − LB test-accuracy gap: +10.00 points"), md);
        assertEquals("| SB | 2 | 91.00 ± 1.41 | 1.00 ± 0.00 | 1.00× |", row(md, "| SB |"));
        assertEquals("| LB+b | 1 | 93.00 | 2.00 | 2.00× |", row(md, "| LB+b | 1")); // one run: no ±
        String a = row(md, "| LB+a | +");
        assertTrue(a.startsWith("| LB+a | +5.00 | 50% | **narrowed** |"), a);
        assertTrue(a.contains("**stayed sharp** (50.00; SB 1.00, LB 100.00)"), a);
        String b = row(md, "| LB+b | +");
        assertTrue(b.startsWith("| LB+b | +12.00 | 120% | **closed** |"), b);
        assertTrue(b.contains("**became flat**"), b);
        String c = row(md, "| LB+c | -");
        assertTrue(c.startsWith("| LB+c | -0.50 | -5% | **did not narrow** (within noise) |"), c);
        assertTrue(c.contains("**stayed sharp**"), c);
    }

    @Test
    void noGapAndNoSharperLbAreSaidAsSuch() {
        String md = section(results("f1", "SB", 0.80, 5.0, "LB", 0.85, 2.0, "LB+a", 0.90, 3.0), List.of());
        String a = row(md, "| LB+a | +");
        assertTrue(a.contains("| — | no gap to close (LB ≥ SB) | LB not sharper than SB |"), a);
    }

    @Test
    void aGapOrASharpnessDifferenceBelowTheStandardDeviationsIsCalledNoise() {
        // SB 84, 86 (mean 85, std √2 ≈ 1.41) against LB 84.5, 84.5: a gap of 0.5 < 1.41. φ: SB 10, 30 and LB 20, 40
        // (std √200 ≈ 14.1 each): LB − SB = 10 < 14.1.
        String md = section(results("f1", "SB", 0.84, 10.0, "SB", 0.86, 30.0, "LB", 0.845, 20.0, "LB", 0.845, 40.0, "LB+a", 0.90, 25.0), List.of());
        assertTrue(md.contains("SB − LB test-accuracy gap: +0.50 points, within noise (below the larger standard deviation of SB and LB, 1.41)"), md);
        String a = row(md, "| LB+a | +");
        assertTrue(a.startsWith("| LB+a | +5.50 | — | no clear gap to close (SB − LB within noise) | LB not clearly sharper than SB (within noise) |"), a);
        // φ: SB 1, 1 and LB 100, 100 (midpoint 10); the remedy 8, 14: mean 11, std √18 ≈ 4.24 > |11 − 10|
        md = section(results("f1", "SB", 0.90, 1.0, "SB", 0.90, 1.0, "LB", 0.80, 100.0, "LB", 0.80, 100.0, "LB+a", 0.85, 8.0, "LB+a", 0.85, 14.0), List.of());
        assertTrue(row(md, "| LB+a | +").contains("| **stayed sharp** (within noise) (11.00; SB 1.00, LB 100.00) |"), md);
    }

    @Test
    void onlyExperimentsWithSbLbAndAnotherRoleGetTheSection() {
        assertEquals("", section(results("f1", "SB", 0.9, 1.0, "LB", 0.8, 9.0), List.of()));
        assertEquals("", section(results("f1", "B64", 0.9, 1.0, "B512", 0.8, 9.0, "B4096", 0.8, 9.0), List.of()));
    }

    @Test
    void theEmptyFixtureIsSaidPlainlyAndAFilledOneIsShownForTheRunsNetworkOnly() {
        ObjectNode res = results("f1", "SB", 0.9, 1.0, "LB", 0.8, 9.0, "LB+a", 0.85, 9.0);
        String none = section(res, List.of());
        assertTrue(none.contains("holds no values of the paper for F1"), none);
        assertTrue(none.contains("no value is typed from memory"), none);
        // made-up test values, not the paper's
        List<PaperRemedies.Value> fake = PaperRemedies.parse("""
                network,role,quantity,mean,std,source
                F1,LB+a,testAccuracy,12.5,,Table X
                F1,LB+a,sharpness@1e-3,3.25,0.5,Table Y
                C1,LB+a,testAccuracy,7,1,Table Z
                """, "test.csv");
        String some = section(res, fake);
        assertTrue(some.contains("| LB+a | test acc. (%) | 12.50 | Table X |"), some);
        assertTrue(some.contains("| LB+a | φ ε=1e-3 | 3.25 ± 0.50 | Table Y |"), some);
        assertFalse(some.contains("Table Z"), some);
        assertTrue(section(results("inline", "SB", 0.9, 1.0, "LB", 0.8, 9.0, "LB+a", 0.85, 9.0), fake).contains("not one of the paper's"));
    }

    @Test
    void theFixtureReaderNamesTheLineAndWhatItExpected() {
        String h = PaperRemedies.HEADER + "\n";
        assertEquals(List.of(), PaperRemedies.parse("# only a comment\n" + h, "f.csv"));
        assertMessage("f.csv line 1: expected the header", "network,role\n");
        assertMessage("f.csv line 2: network 'X9'", h + "X9,LB,testAccuracy,1,1,T\n");
        assertMessage("f.csv line 2: quantity 'accuracy'", h + "F1,LB,accuracy,1,1,T\n");
        assertMessage("f.csv line 2: mean: expected a number, got 'abc'", h + "F1,LB,testAccuracy,abc,1,T\n");
        assertMessage("f.csv line 2: source is empty", h + "F1,LB,testAccuracy,1,1,\n");
        assertMessage("f.csv line 2: expected 6 comma-separated fields", h + "F1,LB,testAccuracy,1\n");
        assertMessage("f.csv: no header line", "# nothing\n");
    }

    private static void assertMessage(String start, String text) {
        InputException e = assertThrows(InputException.class, () -> PaperRemedies.parse(text, "f.csv"));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void theShippedFixtureReadsAndItsRowsAreForThePapersNetworks() {
        List<PaperRemedies.Value> rows = PaperRemedies.load();
        for (PaperRemedies.Value v : rows) assertTrue(PaperNumbers.NETWORKS.contains(v.network()) && !v.source().isBlank(), v.toString());
        String md = section(results("f1", "SB", 0.9, 1.0, "LB", 0.8, 9.0, "LB+a", 0.85, 9.0), rows);
        assertEquals(rows.stream().noneMatch(v -> v.network().equals("F1")), md.contains("holds no values of the paper for F1"), md);
    }
}
