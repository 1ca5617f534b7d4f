package org.minima.cli;

import picocli.CommandLine.Option;

/** Options every command takes (CONTRACT.md, "Running it"). */
public final class CommonOptions {
    @Option(names = "--threads", paramLabel = "N", description = "Threads for BLAS and ND4J loops (default: all cores).")
    public int threads = 0;

    @Option(names = "--quiet", description = "No progress output on stderr.")
    public boolean quiet;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    public boolean debug;
}
