package org.minima.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.minima.io.InputException;

/**
 * The two batch scripts of {@code minima slurm} (docs/cluster.md): {@code array.sbatch}, a job array whose task I
 * runs {@code reproduce --task I --tasks N} (its share of the trainings and their analyses), and
 * {@code report.sbatch}, one plain {@code reproduce} that finds the trainings done and computes the interpolations
 * and the report. Text only: submitting is the command's business.
 */
public final class SlurmScripts {

    /** What each job asks Slurm for. Each default is written here once. */
    public record Options(int tasks, int cpusPerTask, String mem, String time, String partition, String account) {
        /** 4 CPUs, 8G and 24 hours a task; the cluster's default partition and account. docs/cluster.md says why. */
        public static Options defaults(int tasks) {
            return new Options(tasks, 4, "8G", "24:00:00", null, null);
        }

        public Options {
            if (tasks < 1) throw new InputException("--tasks " + tasks + ": expected a number >= 1");
            if (cpusPerTask < 1) throw new InputException("--cpus-per-task " + cpusPerTask + ": expected a number >= 1");
            require(mem, MEM, "--mem", "a size such as 8G, 8000M or 8000 (megabytes)");
            require(time, TIME, "--time", "minutes, HH:MM:SS, or D-HH:MM:SS");
            if (partition != null) require(partition, NAME, "--partition", "a partition name");
            if (account != null) require(account, NAME, "--account", "an account name");
        }
    }

    /** The command a task runs: {@code java} and its options before the tool's own arguments, e.g. {@code [/usr/bin/java, -jar, /x/minima.jar]}. */
    public record Launcher(String java, List<String> arguments) {}

    private static final Pattern MEM = Pattern.compile("[0-9]+[KMGT]?");
    private static final Pattern TIME = Pattern.compile("([0-9]+-)?[0-9]+(:[0-9]+){0,2}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,-]+");

    private SlurmScripts() {}

    private static void require(String value, Pattern p, String option, String expected) {
        if (value == null || !p.matcher(value).matches()) throw new InputException(option + " " + value + ": expected " + expected);
    }

    /** {@code DIR/slurm/array.sbatch}: tasks 0 to N-1, each {@code reproduce EXPERIMENT --out DIR --task I --tasks N}. */
    public static String array(String name, Options o, Launcher launcher, Path experiment, Path out, Path workDir, boolean quick,
                               String javaOptions) {
        List<String> args = reproduce(experiment, out, quick);
        args.addAll(List.of("--task", "$SLURM_ARRAY_TASK_ID", "--tasks", Integer.toString(o.tasks()), "--threads", "$SLURM_CPUS_PER_TASK"));
        return script("minima-" + name, o, "--array=0-" + (o.tasks() - 1),
                List.of("--output=" + logs(out).resolve("array-%A_%a.out"), "--error=" + logs(out).resolve("array-%A_%a.err")),
                "# Task I of " + o.tasks() + " trains its share of the runs and analyses its models (docs/cluster.md); resubmitting a\n"
                        + "# task skips the units it finished: sbatch --array=I " + out.resolve("slurm").resolve("array.sbatch") + "\n",
                launcher, args, workDir, javaOptions);
    }

    /** {@code DIR/slurm/report.sbatch}: one plain {@code reproduce EXPERIMENT --out DIR} after the array. */
    public static String report(String name, Options o, Launcher launcher, Path experiment, Path out, Path workDir, boolean quick,
                                String javaOptions) {
        List<String> args = reproduce(experiment, out, quick);
        args.addAll(List.of("--threads", "$SLURM_CPUS_PER_TASK"));
        return script("minima-" + name + "-report", o, null,
                List.of("--output=" + logs(out).resolve("report-%j.out"), "--error=" + logs(out).resolve("report-%j.err")),
                "# After the array (sbatch --dependency=afterok:ARRAY_ID): finds the trainings and analyses done, computes the\n"
                        + "# interpolations and writes results.json and report.md (docs/cluster.md).\n",
                launcher, args, workDir, javaOptions);
    }

    /** Where the jobs' stdout and stderr go. */
    public static Path logs(Path out) {
        return out.resolve("slurm").resolve("logs");
    }

    private static List<String> reproduce(Path experiment, Path out, boolean quick) {
        List<String> args = new ArrayList<>(List.of("reproduce", experiment.toString(), "--out", out.toString()));
        if (quick) args.add("--quick");
        return args;
    }

    private static String script(String job, Options o, String array, List<String> logs, String comment, Launcher launcher,
                                 List<String> args, Path workDir, String javaOptions) {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("# Written by 'minima slurm'.\n").append(comment);
        sb.append("#SBATCH --job-name=").append(job).append('\n');
        if (array != null) sb.append("#SBATCH ").append(array).append('\n');
        sb.append("#SBATCH --ntasks=1\n");
        sb.append("#SBATCH --cpus-per-task=").append(o.cpusPerTask()).append('\n');
        sb.append("#SBATCH --mem=").append(o.mem()).append('\n');
        sb.append("#SBATCH --time=").append(o.time()).append('\n');
        if (o.partition() != null) sb.append("#SBATCH --partition=").append(o.partition()).append('\n');
        if (o.account() != null) sb.append("#SBATCH --account=").append(o.account()).append('\n');
        for (String l : logs) sb.append("#SBATCH ").append(l).append('\n');
        // relative data paths in the experiment file mean what they meant where 'minima slurm' ran
        sb.append("#SBATCH --chdir=").append(workDir).append('\n');
        sb.append("set -euo pipefail\n");
        sb.append("# the JVM's options (e.g. -Xmx6g): the environment's MINIMA_JAVA_OPTS, else the value it had when this was written\n");
        sb.append("MINIMA_JAVA_OPTS=\"${MINIMA_JAVA_OPTS-").append(javaOptions.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("$", "\\$").replace("`", "\\`")).append("}\"\n");
        sb.append("exec ").append(quote(launcher.java())).append(" $MINIMA_JAVA_OPTS");
        for (String a : launcher.arguments()) sb.append(' ').append(quote(a));
        for (String a : args) sb.append(' ').append(a.startsWith("$") ? "\"" + a + "\"" : quote(a));
        return sb.append('\n').toString();
    }

    /** A word for bash: as is when it is plain, else in single quotes. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./:=+,@%-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
