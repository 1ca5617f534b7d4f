package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.analysis.AnalysisProgress;
import org.minima.experiment.Experiment;
import org.minima.experiment.Reproduce;
import org.minima.io.Json;
import org.minima.nn.Threads;
import org.minima.train.TrainRun;
import org.minima.train.Trainer;

/** reproduce --plan, --task/--tasks: the same bits as one process, and one unit never computed twice. */
class ReproduceTasksTest {

    /** 60 examples of three blobs in 4 features, labels 0..2. */
    static Path csv(Path dir) throws Exception {
        return org.minima.data.Blobs.write(dir, 60, 4, 1.0, 11);
    }

    /** Four trainings (two seeds per role), each with sharpness and the Hessian; one interpolation pair. */
    static Path experiment(Path dir) throws Exception {
        String yaml = """
                experiment: four
                base:
                  model: {input: [4], classes: 3, layers: [{type: linear, in: 4, out: 5}, {type: relu}, {type: linear, in: 5, out: 3}]}
                  data: {train: DATA, test: DATA}
                  optimizer: {name: adam, lr: 0.01}
                  batch: {size: 6}
                  epochs: 2
                runs:
                  - {name: sb, role: SB, seed: 1}
                  - {name: lb, role: LB, seed: 1, batch: {size: 30}}
                  - {name: sb2, role: SB, seed: 2}
                  - {name: lb2, role: LB, seed: 2, batch: {size: 30}}
                analyses:
                  sharpness: {eps: [1e-3], maxIter: 3}
                  hessian: {top: 1, maxSteps: 10}
                  interpolate: {pairs: [[sb, lb]], alpha: "-0.5:1.5:3"}
                """.replace("DATA", csv(dir).toString());
        Path f = dir.resolve("four.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static String ok(String... args) {
        MainTest.Run r = MainTest.run(args);
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    @Test
    void threeTasksThenThePlainRunGiveTheBitsOfOneProcessAndThePlanSaysWhatIsDone(@TempDir Path dir) throws Exception {
        Path exp = experiment(dir);
        Path one = dir.resolve("one");
        Path split = dir.resolve("split");
        ok("reproduce", exp.toString(), "--out", one.toString(), "--quiet", "--threads", "1");

        JsonNode before = Json.parse(ok("reproduce", exp.toString(), "--out", split.toString(), "--plan", "--json", "--tasks", "3"), "plan");
        assertEquals(10, before.get("units").size()); // 4 trainings, 4 analyses, 1 pair, the report
        for (JsonNode u : before.get("units")) assertEquals("todo", u.get("state").asText(), u.toString());
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 0, 0), tasksOf(before).subList(0, 8)); // sb, lb, sb2, lb2 dealt 0, 1, 2, 0
        assertNull(before.get("units").get(8).get("task").numberValue(), "the pair is left to the plain run");

        assertEquals("training:sb\nanalyses:sb\ntraining:lb2\nanalyses:lb2\n",
                ok("reproduce", exp.toString(), "--out", split.toString(), "--quiet", "--threads", "1", "--task", "0", "--tasks", "3"));
        ok("reproduce", exp.toString(), "--out", split.toString(), "--quiet", "--threads", "1", "--task", "2", "--tasks", "3");
        ok("reproduce", exp.toString(), "--out", split.toString(), "--quiet", "--threads", "1", "--task", "1", "--tasks", "3");
        assertTrue(!Files.exists(split.resolve("results.json")), "a task writes no report");

        String plan = ok("reproduce", exp.toString(), "--out", split.toString(), "--plan");
        assertTrue(plan.startsWith("experiment four, --out " + split + ": 10 units, 8 done\n"), plan);
        assertTrue(plan.matches("(?s).*\\ntraining:lb2 +training +- +done\\n.*"), plan);
        assertTrue(plan.matches("(?s).*\\ninterpolation:sb-lb +interpolation +training:sb training:lb +to do\\n.*"), plan);

        ok("reproduce", exp.toString(), "--out", split.toString(), "--quiet", "--threads", "1");
        for (String run : List.of("sb", "lb", "sb2", "lb2")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(run).resolve("weights.safetensors")),
                    Files.readAllBytes(split.resolve(run).resolve("weights.safetensors")), run);
        }
        assertEquals(numbers(Json.read(one.resolve("results.json"))), numbers(Json.read(split.resolve("results.json"))));
        assertEquals(Files.readString(one.resolve("plots/interpolation-sb-lb.csv")), Files.readString(split.resolve("plots/interpolation-sb-lb.csv")));
        JsonNode after = Json.parse(ok("reproduce", exp.toString(), "--out", split.toString(), "--plan", "--json"), "plan");
        for (JsonNode u : after.get("units")) assertEquals("done", u.get("state").asText(), u.toString());
    }

    @Test
    void twoProcessesRacingForTheSameUnitsComputeEachOnce(@TempDir Path dir) throws Exception {
        // two Reproduce objects on one --out in two threads, both running every per-task unit (task 0 of 1)
        Experiment e = Experiment.load(experiment(dir), false);
        Path out = dir.resolve("out");
        Threads.configure(1);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    new Reproduce(e, out, new TrainRun.Info("test", "test", 1), Trainer.Listener.NONE, lines::add, AnalysisProgress.NONE)
                            .runTask(0, 1);
                } catch (Throwable x) {
                    errors.add(x);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertEquals(List.of(), errors);
        for (String run : List.of("sb", "lb", "sb2", "lb2")) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith(run + " (") && l.contains("training into")).count(), lines.toString());
            assertEquals(1, lines.stream().filter(l -> l.startsWith(run + ": lambda_max")).count(), lines.toString());
        }
        assertTrue(Files.list(out.resolve("locks")).findAny().isEmpty(), "every lock released");
    }

    @Test
    void aUnitLockedByAProcessThatIsGoneIsTakenOverAndComputed(@TempDir Path dir) throws Exception {
        Path exp = experiment(dir);
        Path out = dir.resolve("out");
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        // the lock a task killed on this host leaves behind (LockFile's format: host from the kernel, pid, start)
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Files.createDirectories(out.resolve("locks"));
        Files.writeString(out.resolve("locks/training-sb.lock"), "{\"host\":\"" + host + "\",\"pid\":" + p.pid() + ",\"start\":\"\"}");
        JsonNode plan = Json.parse(ok("reproduce", exp.toString(), "--out", out.toString(), "--plan", "--json"), "plan");
        assertEquals("running", plan.get("units").get(0).get("state").asText());
        assertEquals(p.pid(), plan.get("units").get(0).get("lockedBy").get("pid").asLong());

        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals("training:sb\nanalyses:sb\ntraining:lb2\nanalyses:lb2\n",
                    ok("reproduce", exp.toString(), "--out", out.toString(), "--quiet", "--threads", "1", "--task", "0", "--tasks", "3"));
        } finally {
            System.setErr(saved);
        }
        String said = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("taking over lock " + out.resolve("locks/training-sb.lock")), said);
        assertTrue(Files.isRegularFile(out.resolve("sb/weights.safetensors")));
        assertTrue(Files.list(out.resolve("locks")).findAny().isEmpty(), "every lock released");
    }

    @Test
    void theTaskComesFromSlurmsArrayVariablesCountedFromTheArraysFirstIndex() {
        assertArrayEquals(new Integer[] {null, null}, ReproduceCommand.taskAndTasks(null, null, Map.of()));
        assertArrayEquals(new Integer[] {2, 3}, ReproduceCommand.taskAndTasks(null, null,
                Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "3")));
        assertArrayEquals(new Integer[] {1, 3}, ReproduceCommand.taskAndTasks(null, null,
                Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_COUNT", "3")));
        assertArrayEquals(new Integer[] {0, 2}, ReproduceCommand.taskAndTasks(0, 2,
                Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "3")), "the flags win");
        assertEquals(4, CommonOptions.slurmCpus("4"));
        assertEquals(0, CommonOptions.slurmCpus(null));
        assertEquals(0, CommonOptions.slurmCpus("x"));
    }

    @Test
    void aTaskWithoutTasksIsAUsageError(@TempDir Path dir) throws Exception {
        MainTest.Run r = MainTest.run("reproduce", experiment(dir).toString(), "--out", dir.resolve("o").toString(), "--task", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--task needs --tasks N"), r.err());
        r = MainTest.run("reproduce", experiment(dir).toString(), "--out", dir.resolve("o").toString(), "--task", "3", "--tasks", "3", "--quiet");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--task 3: expected 0 to 2 (of --tasks 3)"), r.err());
    }

    private static List<Integer> tasksOf(JsonNode plan) {
        List<Integer> t = new ArrayList<>();
        for (JsonNode u : plan.get("units")) t.add(u.get("task").isNull() ? null : u.get("task").asInt());
        return t;
    }

    /** Every number in a JSON tree, by its path: what must be bit-identical (paths and names may differ). */
    static Map<String, String> numbers(JsonNode n) {
        Map<String, String> m = new java.util.TreeMap<>();
        collect(n, "", m);
        return m;
    }

    private static void collect(JsonNode n, String path, Map<String, String> m) {
        if (n.isNumber()) m.put(path, n.numberValue().toString());
        n.fields().forEachRemaining(e -> collect(e.getValue(), path + "." + e.getKey(), m));
        for (int i = 0; n.isArray() && i < n.size(); i++) collect(n.get(i), path + "[" + i + "]", m);
    }
}
