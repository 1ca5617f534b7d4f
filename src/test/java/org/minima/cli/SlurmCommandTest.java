package org.minima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmCommandTest {

    @Test
    void slurmWritesBothScriptsWithThisJvmAndPrintsTheTwoSbatchCommands(@TempDir Path dir) throws Exception {
        Path exp = ReproduceTasksTest.experiment(dir);
        Path out = dir.resolve("out");
        MainTest.Run r = MainTest.run("slurm", exp.toString(), "--out", out.toString(), "--tasks", "3", "--cpus-per-task", "1", "--mem", "1G",
                "--time", "10");
        assertEquals(0, r.exit(), r.err());
        Path array = out.resolve("slurm/array.sbatch");
        Path report = out.resolve("slurm/report.sbatch");
        assertEquals("array=$(sbatch --parsable " + array + ")\nsbatch --dependency=afterok:${array%%;*} --kill-on-invalid-dep=yes " + report
                + "\n", r.out());
        assertTrue(Files.isDirectory(out.resolve("slurm/logs")));
        String a = Files.readString(array);
        // run from classes (the test): this JVM's java, its class path and Main
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertTrue(a.contains("\nexec " + java + " $MINIMA_JAVA_OPTS -cp "), a);
        assertTrue(a.contains(" org.minima.cli.Main reproduce " + exp + " --out " + out + " --task \"$SLURM_ARRAY_TASK_ID\" --tasks 3 "), a);
        assertTrue(a.contains("#SBATCH --array=0-2\n") && a.contains("#SBATCH --mem=1G\n") && a.contains("#SBATCH --time=10\n"), a);
        assertTrue(Files.readString(report).contains(" org.minima.cli.Main reproduce " + exp + " --out " + out + " --threads \"$SLURM_CPUS_PER_TASK\"\n"));
    }

    @Test
    void moreTasksThanTrainingsIsOneClearError(@TempDir Path dir) throws Exception {
        MainTest.Run r = MainTest.run("slurm", ReproduceTasksTest.experiment(dir).toString(), "--out", dir.resolve("o").toString(), "--tasks", "5");
        assertEquals(2, r.exit());
        assertEquals("minima: error: --tasks 5: the experiment has only 4 trainings to deal out\n", r.err());
        assertTrue(!Files.exists(dir.resolve("o")), "nothing written");
    }
}
