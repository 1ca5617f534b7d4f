package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.minima.data.DataSet;
import org.minima.io.Tensor;
import org.minima.nn.Evaluation;
import org.minima.nn.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LandscapeNetworkTest {

    @Test
    void twoDimensionalGridValuesEqualDirectEvaluationsOfThePerturbedModel() {
        // The answer: for a few (x, y), a fresh network loaded from the tensors of θ + x·δ + y·η (built in plain
        // double arithmetic, running statistics the model's own) and evaluated on its own.
        Network net = InterpolationNetworkTest.net(21);
        DataSet d = InterpolationNetworkTest.data(40, 6, 3, 4);
        ParameterLayout layout = ParameterLayout.of(net.spec());
        double[] c = net.parameters().toDoubleVector();
        double[][] dirs = FilterNormalization.randomDirections(c, layout, 2, 8);
        Map<String, Tensor> original = net.toTensors("F64");

        Grid grid = Grid.parse("-1:1:5", "--grid");
        INDArray d1 = Nd4j.createFromArray(dirs[0]);
        INDArray d2 = Nd4j.createFromArray(dirs[1]);
        Landscape l = new Landscape(net.parameters().dup(), d1, d2, grid);
        Score[] t = l.run(net.parameters(), () -> {
            Evaluation e = net.evaluate(d, 16);
            return new Score(e.loss(), e.accuracy());
        }, null, 1, x -> {}, k -> {});

        int[][] cells = {{0, 0}, {4, 1}, {2, 2}, {1, 3}, {4, 4}};
        for (int[] ij : cells) {
            double x = grid.value(ij[0]), y = grid.value(ij[1]);
            double[] w = new double[c.length];
            for (int i = 0; i < c.length; i++) w[i] = c[i] + x * dirs[0][i] + y * dirs[1][i];
            Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(original);
            tensors.putAll(layout.toTensors(w, "F64"));
            Evaluation direct = Network.load(net.spec(), tensors, DataType.DOUBLE).evaluate(d, 40);
            Score s = t[ij[1] * 5 + ij[0]];
            assertEquals(direct.loss(), s.loss(), 1e-12 * Math.max(1, direct.loss()), "cell " + x + "," + y);
            assertEquals(direct.accuracy(), s.accuracy(), 0.0, "cell " + x + "," + y);
        }
        // the centre cell is the model itself
        assertEquals(net.evaluate(d, 16).loss(), t[2 * 5 + 2].loss(), 1e-12);
    }
}
