package org.minima.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.minima.bench.Benchmark;
import org.minima.bench.Benchmarks;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.nn.Threads;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: runs the registered benchmarks and prints a table of medians and ratios (docs/benchmarks.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"The performance benchmark: medians of repeated timings and their ratios.", "See docs/benchmarks.md."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SharedOptions.JsonFile json;

    @Option(names = "--only", paramLabel = "NAME", description = "Run only this benchmark (one of: ${COMPLETION-CANDIDATES}).",
            completionCandidates = Names.class)
    String only;

    @Option(names = "--repeats", paramLabel = "R", description = "Timed runs of each measurement; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats = 5;

    static final class Names extends ArrayList<String> {
        Names() { super(Benchmarks.names()); }
    }

    @Override
    public Integer call() {
        if (repeats < 1) throw new InputException("--repeats " + repeats + ", expected a number >= 1");
        List<Benchmark> chosen = new ArrayList<>();
        for (Benchmark b : Benchmarks.ALL) if (only == null || b.name().equals(only)) chosen.add(b);
        if (chosen.isEmpty()) throw new InputException("--only " + only + ": no such benchmark; the benchmarks are " + String.join(", ", Benchmarks.names()));
        json.requireWritable(); // before the benchmarks, not after
        Threads.configure(common.threads);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("threads %d, repeats %d (medians)%n", Threads.current(), repeats);
        out.printf("%-8s %-34s %12s  %-8s %s%n", "bench", "metric", "median", "unit", "note");
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (Benchmark b : chosen) {
            if (!common.quiet) System.err.println("bench: " + b.name() + ": " + b.description());
            for (Benchmark.Row r : b.run(repeats)) {
                out.printf("%-8s %-34s %12.4g  %-8s %s%n", b.name(), r.metric(), r.median(), r.unit(), r.extra());
                out.flush();
                ObjectNode o = results.addObject();
                o.put("benchmark", b.name());
                o.put("metric", r.metric());
                o.put("median", r.median());
                o.put("unit", r.unit());
                o.put("note", r.extra());
            }
        }
        if (json.file != null) {
            ObjectNode root = Json.object();
            root.put("threads", Threads.current());
            root.put("repeats", repeats);
            root.put("cores", Runtime.getRuntime().availableProcessors());
            root.put("java", System.getProperty("java.version"));
            root.set("results", results);
            Json.write(json.file, root);
        }
        return Main.EXIT_OK;
    }
}
