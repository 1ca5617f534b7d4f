package org.minima.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.minima.experiment.Experiment;
import org.minima.experiment.Plan;
import org.minima.experiment.SlurmScripts;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slurm}: an experiment as a Slurm job array and a report job after it (docs/cluster.md). */
@Command(name = "slurm", mixinStandardHelpOptions = true,
        description = {"Write the Slurm scripts that run an experiment as a job array.",
            "DIR/slurm/array.sbatch: task I runs 'reproduce --task I --tasks N', its share of the trainings and their "
                + "analyses. DIR/slurm/report.sbatch: one plain 'reproduce' after it (interpolations and the report).",
            "Prints the two sbatch commands, or with --submit runs them and prints the job ids (docs/cluster.md)."})
public final class SlurmCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "The experiment file.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder, on a file system every node shares.")
    Path out;

    @Option(names = "--quick", description = "The smoke run of reproduce --quick.")
    boolean quick;

    @Option(names = "--tasks", paramLabel = "N", description = "Tasks of the array (default: one per training).")
    Integer tasks;

    @Option(names = "--cpus-per-task", paramLabel = "C", description = "CPUs of each job, its --threads (default: 4).")
    Integer cpus;

    @Option(names = "--mem", paramLabel = "SIZE", description = "Memory of each job (default: 8G).")
    String mem;

    @Option(names = "--time", paramLabel = "TIME", description = "Time limit of each job (default: 24:00:00).")
    String time;

    @Option(names = "--partition", paramLabel = "NAME", description = "Slurm partition (default: the cluster's).")
    String partition;

    @Option(names = "--account", paramLabel = "NAME", description = "Slurm account (default: yours).")
    String account;

    @Option(names = "--submit", description = "Submit both jobs with sbatch (the report job with --dependency=afterok on the array).")
    boolean submit;

    @Override
    public Integer call() {
        Experiment e = Experiment.load(file, quick);
        int roots = Plan.of(e).roots().size();
        if (tasks != null && tasks > roots) {
            throw new InputException("--tasks " + tasks + ": the experiment has only " + roots + " trainings to deal out");
        }
        SlurmScripts.Options d = SlurmScripts.Options.defaults(tasks == null ? roots : tasks);
        SlurmScripts.Options o = new SlurmScripts.Options(d.tasks(), cpus == null ? d.cpusPerTask() : cpus, mem == null ? d.mem() : mem,
                time == null ? d.time() : time, partition, account);
        Path dir = out.toAbsolutePath().normalize();
        Path work = Path.of("").toAbsolutePath();
        for (Path p : List.of(dir, work)) {
            if (p.toString().matches(".*\\s.*")) throw new InputException(p + ": a path with spaces cannot go into #SBATCH lines; choose another");
        }
        Path experiment = file.toAbsolutePath().normalize();
        SlurmScripts.Launcher launcher = launcher();
        String javaOptions = System.getenv("MINIMA_JAVA_OPTS") == null ? "" : System.getenv("MINIMA_JAVA_OPTS");
        Path slurm = dir.resolve("slurm");
        Path array = slurm.resolve("array.sbatch");
        Path report = slurm.resolve("report.sbatch");
        AtomicFiles.requireWritableFolder(SlurmScripts.logs(dir), "--out");
        try {
            java.nio.file.Files.createDirectories(SlurmScripts.logs(dir)); // Slurm does not create the log folder
        } catch (java.io.IOException x) {
            throw new org.minima.io.InputException("--out " + out + ": cannot create " + SlurmScripts.logs(dir) + " (" + x.getMessage() + ")");
        }
        AtomicFiles.writeString(array, SlurmScripts.array(e.name(), o, launcher, experiment, dir, work, quick, javaOptions));
        AtomicFiles.writeString(report, SlurmScripts.report(e.name(), o, launcher, experiment, dir, work, quick, javaOptions));
        PrintWriter w = spec.commandLine().getOut();
        if (!submit) {
            w.println("array=$(sbatch --parsable " + array + ")");
            w.println("sbatch --dependency=afterok:${array%%;*} --kill-on-invalid-dep=yes " + report);
        } else {
            String arrayId = sbatch(List.of(array.toString()));
            w.println("array job " + arrayId + ": " + o.tasks() + " tasks, logs in " + SlurmScripts.logs(dir));
            w.flush();
            String reportId = sbatch(List.of("--dependency=afterok:" + arrayId, "--kill-on-invalid-dep=yes", report.toString()));
            w.println("report job " + reportId + " (after " + arrayId + ")");
        }
        w.flush();
        return Main.EXIT_OK;
    }

    /**
     * The jar (or classes folder) this command runs from, with the java of this JVM: the jobs run the same code. From a
     * jar: {@code java -jar JAR}; from classes (tests, an IDE): {@code java -cp CLASSPATH org.minima.cli.Main}.
     */
    static SlurmScripts.Launcher launcher() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path source;
        try {
            source = Path.of(SlurmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell which jar this runs from: " + e.getMessage(), e);
        }
        if (Files.isRegularFile(source)) return new SlurmScripts.Launcher(java, List.of("-jar", source.toString()));
        return new SlurmScripts.Launcher(java, List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }

    /** Runs {@code sbatch --parsable ARGS} and returns the job id it prints; its error as an InputException. */
    private static String sbatch(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            String last = output.isEmpty() ? "" : output.lines().reduce((a, b) -> b).orElse("");
            if (code != 0 || !last.matches("[0-9]+(;.*)?")) {
                throw new InputException(String.join(" ", cmd) + ": failed (exit " + code + "): "
                        + (output.isEmpty() ? "no output" : output.lines().findFirst().orElse("")));
            }
            return last.split(";")[0];
        } catch (IOException e) {
            throw new InputException("sbatch: cannot run it (" + e.getMessage() + "); run this on a Slurm login node, or without --submit");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sbatch", e);
        }
    }
}
