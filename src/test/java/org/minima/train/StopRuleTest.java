package org.minima.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minima.data.DataSet;
import org.minima.io.InputException;
import org.minima.io.Json;
import org.minima.io.ModelDirectory;
import org.minima.nn.Network;
import org.nd4j.linalg.api.buffer.DataType;

/** Keskar's "until the loss ceased to improve" on scripted loss sequences: patience, minDelta, the best epoch's weights. */
class StopRuleTest {
    @TempDir Path tmp;

    /** The epoch after which the rule stops (0: never within the sequence) and the best epoch, for a scripted sequence. */
    private static int[] play(int patience, double minDelta, double... losses) {
        StopRule rule = new StopRule(new TrainConfig.Stop(patience, minDelta, Trainer.DEFAULT_STOP_LOSS, true), Double.POSITIVE_INFINITY, 0, 0);
        for (int e = 1; e <= losses.length; e++) {
            rule.record(e, losses[e - 1]);
            if (rule.shouldStop()) return new int[] {e, rule.bestEpoch()};
        }
        return new int[] {0, rule.bestEpoch()};
    }

    @Test
    void patienceCountsEpochsInARowWithoutImprovement() {
        // counted by hand: epoch 3 best (0.5); 4, 5 do not improve: patience 2 stops after epoch 5
        assertArrayEquals(new int[] {5, 3}, play(2, 0, 1.0, 0.8, 0.5, 0.6, 0.55, 0.1));
        // an improvement resets the count: 0.7 at epoch 4 is below 0.8 → best; 5, 6 bad → stop after 6
        assertArrayEquals(new int[] {6, 4}, play(2, 0, 1.0, 0.8, 0.9, 0.7, 0.75, 0.72));
        // patience 0: never stops, still tracks the best
        assertArrayEquals(new int[] {0, 2}, play(0, 0, 1.0, 0.2, 0.3, 0.4, 0.5));
        // a tie is not an improvement
        assertArrayEquals(new int[] {3, 1}, play(2, 0, 0.5, 0.5, 0.5));
    }

    @Test
    void minDeltaRequiresTheLossToFallByMoreThanIt() {
        // minDelta 0.1: 0.95 and 0.91 are within 0.1 of 1.0 (not improvements), 0.85 is; then 0.8, 0.76 are not
        assertArrayEquals(new int[] {3, 1}, play(2, 0.1, 1.0, 0.95, 0.91, 0.85));
        assertArrayEquals(new int[] {5, 3}, play(2, 0.1, 1.0, 0.95, 0.85, 0.8, 0.76));
        // the best is the improving epoch, not the lowest loss seen: 0.8 (epoch 4) never beat 0.85 by 0.1
        StopRule r = new StopRule(new TrainConfig.Stop(5, 0.1, "running", true), Double.POSITIVE_INFINITY, 0, 0);
        for (double l : new double[] {1.0, 0.95, 0.85, 0.8}) r.record(0, l);
        assertEquals(0.85, r.best());
    }

    @Test
    void theRunEndsWithTheBestEpochsWeightsAndRecordsWhich() {
        // Scripted stop losses: epoch 2 is the best (0.2); 3 and 4 do not improve; patience 2 stops after epoch 4.
        // saveEpochs keeps each epoch's weights on disk: the network must end with epoch 2's exactly.
        DataSet data = TrainerTest.blobs(60, 3, true);
        Map<String, Object> raw = TrainerTest.config(TrainerTest.mlp(), Map.of("name", "adam", "lr", 0.01), Map.of("name", "fixed"),
                Map.of("size", 10), 20, 4);
        raw.put("stop", Map.of("patience", 2));
        raw.put("saveEpochs", true);
        TrainConfig cfg = TrainConfig.parse(raw, "t");
        assertTrue(cfg.stop().keepBest(), "keepBest defaults to true with a patience");
        Network net = TrainerTest.network(cfg);
        double[] script = {0.5, 0.2, 0.3, 0.25, 0.1};
        Trainer t = new Trainer(cfg, net, data, null, tmp, null, new Trainer.StopLoss() {
            int calls;

            @Override
            public double of(Network n, DataSet train, org.minima.nn.Evaluation inference) {
                return script[calls++];
            }
        });
        Trainer.Outcome out = t.run(Trainer.start());
        assertEquals("loss-stopped-improving", out.stopReason());
        assertEquals(4, out.state().epochsDone());
        assertEquals(2, out.state().bestEpoch());
        assertEquals(2, out.modelEpoch(cfg.stop()));
        assertEquals(0.2, out.state().bestLoss());
        float[] best = Network.load(ModelDirectory.read(Trainer.epochDir(tmp, 2)), DataType.FLOAT).parameters().toFloatVector();
        float[] last = Network.load(ModelDirectory.read(Trainer.epochDir(tmp, 4)), DataType.FLOAT).parameters().toFloatVector();
        assertArrayEquals(best, net.parameters().toFloatVector(), 0f);
        assertFalse(java.util.Arrays.equals(best, last));
        assertArrayEquals(best, Network.load(ModelDirectory.read(tmp.resolve(Trainer.BEST_DIR)), DataType.FLOAT).parameters().toFloatVector(), 0f);
        assertTrue(Files.isRegularFile(Trainer.epochDir(tmp, 0).resolve("model.json")), "epoch 0: the initialization");
        assertEquals(List.of(0.5, 0.2, 0.3, 0.25), out.state().rows().stream().map(History.Row::stopLoss).toList());
    }

    @Test
    void runJsonAndHistoryRecordTheRuleAndTheModelsEpoch() throws Exception {
        // A real run to the cap: its model is the best epoch's (lowest whole-set inference loss), the row run.json reports
        Path csv = tmp.resolve("b.csv");
        StringBuilder sb = new StringBuilder();
        DataSet d = TrainerTest.blobs(60, 2, true);
        for (int i = 0; i < d.size(); i++) {
            for (int j = 0; j < 4; j++) sb.append(d.rawFeatures()[i * 4 + j]).append(',');
            sb.append(d.label(i)).append('\n');
        }
        Files.writeString(csv, sb);
        Map<String, Object> raw = TrainerTest.config(TrainerTest.mlp(), Map.of("name", "adam", "lr", 0.3), Map.of("name", "fixed"),
                Map.of("size", 10), 8, 4);
        raw.put("data", Map.of("train", csv.toString()));
        raw.put("stop", Map.of("patience", 100, "minDelta", 0.0));
        raw.put("saveEpochs", true);
        Path dir = tmp.resolve("run");
        TrainRun.start(TrainConfig.parse(raw, "t"), dir, new TrainRun.Info("t", "none", 1), null);
        JsonNode f = Json.read(dir.resolve("run.json")).get("figures");
        List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
        assertEquals(9, lines.size());
        int best = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int e = 1; e <= 8; e++) {
            String[] c = lines.get(e).split(",");
            assertEquals(c[5], c[9], "stop.loss running: the watched loss is history's trainLoss");
            if (Double.parseDouble(c[9]) < bestLoss) {
                bestLoss = Double.parseDouble(c[9]);
                best = e;
            }
        }
        assertEquals(best, f.get("modelEpoch").asInt());
        assertEquals(best, f.get("stopRule").get("bestEpoch").asInt());
        assertEquals(bestLoss, f.get("stopRule").get("bestLoss").asDouble());
        assertEquals(bestLoss, f.get("trainLoss").asDouble(), "run.json's figures are the model's epoch");
        assertEquals("max-epochs", f.get("stopReason").asText());
        assertEquals(8, f.get("stopRule").get("maxEpochs").asInt());
        // the saved model is that epoch's
        var saved = ModelDirectory.read(Trainer.epochDir(dir, best)).tensors();
        var model = ModelDirectory.read(dir).tensors();
        assertEquals(saved.keySet(), model.keySet());
        for (String k : saved.keySet()) assertArrayEquals(saved.get(k).data(), model.get(k).data(), 0.0, k);
    }

    @Test
    void theBatchStopLossIsTheWholeSetLossWithPerBatchStatistics() {
        // stop.loss batch: the analyses' batch-statistics convention, evaluated after each epoch on the network it
        // ended with; recorded beside trainLoss (inference mode), which it differs from on a batch-norm network
        DataSet data = TrainerTest.blobs(60, 3, true);
        Map<String, Object> raw = TrainerTest.config(TrainerTest.mlp(), Map.of("name", "adam", "lr", 0.01), Map.of("name", "fixed"),
                Map.of("size", 10), 2, 4);
        raw.put("stop", Map.of("patience", 3, "loss", "batch"));
        TrainConfig cfg = TrainConfig.parse(raw, "t");
        Network net = TrainerTest.network(cfg);
        Trainer.Outcome out = new Trainer(cfg, net, data, null, null, null).run(Trainer.start());
        History.Row last = out.state().rows().get(1);
        double batchLoss = net.evaluate(data, 7, org.minima.nn.BatchNormMode.batch(1000)).loss();
        assertEquals(batchLoss, last.stopLoss(), 1e-6 * batchLoss);
        assertTrue(Math.abs(last.stopLoss() - last.trainLoss()) > 1e-6, last.toString());
    }

    @Test
    void anUnknownStopLossIsAnError() {
        Map<String, Object> raw = TrainerTest.config(TrainerTest.mlp(), Map.of("name", "adam", "lr", 0.01), Map.of("name", "fixed"),
                Map.of("size", 10), 3, 1);
        raw.put("stop", Map.of("patience", 2, "loss", "training"));
        InputException x = assertThrows(InputException.class, () -> TrainConfig.parse(raw, "t"));
        assertTrue(x.getMessage().contains("stop.loss: expected one of running, batch"), x.getMessage());
    }
}
