package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;

class PlanTest {

    /** Runs a..e with sharpness and two interpolation pairs; data sizes are never asked (no --quick). */
    private static Experiment experiment() {
        Map<String, Object> map = new HashMap<>();
        map.put("experiment", "five");
        map.put("base", Map.of("model", "f1", "data", Map.of("train", "x.csv:10", "test", "x.csv:10"), "epochs", 1,
                "optimizer", Map.of("name", "adam", "lr", 0.001), "batch", Map.of("size", 8)));
        List<Object> runs = new ArrayList<>();
        for (String n : List.of("a", "b", "c", "d", "e")) runs.add(Map.of("name", n, "role", n.equals("a") ? "SB" : "LB"));
        map.put("runs", runs);
        map.put("analyses", Map.of("sharpness", Map.of("eps", 1e-3), "interpolate", Map.of("pairs", List.of(List.of("a", "b"), List.of("a", "d")))));
        return Experiment.parse(map, "five.yaml", false, spec -> { throw new AssertionError("size asked"); });
    }

    @Test
    void thePlanListsEachTrainingWithItsAnalysesThenThePairsThenTheReport() {
        Plan p = Plan.of(experiment());
        List<String> ids = p.units().stream().map(Plan.Unit::id).toList();
        assertEquals(List.of("training:a", "analyses:a", "training:b", "analyses:b", "training:c", "analyses:c", "training:d", "analyses:d",
                "training:e", "analyses:e", "interpolation:a-b", "interpolation:a-d", "report:five"), ids);
        assertEquals(List.of("training:a"), p.unit("analyses:a").dependsOn());
        assertEquals(List.of("training:a", "training:d"), p.unit("interpolation:a-d").dependsOn());
        assertEquals(12, p.unit("report:five").dependsOn().size());
        // every dependency comes before its unit
        for (int i = 0; i < ids.size(); i++) {
            for (String d : p.units().get(i).dependsOn()) assertEquals(true, ids.indexOf(d) < i, d + " before " + ids.get(i));
        }
    }

    @Test
    void trainingsAreDealtRoundRobinInFileOrderAndAnalysesGoWithTheirTraining() {
        Plan p = Plan.of(experiment());
        // 5 trainings over 3 tasks: a,d -> 0; b,e -> 1; c -> 2 (written out by hand)
        assertEquals(List.of("training:a", "analyses:a", "training:d", "analyses:d"), ids(p.forTask(0, 3)));
        assertEquals(List.of("training:b", "analyses:b", "training:e", "analyses:e"), ids(p.forTask(1, 3)));
        assertEquals(List.of("training:c", "analyses:c"), ids(p.forTask(2, 3)));
        // the pairs and the report belong to no task, even when both ends are in one (a and d in task 0)
        Map<String, Integer> a = p.assignment(3);
        assertEquals(null, a.get("interpolation:a-d"));
        assertEquals(null, a.get("report:five"));
        // one task does everything but the pairs and the report
        assertEquals(10, p.forTask(0, 1).size());
        // every per-task unit is in exactly one task
        for (int tasks = 1; tasks <= 5; tasks++) {
            List<String> all = new ArrayList<>();
            for (int t = 0; t < tasks; t++) all.addAll(ids(p.forTask(t, tasks)));
            assertEquals(10, all.size());
            assertEquals(10, all.stream().distinct().count());
        }
    }

    @Test
    void aTaskOutOfRangeIsOneClearError() {
        Plan p = Plan.of(experiment());
        assertEquals("--task 3: expected 0 to 2 (of --tasks 3)", assertThrows(InputException.class, () -> p.forTask(3, 3)).getMessage());
        assertEquals("--tasks 0: expected a number >= 1", assertThrows(InputException.class, () -> p.assignment(0)).getMessage());
    }

    private static List<String> ids(List<Plan.Unit> units) {
        return units.stream().map(Plan.Unit::id).toList();
    }
}
