package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.io.ModelDirectory;
import org.minima.io.ModelJson;
import org.minima.io.ModelSpec;
import org.minima.io.Tensor;
import picocli.CommandLine;

/** The front door as a user meets it: exit codes and what lands on stdout and stderr. */
class MainTest {
    @TempDir Path dir;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Exit 2 and exactly one line {@code minima: error: ...} on stderr, nothing on stdout. */
    static String badInput(String... args) {
        Run r = run(args);
        assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.errLines().size(), "one line: " + r.err());
        assertTrue(r.err().startsWith("minima: error: "), r.err());
        assertEquals("", r.out());
        return r.err().strip();
    }

    @Test
    void helpOnTheToolAndOnEveryCommandExitsZero() {
        Run top = run("--help");
        assertEquals(0, top.exit());
        for (String c : List.of("train", "sharpness", "hessian", "interpolate", "landscape", "reproduce", "info", "policies", "bench")) {
            assertTrue(top.out().contains(c), c);
            Run r = run(c, "--help");
            assertEquals(0, r.exit(), c);
            assertTrue(r.out().contains("--threads") && r.out().contains("--quiet") && r.out().contains("--debug"), c + ": " + r.out());
        }
    }

    @Test
    void versionPrintsTheVersionAndTheCommit() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("minima \\S+ \\(commit \\S+\\)\\n"), r.out());
        assertEquals(Version.version(), r.out().split(" ")[1]);
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals("minima: error: a command is required (see 'minima --help')", badInput());
        assertEquals("minima: error: Unknown option: '--bogus' (see 'minima --help')", badInput("--bogus"));
        assertTrue(badInput("trian").startsWith("minima: error: unknown command 'trian', expected one of train, sharpness"));
        assertEquals("minima: error: Unknown option: '--bogus' (see 'minima info --help')", badInput("info", "--bogus"));
        assertEquals("minima: error: Invalid value for option '--threads': 'many' is not an int (see 'minima info --help')",
                badInput("info", "--threads", "many", "--data", "x.csv"));
        assertEquals("minima: error: --threads 0, expected a number >= 1 (see 'minima info --help')", badInput("info", "--threads", "0"));
        assertEquals("minima: error: info needs --model DIR or --data SPEC (see 'minima info --help')", badInput("info"));
    }

    @Test
    void unknownOptionsAndCommandsGetSuggestions() {
        assertEquals("minima: error: Unknown option: '--seeed'; did you mean --seed or --set? (see 'minima train --help')",
                badInput("train", "--seeed", "3"));
        assertTrue(badInput("hesian").contains("; did you mean hessian"), badInput("hesian"));
    }

    @Test
    void everyHelpFitsEightyColumnsWithSortedOptionsWholeWordsAndFullStops() {
        // the answer, read off the printed help: no line longer than 80; option names in alphabetical order; every
        // description paragraph (command, option, parameter) a sentence ending with a full stop; and no word cut:
        // every word printed below the synopsis is a word of the source texts, every synopsis word starts as an
        // option, a parameter or a bracket does (a cut "[--plot=FILE." / "png]" fails both)
        picocli.CommandLine main = Main.commandLine();
        List<String> commands = new java.util.ArrayList<>(List.of(""));
        for (var e : main.getSubcommands().entrySet()) if (!e.getValue().getCommandSpec().usageMessage().hidden()) commands.add(e.getKey());
        for (String c : commands) {
            picocli.CommandLine cl = c.isEmpty() ? main : main.getSubcommands().get(c);
            Run r = c.isEmpty() ? run("--help") : run(c, "--help");
            assertEquals(0, r.exit(), c);
            String[] lines = r.out().split("\n");
            for (String line : lines) assertTrue(line.length() <= 80, c + ": " + line.length() + " columns: " + line);

            java.util.Set<String> words = new java.util.HashSet<>();
            java.util.List<String> paragraphs = new java.util.ArrayList<>(List.of(cl.getCommandSpec().usageMessage().description()));
            for (var o : cl.getCommandSpec().options()) {
                paragraphs.addAll(List.of(o.description()));
                for (String n : o.names()) { words.add(n); words.add(n + ","); words.add(n + "=" + o.paramLabel()); }
            }
            for (var p : cl.getCommandSpec().positionalParameters()) {
                paragraphs.addAll(List.of(p.description()));
                words.add(p.paramLabel());
                words.add("[" + p.paramLabel() + "]");
            }
            for (var sub : cl.getSubcommands().values()) {
                words.add(sub.getCommandName());
                paragraphs.add(sub.getCommandSpec().usageMessage().description()[0]);
            }
            for (String p : paragraphs) {
                assertTrue(p.endsWith("."), (c.isEmpty() ? "minima" : c) + ": a description without a full stop: " + p);
                words.addAll(List.of(p.split(" +")));
            }
            words.addAll(List.of("Usage:", "Commands:"));
            int i = 0;
            for (; i < lines.length && (i == 0 || lines[i].startsWith(" ")); i++) {
                for (String w : lines[i].strip().split(" +")) {
                    assertTrue(w.matches("(Usage:|minima|" + java.util.regex.Pattern.quote(c) + "|\\[.*|-.*|[A-Z].*)"),
                            c + ": a synopsis word cut: '" + w + "' in " + lines[i]);
                }
            }
            for (; i < lines.length; i++) {
                for (String w : lines[i].strip().split(" +")) assertTrue(words.contains(w), c + ": a word cut: '" + w + "' in " + lines[i]);
            }

            java.util.List<String> shown = new java.util.ArrayList<>();
            for (String line : lines) {
                // picocli's order: by the short name when there is one (-h, -V), else the long one, ignoring case
                var m = java.util.regex.Pattern.compile("^(?:  -(\\w), |      )--([\\w-]+)").matcher(line);
                if (m.find()) shown.add((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(java.util.Locale.ROOT));
            }
            java.util.List<String> sorted = new java.util.ArrayList<>(shown);
            java.util.Collections.sort(sorted);
            assertEquals(sorted, shown, c + " --help lists its options unsorted");
        }
    }

    @Test
    void installWritesManPagesTroffFromTheHelpModel() {
        // the answer: a page per visible command, with NAME (the first description line) and every visible option
        picocli.CommandLine cl = Main.commandLine();
        String page = InstallCommand.manPage(cl.getSubcommands().get("hessian"));
        assertTrue(page.startsWith(".TH \"MINIMA-HESSIAN\" 1"), page.lines().findFirst().orElse(""));
        assertTrue(page.contains(".SH NAME\nminima\\-hessian \\- The Hessian spectrum"), page);
        for (var o : cl.getSubcommands().get("hessian").getCommandSpec().options()) {
            if (!o.hidden()) assertTrue(page.contains("\\fB" + o.longestName().replace("-", "\\-") + "\\fR"), o.longestName());
        }
        assertTrue(picocli.AutoComplete.bash("minima", cl).contains("--density-steps"));
    }

    @Test
    void installWritesTheLauncherCompletionAndAManPageForEveryCommand() throws IOException {
        // what `mvn package` leaves in target/ (the pom runs `install target`): the answer is the command list itself,
        // each visible command with its page, named in minima.1 and completed by the script with all its options
        picocli.CommandLine cl = Main.commandLine();
        Path out = dir.resolve("installed");
        InstallCommand.writeFiles(cl, out);
        String completion = Files.readString(out.resolve("minima_completion"));
        String top = Files.readString(out.resolve("man/man1/minima.1"));
        assertTrue(Files.isExecutable(out.resolve("minima")));
        assertTrue(Files.readString(out.resolve("minima")).contains("MINIMA_JAVA_OPTS"));
        int visible = 0;
        for (var e : cl.getSubcommands().entrySet()) {
            boolean hidden = e.getValue().getCommandSpec().usageMessage().hidden();
            Path page = out.resolve("man/man1/minima-" + e.getKey() + ".1");
            assertEquals(!hidden, Files.exists(page), e.getKey());
            if (hidden) continue;
            visible++;
            assertTrue(top.contains("\\fB" + e.getKey().replace("-", "\\-") + "\\fR"), "minima.1 names " + e.getKey());
            assertTrue(completion.contains(e.getKey()), "completion of " + e.getKey());
            for (var o : e.getValue().getCommandSpec().options()) {
                if (!o.hidden()) assertTrue(completion.contains(o.longestName()), e.getKey() + " " + o.longestName());
            }
        }
        try (var pages = Files.list(out.resolve("man/man1"))) { assertEquals(visible + 1, pages.count()); }
    }

    @Test
    void badDataAndModelsExitTwoWithOneLineAndLeaveNoFile() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "1,2,0\n3,x,1\n");
        assertEquals("minima: error: " + csv + ": line 2, column 2: 'x' is not a number", badInput("info", "--data", csv.toString()));
        assertTrue(badInput("info", "--model", dir.resolve("none").toString()).endsWith("none: no such model directory"));
        Files.writeString(dir.resolve("model.json"), "{\"format\": \"minima-model\"}");
        assertTrue(badInput("info", "--model", dir.toString()).endsWith("model.json: key \"version\" is missing, expected 1"));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("bad.csv", "model.json"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void debugAddsTheStackTrace() {
        Run r = run("info", "--debug", "--data", dir.resolve("none.csv").toString());
        assertEquals(2, r.exit());
        assertTrue(r.errLines().size() > 1 && r.err().contains("at org.minima"), r.err());
    }

    @Test
    void infoOnAModelPrintsEachLayerAndTheTotal() {
        // linear 4→3 (15 parameters), relu, linear 3→2 (8): 23 in all, by hand
        ModelSpec spec = ModelJson.parse("{\"format\": \"minima-model\", \"version\": 1, \"input\": [4], \"classes\": 2, \"layers\": ["
                + "{\"type\": \"linear\", \"in\": 4, \"out\": 3}, {\"type\": \"relu\"}, {\"type\": \"linear\", \"in\": 3, \"out\": 2}]}", "m");
        java.util.Map<String, Tensor> t = new java.util.LinkedHashMap<>();
        t.put("layers.0.weight", new Tensor("F32", new long[] {3, 4}, new double[12]));
        t.put("layers.0.bias", new Tensor("F32", new long[] {3}, new double[3]));
        t.put("layers.2.weight", new Tensor("F32", new long[] {2, 3}, new double[6]));
        t.put("layers.2.bias", new Tensor("F32", new long[] {2}, new double[2]));
        Path m = dir.resolve("model");
        ModelDirectory.write(m, spec, t, "F32");
        Run r = run("info", "--model", m.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("linear 4 -> 3") && r.out().contains("[3]") && r.out().contains("15"), r.out());
        assertTrue(r.out().contains("total parameters: 23"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void infoOnDataPrintsCountShapeClassesAndHistogram() throws IOException {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "1,2,0\n3,4,2\n5,6,2\n");
        Run r = run("info", "--data", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("examples: 3"), r.out());
        assertTrue(r.out().contains("shape:    [2]"), r.out());
        assertTrue(r.out().contains("classes:  3"), r.out());
        assertTrue(r.out().matches("(?s).*\\n\\s+2\\s+2\\s+66\\.67%\\n.*"), r.out());
    }
}
