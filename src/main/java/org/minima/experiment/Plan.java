package org.minima.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.minima.io.InputException;

/**
 * The units of work of an experiment, in the order {@link Reproduce} runs them (docs/cluster.md): each training, each
 * model's analyses, each interpolation pair, and the report. A unit has a stable id ({@code KIND:NAME}, e.g.
 * {@code training:sb}), the runs it concerns and the units it depends on; every dependency comes before it in the
 * list. {@code reproduce --plan} prints this list; {@code reproduce --task I --tasks N} runs the units
 * {@link #assignment} gives task I.
 *
 * <p>A new kind of unit is a {@link Kind} constant, its units added in {@link #of} (after the units it depends on),
 * and its case in {@code Reproduce.done} and {@code Reproduce.execute}.
 */
public record Plan(List<Unit> units) {

    /**
     * What a unit does. A {@code perTask} kind keeps its output and is skipped when it is done, and may run in a task
     * of an array (its inputs are one training's); the others read the outputs of several trainings and are redone by
     * every plain {@code reproduce}.
     */
    public enum Kind {
        TRAINING(true),
        ANALYSES(true),
        INTERPOLATION(false),
        REPORT(false);

        private final boolean perTask;

        Kind(boolean perTask) {
            this.perTask = perTask;
        }

        public boolean perTask() {
            return perTask;
        }

        /** The kind as ids and --plan print it: {@code training}, {@code analyses}, … */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One unit: {@code id} = kind label + ':' + name; {@code runs} the experiment's runs it reads or writes. */
    public record Unit(String id, Kind kind, List<String> runs, List<String> dependsOn) {}

    /** The units of {@code e}: per run its training and its analyses, then each interpolation pair, then the report. */
    public static Plan of(Experiment e) {
        List<Unit> units = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (Experiment.Run r : e.runs()) {
            // a warm start (issue 18, Keskar's Figure 5) is trained after, and in the task of, the run it starts from
            List<String> after = r.initFrom() == null ? List.of() : List.of(id(Kind.TRAINING, r.initFrom().run()));
            Unit t = unit(Kind.TRAINING, r.name(), List.of(r.name()), after);
            Unit a = unit(Kind.ANALYSES, r.name(), List.of(r.name()), List.of(t.id()));
            units.add(t);
            units.add(a);
            all.add(t.id());
            all.add(a.id());
        }
        Experiment.InterpolateSettings is = e.analyses().interpolate();
        if (is != null) {
            for (List<String> pair : is.pairs()) {
                Unit u = unit(Kind.INTERPOLATION, pair.get(0) + "-" + pair.get(1), pair,
                        List.of(id(Kind.TRAINING, pair.get(0)), id(Kind.TRAINING, pair.get(1))));
                units.add(u);
                all.add(u.id());
            }
        }
        units.add(unit(Kind.REPORT, e.name(), e.runs().stream().map(Experiment.Run::name).toList(), all));
        return new Plan(List.copyOf(units));
    }

    public static String id(Kind kind, String name) {
        return kind.label() + ":" + name;
    }

    private static Unit unit(Kind kind, String name, List<String> runs, List<String> dependsOn) {
        return new Unit(id(kind, name), kind, List.copyOf(runs), List.copyOf(dependsOn));
    }

    /** The units with no dependencies that may run in a task: what {@link #assignment} deals out. */
    public List<Unit> roots() {
        return units.stream().filter(u -> u.kind().perTask() && u.dependsOn().isEmpty()).toList();
    }

    /**
     * Which task of {@code tasks} runs each unit, by unit id; units absent from the map are left to the plain
     * {@code reproduce}. The k-th root (in plan order: the experiment file's order of runs) goes to task k mod
     * {@code tasks}; a per-task unit whose dependencies all went to one task goes to that task (a model's analyses
     * run where it was trained). The assignment depends only on the experiment file and {@code tasks}, so every task
     * of an array computes the same one.
     */
    public Map<String, Integer> assignment(int tasks) {
        if (tasks < 1) throw new InputException("--tasks " + tasks + ": expected a number >= 1");
        Map<String, Integer> task = new LinkedHashMap<>();
        int k = 0;
        for (Unit u : units) {
            if (!u.kind().perTask()) continue;
            if (u.dependsOn().isEmpty()) {
                task.put(u.id(), k++ % tasks);
                continue;
            }
            Integer t = task.get(u.dependsOn().get(0));
            boolean together = t != null && u.dependsOn().stream().allMatch(d -> t.equals(task.get(d)));
            if (together) task.put(u.id(), t);
        }
        return task;
    }

    /** The units task {@code task} of {@code tasks} runs, in plan order. */
    public List<Unit> forTask(int task, int tasks) {
        if (task < 0 || task >= tasks) {
            throw new InputException("--task " + task + ": expected 0 to " + (tasks - 1) + " (of --tasks " + tasks + ")");
        }
        Map<String, Integer> a = assignment(tasks);
        return units.stream().filter(u -> Integer.valueOf(task).equals(a.get(u.id()))).toList();
    }

    /** The unit with this id. */
    public Unit unit(String id) {
        return units.stream().filter(u -> u.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no unit " + id));
    }
}
