package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;

class SlurmScriptsTest {

    private static final SlurmScripts.Launcher JAR = new SlurmScripts.Launcher("/opt/java/bin/java", List.of("-jar", "/home/u/minima.jar"));

    @Test
    void theArrayScriptAsksForTheResourcesAndRunsOneTaskOfReproduce() {
        SlurmScripts.Options o = new SlurmScripts.Options(3, 2, "6G", "2:00:00", "short", "lab-1");
        String text = SlurmScripts.array("tiny", o, JAR, Path.of("/home/u/tiny.yaml"), Path.of("/scratch/u/out"), Path.of("/home/u"), false,
                "-Xmx2g");
        assertEquals("""
                #!/bin/bash
                # Written by 'minima slurm'.
                # Task I of 3 trains its share of the runs and analyses its models (docs/cluster.md); resubmitting a
                # task skips the units it finished: sbatch --array=I /scratch/u/out/slurm/array.sbatch
                #SBATCH --job-name=minima-tiny
                #SBATCH --array=0-2
                #SBATCH --ntasks=1
                #SBATCH --cpus-per-task=2
                #SBATCH --mem=6G
                #SBATCH --time=2:00:00
                #SBATCH --partition=short
                #SBATCH --account=lab-1
                #SBATCH --output=/scratch/u/out/slurm/logs/array-%A_%a.out
                #SBATCH --error=/scratch/u/out/slurm/logs/array-%A_%a.err
                #SBATCH --chdir=/home/u
                set -euo pipefail
                # the JVM's options (e.g. -Xmx6g): the environment's MINIMA_JAVA_OPTS, else the value it had when this was written
                MINIMA_JAVA_OPTS="${MINIMA_JAVA_OPTS--Xmx2g}"
                exec /opt/java/bin/java $MINIMA_JAVA_OPTS -jar /home/u/minima.jar reproduce /home/u/tiny.yaml --out /scratch/u/out \
                --task "$SLURM_ARRAY_TASK_ID" --tasks 3 --threads "$SLURM_CPUS_PER_TASK"
                """, text);
    }

    @Test
    void theReportScriptIsOnePlainReproduceWithTheDefaultsAndNoPartitionOrAccount() {
        String text = SlurmScripts.report("tiny", SlurmScripts.Options.defaults(4), JAR, Path.of("/home/u/tiny.yaml"), Path.of("/scratch/o"),
                Path.of("/home/u"), true, "");
        assertEquals("""
                #!/bin/bash
                # Written by 'minima slurm'.
                # After the array (sbatch --dependency=afterok:ARRAY_ID): finds the trainings and analyses done, computes the
                # interpolations and writes results.json and report.md (docs/cluster.md).
                #SBATCH --job-name=minima-tiny-report
                #SBATCH --ntasks=1
                #SBATCH --cpus-per-task=4
                #SBATCH --mem=8G
                #SBATCH --time=24:00:00
                #SBATCH --output=/scratch/o/slurm/logs/report-%j.out
                #SBATCH --error=/scratch/o/slurm/logs/report-%j.err
                #SBATCH --chdir=/home/u
                set -euo pipefail
                # the JVM's options (e.g. -Xmx6g): the environment's MINIMA_JAVA_OPTS, else the value it had when this was written
                MINIMA_JAVA_OPTS="${MINIMA_JAVA_OPTS-}"
                exec /opt/java/bin/java $MINIMA_JAVA_OPTS -jar /home/u/minima.jar reproduce /home/u/tiny.yaml --out /scratch/o --quick \
                --threads "$SLURM_CPUS_PER_TASK"
                """, text);
    }

    @Test
    void javaOptionsAndPathsAreQuotedForBash() {
        assertEquals("'/a b/c'", SlurmScripts.quote("/a b/c"));
        assertEquals("'it'\\''s'", SlurmScripts.quote("it's"));
        String text = SlurmScripts.report("x", SlurmScripts.Options.defaults(1), JAR, Path.of("/e.yaml"), Path.of("/o"), Path.of("/"), false,
                "-Dp=\"$HOME\"");
        assertEquals(true, text.contains("MINIMA_JAVA_OPTS=\"${MINIMA_JAVA_OPTS--Dp=\\\"\\$HOME\\\"}\"\n"), text);
    }

    @Test
    void badResourcesAreOneClearError() {
        assertEquals("--mem 8GB: expected a size such as 8G, 8000M or 8000 (megabytes)",
                assertThrows(InputException.class, () -> new SlurmScripts.Options(1, 1, "8GB", "1:00:00", null, null)).getMessage());
        assertEquals("--time 1h: expected minutes, HH:MM:SS, or D-HH:MM:SS",
                assertThrows(InputException.class, () -> new SlurmScripts.Options(1, 1, "8G", "1h", null, null)).getMessage());
        assertEquals("--cpus-per-task 0: expected a number >= 1",
                assertThrows(InputException.class, () -> new SlurmScripts.Options(1, 0, "8G", "1:00:00", null, null)).getMessage());
        assertEquals("--partition a b: expected a partition name",
                assertThrows(InputException.class, () -> new SlurmScripts.Options(1, 1, "8G", "60", "a b", null)).getMessage());
    }
}
