package org.minima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.minima.analysis.AnalysisProgress;
import org.minima.experiment.Experiment;
import org.minima.experiment.Plan;
import org.minima.io.AtomicFiles;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.experiment.Reproduce;
import org.minima.experiment.Study;
import org.minima.experiment.StudyReport;
import org.minima.nn.Threads;
import org.minima.train.TrainRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reproduce}: a whole experiment — trainings, analyses, plots, and a report beside the paper's numbers. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run a whole experiment (experiments/*.yaml) and report it beside the paper's numbers.",
            "Trains each run, measures sharpness and the top Hessian eigenvalue, interpolates between runs, and writes "
                + "DIR/results.json, DIR/report.md, DIR/plots/ and one model directory per run. "
                + "Rerunning with the same --out does not retrain complete runs (docs/reproduce.md).",
            "--plan lists the units; --task I --tasks N runs one task's share of a job array (docs/cluster.md)."})
public final class ReproduceCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "The experiment file.")
    Path file;

    @Option(names = "--quick", description = "A smoke run: the experiment file's 'quick' settings (else at most 2 epochs, 4000 training and 1000 test examples); analyses on at most 1000 examples.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/<experiment file name>, with -quick for --quick).")
    Path out;

    @Option(names = "--plan", description = "Print the units (trainings, analyses, interpolations, the report), what each depends on and whether it is done in --out; run nothing.")
    boolean plan;

    @Option(names = "--json", description = "With --plan: print it as JSON.")
    boolean json;

    @Option(names = "--task", paramLabel = "I", description = "Run only task I's trainings and their analyses (0 to N-1; default: $SLURM_ARRAY_TASK_ID).")
    Integer task;

    @Option(names = "--tasks", paramLabel = "N", description = "The number of tasks the trainings are dealt to (default: $SLURM_ARRAY_TASK_COUNT).")
    Integer tasks;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Overrides a key of the experiment file, e.g. --set base.epochs=6 --set base.data.trainExamples=10000.")
    java.util.List<String> sets = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        Integer[] t = taskAndTasks(task, tasks, System.getenv());
        if (json && !plan) throw new CommandLine.ParameterException(spec.commandLine(), "--json goes with --plan");
        if (t[0] != null && t[1] == null) throw new CommandLine.ParameterException(spec.commandLine(), "--task needs --tasks N");
        if (t[1] != null && t[0] == null && !plan) throw new CommandLine.ParameterException(spec.commandLine(), "--tasks needs --task I");
        Threads.configure(common.threads);
        // a study file (arms × optimizers × seeds) is trained and summarized by Study, an experiment by Reproduce
        Study study = Study.isStudy(file) ? Study.load(file, sets, quick) : null;
        Experiment e = study == null ? Experiment.load(file, quick, sets) : null;
        Path dir = out != null ? out : defaultOut(file, quick);
        PrintWriter w = spec.commandLine().getOut();
        TrainRun.Info info = new TrainRun.Info(Version.version(), Version.commit(), Threads.current());
        if (plan && study != null) throw new InputException(file + ": --plan lists an experiment's units; a study file has none");
        if (plan) {
            Reproduce r = new Reproduce(e, dir, info, org.minima.train.Trainer.Listener.NONE, line -> { }, AnalysisProgress.NONE);
            Map<String, Integer> assignment = t[1] == null ? null : r.plan().assignment(t[1]);
            w.print(json ? Json.toString(planJson(e, dir, r.states(), assignment, t[1])) + "\n" : planText(e, dir, r.states(), assignment));
            w.flush();
            return Main.EXIT_OK;
        }
        AtomicFiles.requireWritableFolder(dir, "--out");
        java.util.function.Consumer<String> log = line -> {
            if (!common.quiet) System.err.println("reproduce: " + line);
        };
        TrainProgress progress = new TrainProgress(common.quiet);
        try {
            if (study != null) {
                if (t[0] != null) throw new InputException(file + ": a study file runs in one process; --task and --tasks are for experiments");
                StudyReport.Outcome o = study.run(dir, info, progress, log);
                w.println(o.report());
                w.println(o.results());
            } else if (t[0] != null) {
                Reproduce r = new Reproduce(e, dir, info, progress, log, analysisProgress(common.quiet));
                for (Plan.Unit u : r.runTask(t[0], t[1])) w.println(u.id());
            } else {
                Reproduce.Outcome o = new Reproduce(e, dir, info, progress, log, analysisProgress(common.quiet)).run();
                w.println(o.report());
                w.println(o.results());
            }
        } finally {
            progress.close();
        }
        w.flush();
        return Main.EXIT_OK;
    }

    /**
     * {--task, --tasks}: the flags, else Slurm's array variables (SLURM_ARRAY_TASK_ID counted from
     * SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT), else null.
     */
    static Integer[] taskAndTasks(Integer task, Integer tasks, Map<String, String> env) {
        Integer id = envInt(env, "SLURM_ARRAY_TASK_ID");
        Integer min = envInt(env, "SLURM_ARRAY_TASK_MIN");
        Integer fromEnv = id == null ? null : id - (min == null ? 0 : min);
        return new Integer[] {task != null ? task : fromEnv, tasks != null ? tasks : envInt(env, "SLURM_ARRAY_TASK_COUNT")};
    }

    /** An integer environment variable, or null when unset; an InputException when it is not an integer. */
    static Integer envInt(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return null;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException ex) {
            throw new InputException("environment variable " + name + "=" + v + ": expected an integer");
        }
    }

    /** The plan as a table: id, kind, depends on, state (done, running: holder, to do), and the task with --tasks. */
    static String planText(Experiment e, Path dir, List<Reproduce.UnitState> states, Map<String, Integer> assignment) {
        StringBuilder sb = new StringBuilder();
        long done = states.stream().filter(Reproduce.UnitState::done).count();
        sb.append("experiment ").append(e.name()).append(", --out ").append(dir).append(": ").append(states.size()).append(" units, ")
                .append(done).append(" done\n");
        String format = "%-32s %-14s %-8s %-40s %s%n";
        sb.append(String.format(Locale.ROOT, format, "unit", "kind", assignment == null ? "" : "task", "depends on", "state"));
        for (Reproduce.UnitState s : states) {
            Plan.Unit u = s.unit();
            Integer task = assignment == null ? null : assignment.get(u.id());
            String where = assignment == null ? "" : task == null ? "final" : task.toString();
            String deps = u.kind() == Plan.Kind.REPORT ? "all of the above" : u.dependsOn().isEmpty() ? "-" : String.join(" ", u.dependsOn());
            sb.append(String.format(Locale.ROOT, format, u.id(), u.kind().label(), where, deps, state(s)));
        }
        return sb.toString();
    }

    private static String state(Reproduce.UnitState s) {
        if (s.lockedBy() != null) {
            JsonNode h = s.lockedBy();
            return h.has("pid") ? "running (pid " + h.path("pid").asText() + " on " + h.path("host").asText() + " since "
                    + h.path("acquired").asText(h.path("start").asText()) + ")" : "running (" + h.path("file").asText() + ")";
        }
        return s.done() ? "done" : "to do";
    }

    /** The plan as JSON: {experiment, out, tasks, units: [{id, kind, runs, dependsOn, done, state, lockedBy, task}]}. */
    static ObjectNode planJson(Experiment e, Path dir, List<Reproduce.UnitState> states, Map<String, Integer> assignment, Integer tasks) {
        ObjectNode o = Json.object();
        o.put("experiment", e.name());
        o.put("out", dir.toString());
        if (tasks == null) o.putNull("tasks");
        else o.put("tasks", tasks);
        ArrayNode units = o.putArray("units");
        for (Reproduce.UnitState s : states) {
            ObjectNode u = units.addObject();
            u.put("id", s.unit().id());
            u.put("kind", s.unit().kind().label());
            s.unit().runs().forEach(u.putArray("runs")::add);
            s.unit().dependsOn().forEach(u.putArray("dependsOn")::add);
            u.put("done", s.done());
            u.put("state", s.lockedBy() != null ? "running" : s.done() ? "done" : "todo");
            u.set("lockedBy", s.lockedBy());
            Integer task = assignment == null ? null : assignment.get(s.unit().id());
            if (task == null) u.putNull("task");
            else u.put("task", task);
        }
        return o;
    }

    static Path defaultOut(Path file, boolean quick) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Path.of("runs", (dot > 0 ? name.substring(0, dot) : name) + (quick ? "-quick" : ""));
    }

    /** The analyses show the bars (or plain lines) of the sharpness, hessian and interpolate commands. */
    static AnalysisProgress analysisProgress(boolean quiet) {
        return new AnalysisProgress() {
            @Override
            public SharpnessTask sharpness(String task) {
                return new SharpnessProgress(task, quiet);
            }

            @Override
            public HessianTask hessian(String task, long maxProducts) {
                return CountProgress.hessian(task, maxProducts, quiet);
            }

            @Override
            public PointsTask interpolation(String task, int points) {
                return CountProgress.grid(task, points, quiet);
            }
        };
    }
}
