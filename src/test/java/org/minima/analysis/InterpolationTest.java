package org.minima.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InterpolationTest {

    static INDArray vec(double... v) {
        return Nd4j.createFromArray(v).castTo(DataType.DOUBLE);
    }

    @Test
    void parametersAndRunningStatisticsBothMoveAlongTheLinearAndTheCurvedPath() {
        // from = (1, 2 | 10), to = (3, −2 | 30). Linear: θ(α) = (1 + 2α, 2 − 4α | 10 + 20α); curved:
        // cos(απ/2)·from + sin(απ/2)·to (Keskar Fig. 7). The "evaluators" report the vectors themselves.
        INDArray p = vec(0, 0);
        INDArray b = vec(0);
        var ends = new Interpolation.Ends(vec(1, 2), vec(10), vec(3, -2), vec(30));
        Grid alphas = Grid.parse("-1:2:7", "--alpha");
        List<Interpolation.Point> lin = Interpolation.run(ends, p, b, alphas, Interpolation.Path.LINEAR,
                () -> new Score(p.getDouble(0), p.getDouble(1)), () -> new Score(b.getDouble(0), 0), k -> {});
        for (Interpolation.Point pt : lin) {
            double a = pt.alpha();
            assertEquals(1 + 2 * a, pt.train().loss(), 1e-14);
            assertEquals(2 - 4 * a, pt.train().accuracy(), 1e-14);
            assertEquals(10 + 20 * a, pt.test().loss(), 1e-13);
        }
        List<Interpolation.Point> cur = Interpolation.run(ends, p, b, alphas, Interpolation.Path.CURVED,
                () -> new Score(p.getDouble(0), p.getDouble(1)), () -> new Score(b.getDouble(0), 0), k -> {});
        for (Interpolation.Point pt : cur) {
            double c = Math.cos(pt.alpha() * Math.PI / 2), s = Math.sin(pt.alpha() * Math.PI / 2);
            assertEquals(c * 1 + s * 3, pt.train().loss(), 1e-14);
            assertEquals(c * 10 + s * 30, pt.test().loss(), 1e-13);
        }
        assertEquals(1.0, cur.get(2).train().loss(), 1e-15); // α = 0 is `from`
        assertEquals(3.0, cur.get(4).train().loss(), 1e-15); // α = 1 is `to`
    }

    @Test
    void csvHasTheDocumentedColumnsAndOneRowPerAlpha() {
        var pts = List.of(new Interpolation.Point(-1, new Score(1, 0.5), new Score(2, 0.25)),
                new Interpolation.Point(0, new Score(0.1, 0.9), new Score(0.2, 0.8)));
        String[] lines = Interpolation.csv(pts).split("\n");
        assertEquals("alpha,train_loss,train_accuracy,test_loss,test_accuracy", lines[0]);
        assertEquals(3, lines.length);
        assertEquals("-1.0,1.0,0.5,2.0,0.25", lines[1]);
    }
}
