package org.minima.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minima.io.InputException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class ExperimentTest {
    private static Map<String, Object> yaml(String text) {
        return org.minima.train.TrainConfig.deepCopy(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
    }

    private static final String BASE = """
            experiment: t
            base:
              model: f1
              data: {train: fashion-mnist:train, test: fashion-mnist:test}
              optimizer: {name: adam, lr: 0.001, weightDecay: 0.0001}
              lrPolicy: {name: step, every: 5}
              batch: {size: 256}
              epochs: 20
            runs:
              - {name: a, role: SB}
              - {name: b, role: LB, optimizer: {lr: 0.01}, lrPolicy: {name: fixed}, batch: {size: 0.1}, seed: 4}
            analyses:
              sharpness: {eps: [1e-3, 0.0005], subspace: 100, examples: 10000}
              hessian: {top: 2}
              interpolate: {pairs: [[a, b]]}
            """;

    @Test
    void aRunLaysItsKeysOverBaseMergingMappingsAndReplacingModelAndPolicy() {
        Experiment e = Experiment.parse(yaml(BASE), "t.yaml", false, s -> 60000);
        var a = e.runs().get(0).config();
        var b = e.runs().get(1).config();
        assertEquals(0.001, a.optimizer().lr());
        assertEquals(0.01, b.optimizer().lr());
        assertEquals(1e-4, b.optimizer().weightDecay(), 0.0, "optimizer merged key by key: weightDecay kept from base");
        assertEquals(Map.of("name", "fixed"), b.raw().get("lrPolicy"), "lrPolicy replaced whole: no stray 'every'");
        assertEquals(0.1, b.batch().size());
        assertEquals(4, b.seed());
        assertEquals(1, a.seed());
        assertEquals(List.of("1e-3", "5e-4"), e.analyses().sharpness().eps());
        assertEquals(org.minima.analysis.SharpnessOptions.defaults().withSubspace(100).withEps(5e-4),
                e.analyses().sharpness().options("5e-4", true), "subspaceMatrix and start default as the command's");
        assertEquals(2, e.analyses().hessian().top());
        assertEquals(25, e.analyses().interpolate().grid().count());
        assertFalse(e.analyses().interpolate().linearLoss(), "Figure 3's loss axis is log unless asked");
        assertNull(e.paper());
        assertEquals(org.minima.nn.BatchNormMode.RUNNING, e.analyses().sharpness().bn(), "bn: running by default");
        Experiment linear = Experiment.parse(yaml(BASE.replace("[[a, b]]}", "[[a, b]], linearLoss: true}")), "t.yaml", false, s -> 60000);
        assertTrue(linear.analyses().interpolate().linearLoss());
        InputException x = assertThrows(InputException.class,
                () -> Experiment.parse(yaml(BASE.replace("[[a, b]]}", "[[a, b]], linearLoss: 1}")), "t.yaml", false, s -> 60000));
        assertTrue(x.getMessage().endsWith("interpolate.linearLoss: expected true or false, got 1"), x.getMessage());
    }

    @Test
    void bnAndBnBatchReachEachAnalysisOptions() {
        String y = BASE.replace("sharpness: {eps: [1e-3, 0.0005], subspace: 100, examples: 10000}",
                "sharpness: {eps: [1e-3], bn: batch, bnBatch: 500}").replace("hessian: {top: 2}", "hessian: {top: 2, bn: batch}")
                .replace("interpolate: {pairs: [[a, b]]}", "interpolate: {pairs: [[a, b]], bn: batch, bnBatch: 250}");
        Experiment e = Experiment.parse(yaml(y), "t.yaml", false, s -> 60000);
        assertEquals(org.minima.nn.BatchNormMode.batch(500), e.analyses().sharpness().options("1e-3", false).bn());
        assertEquals(org.minima.nn.BatchNormMode.batch(1000), e.analyses().hessian().options().bn());
        assertEquals(org.minima.nn.BatchNormMode.batch(250), e.analyses().interpolate().options().bn());
        org.minima.io.InputException bad = org.junit.jupiter.api.Assertions.assertThrows(org.minima.io.InputException.class,
                () -> Experiment.parse(yaml(BASE.replace("hessian: {top: 2}", "hessian: {top: 2, bn: train}")), "t.yaml", false, s -> 60000));
        assertTrue(bad.getMessage().contains("analyses.hessian.bn") && bad.getMessage().contains("running or batch"), bad.getMessage());
    }

    @Test
    void sharpnessKeysSubspaceMatrixAndStartReachTheOptionsAndBadValuesNameTheKey() {
        String y = BASE.replace("subspace: 100, examples: 10000", "subspace: 100, examples: 10000, subspaceMatrix: unit, start: corner");
        var o = Experiment.parse(yaml(y), "t.yaml", false, s -> 60000).analyses().sharpness().options("1e-3", true);
        assertEquals(org.minima.analysis.RandomSubspace.Kind.UNIT, o.subspaceMatrix());
        assertEquals(org.minima.analysis.SharpnessOptions.StartAt.CORNER, o.start());
        var bad = org.junit.jupiter.api.Assertions.assertThrows(org.minima.io.InputException.class, () -> Experiment.parse(
                yaml(BASE.replace("subspace: 100,", "subspace: 100, subspaceMatrix: normal,")), "t.yaml", false, s -> 60000));
        assertTrue(bad.getMessage().contains("subspaceMatrix") && bad.getMessage().contains("gaussian or unit"), bad.getMessage());
    }

    @Test
    void quickCapsEpochsAndExamplesButLeavesSmallerSetsWhole() {
        Experiment e = Experiment.parse(yaml(BASE), "t.yaml", true, s -> s.endsWith(":train") ? 60000 : 900);
        var a = e.runs().get(0).config();
        assertEquals(2, a.epochs());
        assertEquals(4000, a.trainExamples());
        assertNull(a.testExamples(), "a 900-example test set is below the cap and used whole");
        assertEquals(1000, e.analyses().sharpness().examples());
        assertEquals(1000, e.analyses().hessian().examples());
        assertEquals(20, e.analyses().hessian().maxSteps());
        assertTrue(e.quick());
    }

    @Test
    void epsKeysAreTheShortestMantissaAndExponent() {
        assertEquals("1e-3", Experiment.epsKey(0.001));
        assertEquals("5e-4", Experiment.epsKey(5e-4));
        assertEquals("1.5e-3", Experiment.epsKey(0.0015));
        assertEquals("1e-2", Experiment.epsKey(0.01));
        assertEquals("2e0", Experiment.epsKey(2.0));
    }

    @Test
    void badExperimentsNameTheKeyOrRunAtFault() {
        InputException x = assertThrows(InputException.class,
                () -> Experiment.parse(yaml(BASE.replace("experiment: t", "experiment: t\nseeds: 5")), "t.yaml", false, s -> 0));
        assertTrue(x.getMessage().contains("unknown key 'seeds'") && x.getMessage().contains("allowed keys: experiment"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("[[a, b]]", "[[a, c]]")), "t.yaml", false, s -> 0));
        assertTrue(x.getMessage().contains("no run named 'c'"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("name: b,", "name: a,")), "t.yaml", false, s -> 0));
        assertTrue(x.getMessage().contains("used twice"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("epochs: 20", "epochs: 20\n  epoch: 3")), "t.yaml", false, s -> 0));
        assertTrue(x.getMessage().contains("base: unknown key 'epoch'"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("{lr: 0.01}", "{lr: -1}")), "t.yaml", false, s -> 0));
        assertTrue(x.getMessage().contains("runs[1] (b)") && x.getMessage().contains("optimizer.lr"), x.getMessage());
    }

    @Test
    void theShippedExperimentsParse() {
        Experiment k = Experiment.parse(Experiment.readMap(Path.of("experiments/keskar-f1.yaml")), "keskar-f1.yaml", false, s -> 60000);
        assertEquals(List.of("SB", "LB"), k.runs().stream().map(Experiment.Run::role).toList());
        assertEquals(0.1, k.runs().get(1).config().batch().size());
        assertEquals(List.of(2, 3, 4), k.paper().tables());
        // smith-schedules.yaml is a study (arms × seeds): StudyTest checks it
        Study s = Study.load(Path.of("experiments/smith-schedules.yaml"), List.of(), false);
        assertEquals(List.of("decaying-lr", "hybrid", "increasing-batch"), s.groups());
    }
}
