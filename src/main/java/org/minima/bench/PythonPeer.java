package org.minima.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a peer benchmark script under Debian's /usr/bin/python3 (where {@code python3-torch} installs PyTorch), so a
 * benchmark can time the peer in the same run as ours. The script prints one JSON object on stdout.
 */
final class PythonPeer {
    static final String PYTHON = "/usr/bin/python3";

    private PythonPeer() {}

    /** Null when the script exists and torch and scipy import; else why the peer cannot run. */
    static String missing(Path script) {
        if (!Files.isRegularFile(script)) return script + " not found (run from a source checkout)";
        if (!Files.isExecutable(Path.of(PYTHON))) return PYTHON + " not found";
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, scipy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "torch or scipy is not installed for " + PYTHON + " (apt-get install python3-torch python3-scipy)";
        } catch (IOException e) {
            return PYTHON + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Runs {@code python3 ARGS}, its stderr passed through, and parses the JSON object it prints. */
    static JsonNode run(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited with " + code);
            return new ObjectMapper().readTree(out.substring(out.indexOf('{')));
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    static Path temporaryFolder(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
