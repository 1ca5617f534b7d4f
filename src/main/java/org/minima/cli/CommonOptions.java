package org.minima.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command takes (docs/cli.md, "Running it"). */
public final class CommonOptions {
    @Spec(Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

    /** Threads for BLAS and ND4J; 0 means all cores. Under Slurm, the task's CPUs (not all of the node's). */
    public int threads = slurmCpus(System.getenv("SLURM_CPUS_PER_TASK"));

    /** SLURM_CPUS_PER_TASK when it is a number >= 1, else 0 (all cores). */
    static int slurmCpus(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Option(names = "--threads", paramLabel = "N", description = "Threads for BLAS and ND4J loops (default: $SLURM_CPUS_PER_TASK when set, else all cores).")
    void setThreads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(mixee.commandLine(), "--threads " + n + ", expected a number >= 1");
        threads = n;
    }

    @Option(names = "--quiet", description = "No progress output on stderr.")
    public boolean quiet;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    public boolean debug;
}
