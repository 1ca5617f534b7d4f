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
    void bnAndStartListsExpandIntoConventionsHeadlineFirstWithLabels() {
        String y = BASE.replace("subspace: 100, examples: 10000", "subspace: 100, examples: 10000, bn: [batch, running], start: [centre, corner], "
                + "restarts: 2, bnBatch: 500");
        Experiment.SharpnessSettings ss = Experiment.parse(yaml(y), "t.yaml", false, s -> 60000).analyses().sharpness();
        var batch = org.minima.nn.BatchNormMode.batch(500);
        var running = new org.minima.nn.BatchNormMode(org.minima.nn.BatchNormMode.Statistics.RUNNING, 500);
        var centre = org.minima.analysis.SharpnessOptions.StartAt.CENTRE;
        var corner = org.minima.analysis.SharpnessOptions.StartAt.CORNER;
        // bn-major, the first of each list the headline; restarts follow the non-centre starts only
        assertEquals(List.of(new Experiment.Convention(batch, centre, 0), new Experiment.Convention(batch, corner, 2),
                new Experiment.Convention(running, centre, 0), new Experiment.Convention(running, corner, 2)), ss.conventions());
        assertEquals(List.of("batch statistics, centre start", "batch statistics, corner start + 2 restarts", "running statistics, centre start",
                "running statistics, corner start + 2 restarts"), ss.conventions().stream().map(Experiment.Convention::label).toList());
        assertEquals(List.of("batch-centre", "batch-corner+2r", "running-centre", "running-corner+2r"),
                ss.conventions().stream().map(Experiment.Convention::key).toList());
        assertEquals(batch, ss.bn(), "the headline's bn");
        assertEquals(centre, ss.start(), "the headline's start");
        assertTrue(ss.several());
        // each convention's options are what minima sharpness --bn … --start … --restarts … would be given
        assertEquals(org.minima.analysis.SharpnessOptions.defaults().withEps(5e-4).withSubspace(100).withBatchNorm(running).withStart(corner)
                .withRestarts(2), ss.options("5e-4", true, ss.conventions().get(3)));
        assertEquals(ss.options("1e-3", false, ss.conventions().get(0)), ss.options("1e-3", false));
        // one value each: one convention, and the cache key of the files before the lists (so their caches stay valid)
        Experiment.SharpnessSettings one = Experiment.parse(yaml(BASE.replace("examples: 10000", "examples: 10000, bn: batch")), "t.yaml", false,
                s -> 60000).analyses().sharpness();
        assertEquals(1, one.conventions().size());
        assertFalse(one.several());
        assertEquals("{\"eps\":[\"1e-3\",\"5e-4\"],\"subspace\":100,\"maxIter\":10,\"examples\":10000,\"seed\":0,"
                + "\"bn\":{\"statistics\":\"BATCH\",\"batch\":1000},\"subspaceMatrix\":\"GAUSSIAN\",\"start\":\"CENTRE\"}",
                org.minima.io.Json.MAPPER.valueToTree(one.cacheKey()).toString());
    }

    @Test
    void badConventionListsAreOneErrorNamingTheKey() {
        for (String[] c : new String[][] {
            {"bn: [batch, train]", "analyses.sharpness.bn 'train': expected running or batch"},
            {"bn: []", "analyses.sharpness.bn: expected running or batch or a non-empty list of them, got an empty list"},
            {"start: []", "analyses.sharpness.start: expected centre or corner or a non-empty list of them, got an empty list"},
            {"start: [centre, middle]", "analyses.sharpness.start: expected centre or corner (or a list of them), got middle"},
            {"start: [corner, corner]", "analyses.sharpness.start: 'corner' is given twice"},
            {"bn: [running, running]", "analyses.sharpness.bn: 'running' is given twice"},
            {"restarts: -1", "analyses.sharpness.restarts: expected an integer >= 0, got -1"}}) {
            InputException x = assertThrows(InputException.class, () -> Experiment.parse(
                    yaml(BASE.replace("examples: 10000", "examples: 10000, " + c[0])), "t.yaml", false, s -> 60000), c[0]);
            assertEquals("t.yaml: " + c[1], x.getMessage());
        }
    }

    @Test
    void quickAnalysesAreLaidOverTheAnalysesOnlyWithQuick() {
        String y = BASE.replace("subspace: 100, examples: 10000", "subspace: 100, examples: 10000, bn: [batch, running], start: [centre, corner], restarts: 2")
                + "quick:\n  base: {epochs: 3}\n  analyses: {sharpness: {start: centre, examples: 300}}\n";
        Experiment full = Experiment.parse(yaml(y), "t.yaml", false, s -> 60000);
        assertEquals(4, full.analyses().sharpness().conventions().size());
        assertEquals(10000, full.analyses().sharpness().examples());
        Experiment quick = Experiment.parse(yaml(y), "t.yaml", true, s -> 60000);
        Experiment.SharpnessSettings q = quick.analyses().sharpness();
        assertEquals(List.of("batch statistics, centre start", "running statistics, centre start"),
                q.conventions().stream().map(Experiment.Convention::label).toList(), "start replaced, bn kept");
        assertEquals(300, q.examples());
        assertEquals(100, q.subspace());
        assertTrue(quick.quickNote().contains("analyses with {\"sharpness\":{\"start\":\"centre\",\"examples\":300}}"), quick.quickNote());
        InputException bad = assertThrows(InputException.class, () -> Experiment.parse(
                yaml(y.replace("analyses: {sharpness: {start", "analyses: {landscape: {start")), "t.yaml", true, s -> 60000));
        assertTrue(bad.getMessage().startsWith("t.yaml: quick.analyses: unknown key 'landscape'"), bad.getMessage());
        InputException missing = assertThrows(InputException.class, () -> Experiment.parse(
                yaml(y.replace("analyses: {sharpness: {start", "analyses: {figure4: {eps")), "t.yaml", true, s -> 60000));
        assertEquals("t.yaml: quick.analyses.figure4: the experiment has no analyses.figure4 to change", missing.getMessage());
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
                () -> Experiment.parse(yaml(BASE.replace("experiment: t", "experiment: t\nseeds: 5")), "t.yaml", false, s -> 60000));
        assertTrue(x.getMessage().contains("unknown key 'seeds'") && x.getMessage().contains("allowed keys: experiment"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("[[a, b]]", "[[a, c]]")), "t.yaml", false, s -> 60000));
        assertTrue(x.getMessage().contains("no run named 'c'"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("name: b,", "name: a,")), "t.yaml", false, s -> 60000));
        assertTrue(x.getMessage().contains("used twice"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("epochs: 20", "epochs: 20\n  epoch: 3")), "t.yaml", false, s -> 60000));
        assertTrue(x.getMessage().contains("base: unknown key 'epoch'"), x.getMessage());
        x = assertThrows(InputException.class, () -> Experiment.parse(yaml(BASE.replace("{lr: 0.01}", "{lr: -1}")), "t.yaml", false, s -> 60000));
        assertTrue(x.getMessage().contains("runs[1] (b)") && x.getMessage().contains("optimizer.lr"), x.getMessage());
    }

    private static final String SWEEP = """
            experiment: s
            base:
              model: f1
              data: {train: fashion-mnist:train}
              optimizer: {name: adam, lr: 0.001}
              batch: {size: 256}
              epochs: 20
            runs:
              - {name: sb, role: SB, saveEpochs: true, sweep: {seed: [1, 2, 3]}}
              - {name: "b{batch.size}-s{seed}", role: "B{batch.size}", sweep: {batch.size: [64, 0.1], seed: [7, 8]}}
              - {name: w, role: LB, batch: {size: 0.1}, init: {run: sb-seed1}, sweep: {init.epoch: [0, 5]}}
            analyses:
              sharpness: {eps: [1e-3]}
              figure4: {eps: 1e-3}
              figure5: {eps: 0.001}
            """;

    @Test
    void aSweepExpandsToTheProductOfItsListsWithGeneratedNames() {
        Experiment e = Experiment.parse(yaml(SWEEP), "s.yaml", false, s -> 60000);
        assertEquals(List.of("sb-seed1", "sb-seed2", "sb-seed3", "b64-s7", "b64-s8", "b0.1-s7", "b0.1-s8", "w-epoch0", "w-epoch5"),
                e.runs().stream().map(Experiment.Run::name).toList());
        assertEquals(List.of("SB", "SB", "SB", "B64", "B64", "B0.1", "B0.1", "LB", "LB"), e.runs().stream().map(Experiment.Run::role).toList());
        assertEquals(List.of(1L, 2L, 3L, 7L, 8L, 7L, 8L, 1L, 1L), e.runs().stream().map(r -> r.config().seed()).toList());
        assertEquals(64, e.runs().get(3).config().batch().size().intValue());
        assertEquals(0.1, e.runs().get(5).config().batch().size());
        assertEquals(Map.of("batch.size", 64, "seed", 8), e.runs().get(4).swept());
        assertEquals(new Experiment.InitFrom("sb-seed1", 5), e.runs().get(8).initFrom());
        assertNull(e.runs().get(8).config().init(), "the warm start's folder is set by reproduce, which knows --out");
        assertEquals(new Experiment.FigureSettings("1e-3", false), e.analyses().figure5());
        // --quick with the file's quick.sweep: its lists replace the run's
        Map<String, Object> q = yaml(SWEEP + "quick: {base: {epochs: 5}, sweep: {seed: [1]}}\n");
        Experiment quick = Experiment.parse(q, "s.yaml", true, s -> 60000);
        assertEquals(List.of("sb-seed1", "b64-s1", "b0.1-s1", "w-epoch0", "w-epoch5"), quick.runs().stream().map(Experiment.Run::name).toList());
        assertEquals(5, quick.runs().get(0).config().epochs());
        assertTrue(quick.quickNote().contains("\"epochs\":5"), quick.quickNote());
        assertEquals(3, Experiment.parse(q, "s.yaml", false, s -> 60000).runs().size() - 6, "without --quick the quick key is ignored");
    }

    @Test
    void aBadSweepIsOneErrorBeforeAnyTraining() {
        String[][] cases = {
            {"sweep: {seed: [1, 2, 3]}", "sweep: {sed: [1, 2]}", "runs[0].sweep: unknown key 'sed'"},
            {"sweep: {seed: [1, 2, 3]}", "sweep: {seed: []}", "runs[0].sweep.seed: expected a non-empty list"},
            {"sweep: {seed: [1, 2, 3]}", "sweep: {seed: 3}", "runs[0].sweep.seed: expected a non-empty list"},
            {"sweep: {seed: [1, 2, 3]}", "sweep: {batch.sise: [1]}", "batch: unknown key 'sise'"},
            {"sweep: {seed: [1, 2, 3]}", "seed: 4, sweep: {seed: [1]}", "'seed' is also set in the run entry"},
            {"{name: sb, role: SB, saveEpochs: true,", "{name: sb, role: SB,", "run 'sb-seed1' does not keep its epochs"},
            {"[0, 5]", "[0, 21]", "runs[2].init.epoch: expected an epoch of run 'sb-seed1', 0 to 20, got 21"},
            {"init: {run: sb-seed1}", "init: {run: w}", "no run named 'w' before"},
            {"- {name: sb, role: SB, saveEpochs: true, sweep: {seed: [1, 2, 3]}}", "- {name: sb, role: SB, saveEpochs: true, sweep: {seed: [1, 1]}}",
                "'sb-seed1' is used twice"},
            {"figure5: {eps: 0.001}", "figure5: {eps: 0.002}", "analyses.figure5: needs analyses.sharpness with eps 2e-3"},
        };
        for (String[] c : cases) {
            assertTrue(SWEEP.contains(c[0]), c[0]);
            InputException x = assertThrows(InputException.class, () -> Experiment.parse(yaml(SWEEP.replace(c[0], c[1])), "s.yaml", false, s -> 60000),
                    c[1]);
            assertTrue(x.getMessage().contains(c[2]) && x.getMessage().startsWith("s.yaml"), c[1] + " -> " + x.getMessage());
            assertEquals(1, x.getMessage().lines().count());
        }
        // the batch check uses the examples the run trains on
        InputException x = assertThrows(InputException.class, () -> Experiment.parse(yaml(SWEEP.replace("train: fashion-mnist:train}",
                "train: fashion-mnist:train, trainExamples: 200}")), "s.yaml", false, s -> 60000));
        assertTrue(x.getMessage().contains("batch.size 256 is larger than the 200 training examples"), x.getMessage());
    }

    @Test
    void theShippedExperimentsParse() {
        Experiment k = Experiment.parse(Experiment.readMap(Path.of("experiments/keskar-f1.yaml")), "keskar-f1.yaml", false, s -> 60000);
        assertEquals(List.of("SB", "SB", "SB", "SB", "SB", "LB", "LB", "LB", "LB", "LB"), k.runs().stream().map(Experiment.Run::role).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), k.runs().subList(5, 10).stream().map(r -> r.config().seed()).toList());
        assertEquals(0.1, k.runs().get(5).config().batch().size());
        assertEquals(256, k.runs().get(0).config().batch().size().intValue());
        assertEquals("adam", k.runs().get(0).config().optimizer().name());
        assertTrue(k.runs().get(0).config().stop().active() && k.runs().get(0).config().stop().keepBest());
        assertEquals(List.of(2, 3, 4), k.paper().tables());
        Experiment kq = Experiment.parse(Experiment.readMap(Path.of("experiments/keskar-f1.yaml")), "keskar-f1.yaml", true, s -> 60000);
        assertEquals(List.of("sb-seed1", "sb-seed2", "lb-seed1", "lb-seed2"), kq.runs().stream().map(Experiment.Run::name).toList());
        assertEquals(5000, kq.runs().get(0).config().trainExamples());
        Experiment f4 = Experiment.parse(Experiment.readMap(Path.of("experiments/keskar-figure4.yaml")), "f4.yaml", false, s -> 60000);
        assertEquals(14, f4.runs().size()); // 7 batch sizes × 2 seeds, seeds outermost
        assertEquals(List.of("b64-s1", "b256-s1", "b0.02-s1"), f4.runs().subList(0, 3).stream().map(Experiment.Run::name).toList());
        assertEquals(0.5, f4.runs().get(13).config().batch().size()); // 50% of the training set
        Experiment f5 = Experiment.parse(Experiment.readMap(Path.of("experiments/keskar-figure5.yaml")), "f5.yaml", false, s -> 60000);
        assertEquals(1 + 8, f5.runs().size()); // the SB run and 8 warm starts, one LB seed
        assertEquals(new Experiment.InitFrom("sb", 100), f5.runs().get(f5.runs().size() - 1).initFrom());
        for (String f : List.of("keskar-figure4", "keskar-figure5", "keskar-f1-mnist", "keskar-c1", "keskar-c2", "keskar-c3", "keskar-c4")) {
            Experiment.parse(Experiment.readMap(Path.of("experiments/" + f + ".yaml")), f, true, s -> 50000);
        }
        // smith-schedules.yaml is a study (arms × seeds): StudyTest checks it
        Study study = Study.load(Path.of("experiments/smith-schedules.yaml"), List.of(), false);
        assertEquals(List.of("decaying-lr", "hybrid", "increasing-batch"), study.groups());
    }
}
