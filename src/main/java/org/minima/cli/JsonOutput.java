package org.minima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.minima.io.AtomicFiles;
import org.minima.io.Json;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --json FILE}: where a command's JSON goes (stdout without it), for {@code sharpness} and {@code hessian}. */
public final class JsonOutput {
    @Spec(Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON to FILE instead of stdout.")
    public Path json;

    /** Bad input (exit 2) when FILE cannot be written; call before minutes of work, not after. */
    public void requireWritable() {
        if (json != null) AtomicFiles.requireWritable(json, "--json");
    }

    /** The JSON to FILE (atomically) or to the command's stdout. */
    public void print(JsonNode o) {
        if (json != null) {
            Json.write(json, o);
        } else {
            PrintWriter out = mixee.commandLine().getOut();
            out.print(Json.toString(o));
            out.flush();
        }
    }
}
