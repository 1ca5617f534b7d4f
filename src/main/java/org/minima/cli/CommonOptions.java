package org.minima.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command takes (docs/cli.md, "Running it"). */
public final class CommonOptions {
    @Spec(Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

    /** Threads for BLAS and ND4J; 0 means all cores. */
    public int threads = 0;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for BLAS and ND4J loops (default: all cores).")
    void setThreads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(mixee.commandLine(), "--threads " + n + ", expected a number >= 1");
        threads = n;
    }

    @Option(names = "--quiet", description = "No progress output on stderr.")
    public boolean quiet;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    public boolean debug;
}
